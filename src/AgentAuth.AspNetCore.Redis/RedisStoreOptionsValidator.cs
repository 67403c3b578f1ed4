using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>Validates <see cref="RedisStoreOptions"/> at startup with messages naming the option to fix.</summary>
internal sealed class RedisStoreOptionsValidator : IValidateOptions<RedisStoreOptions>
{
    internal const int MaxKeyPrefixLength = 64;
    internal static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Set when the stores use an existing multiplexer, so no configuration string is needed.</summary>
    internal bool UsesExistingMultiplexer { get; init; }

    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;

        if (!UsesExistingMultiplexer)
        {
            if (string.IsNullOrWhiteSpace(options.Configuration))
            {
                (failures ??= []).Add("RedisStoreOptions.Configuration (the Redis connection string) is required.");
            }
            else if (!IsValidConfiguration(options.Configuration, out var error))
            {
                (failures ??= []).Add($"RedisStoreOptions.Configuration is not a valid StackExchange.Redis configuration string: {error}");
            }
        }
        if (options.KeyPrefix is null || options.KeyPrefix.Length > MaxKeyPrefixLength || !IsPrintable(options.KeyPrefix))
        {
            (failures ??= []).Add($"RedisStoreOptions.KeyPrefix must be at most {MaxKeyPrefixLength} characters without whitespace or control characters.");
        }
        if (options.OperationTimeout < TimeSpan.FromMilliseconds(1) || options.OperationTimeout > MaxOperationTimeout)
        {
            (failures ??= []).Add($"RedisStoreOptions.OperationTimeout must be between 1 millisecond and 1 minute (was {options.OperationTimeout}).");
        }
        if (options.PerKeyLimit is < 1)
        {
            (failures ??= []).Add($"RedisStoreOptions.PerKeyLimit must be at least 1, or null to turn the per-key quota off (was {options.PerKeyLimit}).");
        }
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPrintable(string value)
    {
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsValidConfiguration(string configuration, out string? error)
    {
        try
        {
            _ = ConfigurationOptions.Parse(configuration);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
