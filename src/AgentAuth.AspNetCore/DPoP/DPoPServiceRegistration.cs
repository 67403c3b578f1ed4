using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentAuth.AspNetCore;

/// <summary>Registers the DPoP services the scheme handler resolves. The <see cref="IReplayCache"/> is registered by the replay feature.</summary>
internal static class DPoPServiceRegistration
{
    /// <summary>
    /// Adds Data Protection (for stateless nonces; configure a shared key ring for several instances),
    /// <see cref="TimeProvider.System"/> unless one is registered, <see cref="DPoPNonceService"/> and <see cref="DPoPProofValidator"/>.
    /// </summary>
    public static IServiceCollection AddDPoPCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new DPoPNonceService(sp.GetRequiredService<IDataProtectionProvider>()));
        services.TryAddSingleton(static sp => new DPoPProofValidator(
            sp.GetRequiredService<IReplayCache>(), sp.GetRequiredService<DPoPNonceService>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
