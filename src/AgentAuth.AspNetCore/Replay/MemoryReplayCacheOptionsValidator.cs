using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>Validates <see cref="MemoryReplayCacheOptions"/> at startup with messages naming the option to fix.</summary>
internal sealed class MemoryReplayCacheOptionsValidator : IValidateOptions<MemoryReplayCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryReplayCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        if (options.SizeLimit < 1)
        {
            (failures ??= []).Add($"MemoryReplayCacheOptions.SizeLimit must be at least 1 (was {options.SizeLimit}).");
        }
        if (options.PerKeyLimit is { } perKey && (perKey < 1 || perKey > options.SizeLimit))
        {
            (failures ??= []).Add($"MemoryReplayCacheOptions.PerKeyLimit must be between 1 and SizeLimit ({options.SizeLimit}) (was {perKey}).");
        }
        if (options.PurgeInterval <= TimeSpan.Zero || options.PurgeInterval == Timeout.InfiniteTimeSpan)
        {
            (failures ??= []).Add($"MemoryReplayCacheOptions.PurgeInterval must be a finite duration greater than zero (was {options.PurgeInterval}).");
        }
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
