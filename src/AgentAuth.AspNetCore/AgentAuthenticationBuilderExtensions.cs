using AgentAuth.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the AgentAuth authentication scheme. Besides the scheme, every overload adds (once, idempotently)
/// authorization (<c>AddAuthorization()</c>), the scope requirement handler, and two decorators: the
/// <see cref="Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider"/> is wrapped so <c>Scope:…</c> policy names
/// resolve (every other name, the default and the fallback policy go to the wrapped provider), and the
/// <see cref="Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler"/> is wrapped so a missing AgentAuth scope
/// is answered with 403 <c>insufficient_scope</c> (RFC 6750 §3.1); other results go to the wrapped handler.
/// </summary>
/// <remarks>
/// <c>AddAuthorization(...)</c> and its policies may be registered before or after <c>AddAgentAuth</c>: the framework
/// registers its default provider and result handler only once, and the decorators wrap whichever is registered when
/// <c>AddAgentAuth</c> runs. A custom provider or result handler replaces the registration, so add it before
/// <c>AddAgentAuth</c> to have it wrapped (one added later wins over the decorator, as the last registration always does).
/// </remarks>
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
        services.AddAgentAuthDiscoveryBackchannel();
        services.AddMetrics();
        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentAuthMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AgentAuthOptions>, AgentAuthConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AgentAuthOptions>, AgentAuthPostConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentAuthOptions>, AgentAuthOptionsValidator>());
        services.TryAddAgentAuthReplayCache();
        services.TryAddAgentAuthRevocationStore();
        services.AddAgentAuthScopeAuthorization();
        services.AddOptions<AgentAuthOptions>(authenticationScheme).ValidateOnStart();

        return builder.AddScheme<AgentAuthOptions, AgentAuthHandler>(authenticationScheme, displayName, configureOptions);
    }
}
