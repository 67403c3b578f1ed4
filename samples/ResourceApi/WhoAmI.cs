using System.Security.Claims;
using AgentAuth.AspNetCore;

namespace ResourceApi;

/// <summary>What <c>GET /whoami</c> returns: who the agent is and how it proved it.</summary>
/// <param name="Subject">The token's <c>sub</c>, or for signature-only agents the key id.</param>
/// <param name="Scopes">The granted scopes.</param>
/// <param name="ActorChain">The delegation chain from the token's <c>act</c> claim, nearest actor first.</param>
/// <param name="KeyThumbprint">The RFC 7638 thumbprint of the key that signed the request or DPoP proof.</param>
/// <param name="AuthenticationMode">httpsig, httpsig+jwt, dpop, bearer or web-bot-auth (then <paramref name="Subject"/> is the crawler operator's origin).</param>
public sealed record WhoAmI(string? Subject, IReadOnlyList<string> Scopes, IReadOnlyList<string> ActorChain, string? KeyThumbprint, string? AuthenticationMode)
{
    /// <summary>Reads the agent's claims.</summary>
    /// <param name="user">The authenticated principal.</param>
    /// <returns>The response body.</returns>
    public static WhoAmI From(ClaimsPrincipal user)
    {
        var identity = user.Identity as ClaimsIdentity;
        var actors = new List<string>();
        for (var actor = identity?.Actor; actor is not null; actor = actor.Actor)
        {
            actors.Add(actor.FindFirst(AgentAuthClaimTypes.Subject)?.Value ?? "(unnamed)");
        }
        return new WhoAmI(
            user.FindFirst(AgentAuthClaimTypes.Subject)?.Value,
            user.FindAll(AgentAuthClaimTypes.Scope).Select(c => c.Value).ToArray(),
            actors,
            user.FindFirst(AgentAuthClaimTypes.KeyThumbprint)?.Value,
            user.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value);
    }
}
