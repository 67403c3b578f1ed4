using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>Registers the replay-cache services the scheme depends on.</summary>
internal static class ReplayCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryReplayCache"/> as the <see cref="IReplayCache"/> unless one is already registered
    /// (a shared store registered before or after wins, since it replaces the registration), plus its options
    /// validation, the metrics and a system <see cref="TimeProvider"/> when none is registered.
    /// </summary>
    public static IServiceCollection TryAddAgentAuthReplayCache(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddReplayCacheInfrastructure();
        services.AddOptions<MemoryReplayCacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryReplayCacheOptions>, MemoryReplayCacheOptionsValidator>());
        services.TryAddSingleton<MemoryReplayCache>();
        services.TryAddSingleton<IReplayCache>(static sp => sp.GetRequiredService<MemoryReplayCache>());
        return services;
    }

    /// <summary>What every replay-cache implementation needs: time, logging, metrics.</summary>
    public static IServiceCollection AddReplayCacheInfrastructure(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddMetrics();
        services.TryAddSingleton<ReplayCacheMetrics>();
        return services;
    }
}
