using System.Security.Claims;

namespace AgentAuth.AspNetCore;

/// <summary>
/// What a verified person token (<c>aa-person+jwt</c>) established for this request, the input of a resource token:
/// the person server (<c>iss</c>), the person (<c>sub</c>), the token (<c>jti</c>), the agent's key (the thumbprint of the
/// key that proved possession), the optional <c>mission_s256</c> and <c>tenant</c>, and the person token's <c>exp</c>.
/// </summary>
internal readonly record struct AAuthPersonContext(
    string PersonServer, string Subject, string PersonTokenId, string AgentKeyThumbprint, string? MissionS256, string? Tenant, long? ExpiresAt = null)
{
    /// <summary>
    /// Reads the context from the AgentAuth identity of <paramref name="user"/>. A person token is told apart by its claims,
    /// which the principal keeps under their JWT names: <c>dwk</c> is <c>aauth-person.json</c> and there is no <c>ps</c> (an
    /// auth token issued by a person server has the same <c>dwk</c> but always a <c>ps</c>, and a resource must not mint from
    /// it without its own record of the person token, which this scheme does not keep). False when any input is missing.
    /// </summary>
    public static bool TryRead(ClaimsPrincipal? user, out AAuthPersonContext context)
    {
        context = default;
        var identity = ScopeAuthorizationHandler.FindAgentAuthIdentity(user);
        if (identity is null
            || identity.FindFirst("dwk")?.Value != AAuthResource.PersonTokenDocumentName
            || identity.FindFirst("ps") is not null
            || identity.FindFirst(AgentAuthClaimTypes.Issuer)?.Value is not { Length: > 0 } personServer
            || identity.FindFirst(AgentAuthClaimTypes.Subject)?.Value is not { Length: > 0 } subject
            || identity.FindFirst(AgentAuthClaimTypes.TokenId)?.Value is not { Length: > 0 } tokenId
            || identity.FindFirst(AgentAuthClaimTypes.KeyThumbprint)?.Value is not { Length: > 0 } thumbprint)
        {
            return false;
        }
        context = new AAuthPersonContext(personServer, subject, tokenId, thumbprint,
            identity.FindFirst("mission_s256")?.Value, identity.FindFirst("tenant")?.Value,
            long.TryParse(identity.FindFirst("exp")?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exp) ? exp : null);
        return true;
    }
}
