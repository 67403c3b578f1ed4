using AgentAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Opt-in RFC 9728 protected resource metadata for AgentAuth resource servers.</summary>
public static class AgentAuthResourceMetadataServiceCollectionExtensions
{
    /// <summary>
    /// Enables RFC 9728 protected resource metadata: validates <see cref="AgentAuthResourceMetadataOptions"/> at startup,
    /// adds <c>resource_metadata</c> to AgentAuth challenges, and lets <c>app.MapAgentAuthResourceMetadata()</c> serve the document.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets at least <see cref="AgentAuthResourceMetadataOptions.Resource"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAgentAuthResourceMetadata(this IServiceCollection services, Action<AgentAuthResourceMetadataOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AgentAuthResourceMetadataOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentAuthResourceMetadataOptions>, ResourceMetadataOptionsValidator>());
        services.TryAddSingleton<ResourceMetadataDocument>();
        return services;
    }
}
