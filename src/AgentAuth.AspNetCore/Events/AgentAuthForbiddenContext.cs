using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>Context of <see cref="AgentAuthEvents.OnForbidden"/>.</summary>
public sealed class AgentAuthForbiddenContext : ResultContext<AgentAuthOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme options.</param>
    public AgentAuthForbiddenContext(HttpContext context, AuthenticationScheme scheme, AgentAuthOptions options)
        : base(context, scheme, options)
    {
    }
}
