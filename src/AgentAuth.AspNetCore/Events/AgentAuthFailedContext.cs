using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>Context of <see cref="AgentAuthEvents.OnAuthenticationFailed"/>.</summary>
public sealed class AgentAuthFailedContext : ResultContext<AgentAuthOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme options.</param>
    /// <param name="failure">Why authentication failed.</param>
    public AgentAuthFailedContext(HttpContext context, AuthenticationScheme scheme, AgentAuthOptions options, AgentAuthFailure failure)
        : base(context, scheme, options)
    {
        Failure = failure;
    }

    /// <summary>Why authentication failed: the status, error code and description the client will receive.</summary>
    public AgentAuthFailure Failure { get; }
}
