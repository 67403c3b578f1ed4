namespace AgentAuth.AspNetCore;

/// <summary>
/// AAuth: requests whose key travels in the <c>Signature-Key</c> header (draft-hardt-httpbis-signature-key-08), and this
/// API acting as an AAuth resource. Everything is off until enabled here. Each scheme has its own trust policy: inline and
/// self-delegated keys are pseudonymous (the principal is the key's thumbprint URN, no scopes), keys discovered from an
/// HTTPS origin are identified (the principal is the origin, fetched only from <see cref="Discovery"/>'s allowed origins),
/// and agent and auth tokens are trusted only from <see cref="AgentAuthOptions.Issuers"/>.
/// </summary>
public sealed class AAuthOptions
{
    /// <summary>Which origins' keys the <c>jwks_uri</c> and <c>jwks</c> schemes may fetch, and which agent-token issuers <see cref="DiscoverAgentTokenIssuers"/> may discover.</summary>
    public KeyDiscoveryOptions Discovery { get; } = new();

    /// <summary>
    /// Accept the <c>hwk</c> scheme (§3.4): a public key inline in the header. Pseudonymous: anyone can make a key, so
    /// the principal only proves it is the same key as before (for rate limits keyed by thumbprint). Default off.
    /// </summary>
    public bool AllowHwk { get; set; }

    /// <summary>
    /// Accept the <c>jkt-jwt</c> scheme (§3.5): a stable key delegates to an ephemeral signing key in a self-issued JWT.
    /// Pseudonymous like <see cref="AllowHwk"/>; the principal is the stable key's thumbprint URN. Default off.
    /// </summary>
    public bool AllowJktJwt { get; set; }

    /// <summary>
    /// Accept the <c>jwks_uri</c> scheme (§3.6): the key is discovered from <c>{id}/.well-known/{dwk}</c> of an HTTPS origin
    /// that <see cref="Discovery"/> allows. Identified: the principal's subject is the origin. Default off.
    /// </summary>
    public bool AllowJwksUri { get; set; }

    /// <summary>
    /// Accept the <c>jwks</c> scheme (§3.7): the key <c>kid</c> is fetched from the JWKS at <c>{id}/.well-known/{dwk}</c> (no
    /// metadata document in between) of an HTTPS origin that <see cref="Discovery"/> allows. Identified: the principal's
    /// subject is the origin. Default off.
    /// </summary>
    public bool AllowJwks { get; set; }

    /// <summary>
    /// Accept the <c>jwt</c> scheme (§3.8): an agent token (<c>aa-agent+jwt</c>) or auth token (<c>aa-auth+jwt</c>) from
    /// one of <see cref="AgentAuthOptions.Issuers"/>, validated like any token; the request must be signed with its
    /// <c>cnf.jwk</c>. Default off.
    /// </summary>
    public bool AllowJwt { get; set; }

    /// <summary>
    /// Let the <c>jwt</c> scheme accept agent tokens (<c>aa-agent+jwt</c>) from issuers that are not in
    /// <see cref="AgentAuthOptions.Issuers"/>, discovering their keys as the AAuth protocol draft says
    /// (<c>{iss}/.well-known/aauth-agent.json</c>, whose <c>issuer</c> must be <c>iss</c>, then its <c>jwks_uri</c>, then the
    /// token's <c>kid</c>), only when <c>iss</c> is an HTTPS origin that <see cref="Discovery"/> allows (checked before any
    /// fetch). Configured issuers are used as before. Auth tokens are never discovered. Default off.
    /// </summary>
    public bool DiscoverAgentTokenIssuers { get; set; }

    /// <summary>
    /// The JWT <c>typ</c> values the <c>jwt</c> scheme accepts. Default (when empty): <c>aa-agent+jwt</c> and
    /// <c>aa-auth+jwt</c>.
    /// </summary>
    public IList<string> TokenTypes { get; } = new List<string>();

    /// <summary>
    /// The fully specified JOSE algorithms (RFC 9864) a conveyed key may carry in <c>alg</c>, listed in
    /// <c>Accept-Signature-Alg</c>. Supported: <c>Ed25519</c>, <c>ES256</c>, <c>ES384</c>, <c>PS512</c>, <c>RS256</c>
    /// (the JOSE algorithms whose operation is an RFC 9421 algorithm, RFC 9421 §3.3.7). Default (when empty):
    /// <c>Ed25519</c> and <c>ES256</c>.
    /// </summary>
    public IList<string> Algorithms { get; } = new List<string>();

    /// <summary>
    /// How many <c>hwk</c> keys are kept by their header text, so a returning agent's key is not parsed again. Default 10 000;
    /// when full the cache starts over.
    /// </summary>
    public int InlineKeyCacheSize { get; set; } = 10_000;

    /// <summary>Whether any <c>Signature-Key</c> scheme is enabled.</summary>
    internal bool AnySchemeEnabled => AllowHwk || AllowJktJwt || AllowJwksUri || AllowJwks || AllowJwt;

    /// <summary>This API as an AAuth resource: challenges, signing key, resource tokens and metadata; off until enabled.</summary>
    public AAuthResourceOptions Resource { get; } = new();
}
