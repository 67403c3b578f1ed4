using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>Registers the default revocation store.</summary>
internal static class RevocationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryRevocationStore"/> as the <see cref="IRevocationStore"/> unless one is already registered
    /// (a shared store registered before or after wins: it replaces the registration).
    /// </summary>
    public static IServiceCollection TryAddAgentAuthRevocationStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MemoryRevocationStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryRevocationStoreOptions>, MemoryRevocationStoreOptionsValidator>());
        services.TryAddSingleton<IRevocationStore, MemoryRevocationStore>();
        return services;
    }
}

/// <summary>Validates <see cref="MemoryRevocationStoreOptions"/> at startup.</summary>
internal sealed class MemoryRevocationStoreOptionsValidator : IValidateOptions<MemoryRevocationStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryRevocationStoreOptions options) =>
        options.SizeLimit > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("MemoryRevocationStoreOptions.SizeLimit must be positive.");
}
