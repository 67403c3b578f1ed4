using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>Context of <see cref="AgentAuthEvents.OnTokenValidated"/>: every check passed and <see cref="ResultContext{TOptions}.Principal"/> is set.</summary>
public sealed class AgentAuthTokenValidatedContext : ResultContext<AgentAuthOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme options.</param>
    /// <param name="authenticationMode">How the request authenticated (<see cref="AgentAuthenticationModes"/>).</param>
    public AgentAuthTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, AgentAuthOptions options, string authenticationMode)
        : base(context, scheme, options)
    {
        AuthenticationMode = authenticationMode;
    }

    /// <summary>How the request authenticated; one of the <see cref="AgentAuthenticationModes"/> values.</summary>
    public string AuthenticationMode { get; }
}
