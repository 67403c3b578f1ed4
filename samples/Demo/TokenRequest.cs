using System.Text.Json.Serialization;

namespace AgentAuth.Demo;

/// <summary>What the agent asks the development issuer for.</summary>
/// <param name="Subject">The agent's identity (<c>sub</c>).</param>
/// <param name="Audience">The resource the token is for (<c>aud</c>).</param>
/// <param name="Scope">Space-separated scopes.</param>
/// <param name="KeyThumbprint">The RFC 7638 thumbprint of the agent's key (<c>cnf.jkt</c>, for DPoP).</param>
/// <param name="PublicJwk">The agent's public JWK (<c>cnf.jwk</c>, for signed requests: the resource needs the key itself).</param>
/// <param name="Actor">Who the agent acts for (<c>act.sub</c>), optional.</param>
internal sealed record TokenRequest(
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("aud")] string Audience,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("jkt")] string? KeyThumbprint,
    [property: JsonPropertyName("jwk")] string? PublicJwk,
    [property: JsonPropertyName("act")] string? Actor);
