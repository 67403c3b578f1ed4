using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AgentAuth.AspNetCore;

/// <summary>Context of <see cref="AgentAuthEvents.OnChallenge"/>.</summary>
public sealed class AgentAuthChallengeContext : PropertiesContext<AgentAuthOptions>
{
    /// <summary>Creates the context.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme options.</param>
    /// <param name="properties">The challenge properties.</param>
    /// <param name="failure">The authentication failure, or <see langword="null"/> when the request carried no credentials.</param>
    public AgentAuthChallengeContext(HttpContext context, AuthenticationScheme scheme, AgentAuthOptions options, AuthenticationProperties? properties, AgentAuthFailure? failure)
        : base(context, scheme, options, properties)
    {
        Failure = failure;
    }

    /// <summary>The authentication failure, or <see langword="null"/> when the request carried no credentials.</summary>
    public AgentAuthFailure? Failure { get; }

    /// <summary>Whether the event wrote the response itself; the handler then writes nothing.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the handler's own challenge response.</summary>
    public void HandleResponse() => Handled = true;
}
