using System.Security.Claims;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The claims of one validated token, mapped once and kept with the cached validation result. Claims are
/// prototypes: every request gets its own <see cref="ClaimsIdentity"/> (identities are mutable), built from them.
/// </summary>
internal sealed class TokenClaimSet
{
    public TokenClaimSet(Claim[] claims, string? subject, string? issuer, ActorNode? actor)
    {
        Claims = claims;
        Subject = subject;
        Issuer = issuer;
        Actor = actor;
    }

    /// <summary>Top-level claims with scopes normalized to one claim each; <c>act</c> and <c>cnf</c> are not in this list.</summary>
    public Claim[] Claims { get; }

    public string? Subject { get; }

    public string? Issuer { get; }

    /// <summary>The current actor (RFC 8693 <c>act</c>), whose <see cref="ActorNode.Next"/> is the prior actor, and so on.</summary>
    public ActorNode? Actor { get; }

    /// <summary>One level of the RFC 8693 actor chain.</summary>
    internal sealed class ActorNode
    {
        public ActorNode(Claim[] claims, ActorNode? next)
        {
            Claims = claims;
            Next = next;
        }

        public Claim[] Claims { get; }

        public ActorNode? Next { get; }
    }
}
