using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AgentAuth authentication scheme.</summary>
public static class AgentAuthenticationBuilderExtensions
{
    /// <summary>Adds the AgentAuth scheme under <see cref="AgentAuthDefaults.AuthenticationScheme"/>, configured from <c>Authentication:Schemes:AgentAuth</c>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddAgentAuth(this AuthenticationBuilder builder)
        => builder.AddAgentAuth(AgentAuthDefaults.AuthenticationScheme, _ => { });

    /// <summary>Adds the AgentAuth scheme under <see cref="AgentAuthDefaults.AuthenticationScheme"/>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configureOptions">Configures the options (applied after configuration binding).</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddAgentAuth(this AuthenticationBuilder builder, Action<AgentAuthOptions> configureOptions)
        => builder.AddAgentAuth(AgentAuthDefaults.AuthenticationScheme, configureOptions);

    /// <summary>Adds the AgentAuth scheme under a name of your choice, configured from <c>Authentication:Schemes:{authenticationScheme}</c>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddAgentAuth(this AuthenticationBuilder builder, string authenticationScheme)
        => builder.AddAgentAuth(authenticationScheme, _ => { });

    /// <summary>Adds the AgentAuth scheme under a name of your choice.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configureOptions">Configures the options (applied after configuration binding).</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddAgentAuth(this AuthenticationBuilder builder, string authenticationScheme, Action<AgentAuthOptions> configureOptions)
        => builder.AddAgentAuth(authenticationScheme, displayName: null, configureOptions);

    /// <summary>Adds the AgentAuth scheme under a name and display name of your choice.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="displayName">The display name, or <see langword="null"/>.</param>
    /// <param name="configureOptions">Configures the options (applied after configuration binding).</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddAgentAuth(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<AgentAuthOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        var services = builder.Services;
        services.AddAgentAuthBackchannel();
        services.AddMetrics();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentAuthMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AgentAuthOptions>, AgentAuthConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgentAuthOptions>, AgentAuthPostConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentAuthOptions>, AgentAuthOptionsValidator>());
        services.TryAddAgentAuthReplayCache();
        services.AddAgentAuthScopeAuthorization();
        services.AddOptions<AgentAuthOptions>(authenticationScheme).ValidateOnStart();

        return builder.AddScheme<AgentAuthOptions, AgentAuthHandler>(authenticationScheme, displayName, configureOptions);
    }
}
