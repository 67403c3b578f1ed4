namespace AgentAuth.AspNetCore;

/// <summary>
/// The LumoAuth compatibility profile: accepts the two request shapes LumoAuth agents send today, which strict RFC 9421
/// refuses, for tokens of one configured tenant issuer only. Off by default. The quick-start shape is an
/// <c>Agent-Auth</c> request header whose signature base has no <c>@signature-params</c> line; the SDK shape is RFC 9421
/// with a base64url <c>Signature</c> value and a covered, absent <c>signature-key</c> field signed as empty. What the
/// profile weakens and what compensates is listed in docs/protocols.md.
/// </summary>
public sealed class LumoAuthProfileOptions
{
    /// <summary>Accept LumoAuth agents. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The LumoAuth tenant's issuer (for example <c>https://app.lumoauth.dev/orgs/acme/api/v1</c>): the <c>Issuer</c> of one
    /// <see cref="AgentAuthOptions.Issuers"/> entry, which supplies its keys and audiences. Only this issuer's tokens
    /// unlock the profile. Required when <see cref="Enabled"/>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// The agents registered with the tenant, each an agent identifier (an HTTPS URL) with its JWKS. A quick-start
    /// <c>keyid</c> is <c>{agent identifier}#{kid}</c> and names a key of that agent; an agent that is not listed can only
    /// sign with its token's <c>cnf.jwk</c>.
    /// </summary>
    public IList<LumoAuthAgentOptions> Agents { get; } = new List<LumoAuthAgentOptions>();
}

/// <summary>One agent registered with the LumoAuth tenant: its identifier and where its public keys come from (any combination).</summary>
public sealed class LumoAuthAgentOptions
{
    /// <summary>The agent identifier: an absolute HTTPS URL without query or fragment, compared exactly.</summary>
    public string? Id { get; set; }

    /// <summary>Inline JWKS JSON of the agent's public keys; each key needs the <c>kid</c> its <c>keyid</c> names.</summary>
    public string? JsonWebKeySet { get; set; }

    /// <summary>Path of a JWKS file of the agent's public keys, read at startup.</summary>
    public string? JwksFile { get; set; }

    /// <summary>HTTPS URL of the agent's JWKS, cached and refreshed like an issuer's JWKS (<see cref="AgentAuthOptions.Jwks"/>).</summary>
    public string? JwksUri { get; set; }
}
