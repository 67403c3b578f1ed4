namespace AgentAuth.AspNetCore;

/// <summary>
/// One trusted token issuer: who it is, where its signing keys come from, and what its tokens must look like.
/// A token whose <c>iss</c> is not the <see cref="Issuer"/> of a configured entry is rejected before any key is fetched.
/// </summary>
public sealed class TokenIssuerOptions
{
    /// <summary>The exact <c>iss</c> value (compared ordinally). Required.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>
    /// OpenID Connect / OAuth discovery: the issuer's base URL. Its <c>/.well-known/openid-configuration</c> document
    /// supplies <c>jwks_uri</c>, and the document's <c>issuer</c> must equal <see cref="Issuer"/>.
    /// Set at most one of <see cref="Authority"/>, <see cref="MetadataAddress"/>, <see cref="JwksUri"/> (plus optional inline keys).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>An explicit discovery document URL, for issuers whose metadata is not at the default well-known path.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The issuer's JWKS URL, fetched directly (no discovery).</summary>
    public string? JwksUri { get; set; }

    /// <summary>Inline signing keys as a JWKS JSON document (<c>{"keys":[...]}</c>), for issuers with static keys (for example a broker's Ed25519 key).</summary>
    public string? JsonWebKeySet { get; set; }

    /// <summary>
    /// A signing key as a PEM public key (<c>-----BEGIN PUBLIC KEY-----</c>: Ed25519, EC P-256/P-384 or RSA), for brokers that
    /// publish no JWKS (AgentWrit). Its tokens' <c>kid</c> is matched against the key's RFC 7638 thumbprint.
    /// </summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Opaque tokens and revocation checks through the issuer's RFC 7662 introspection or validation endpoint; off by default.</summary>
    public TokenIntrospectionOptions Introspection { get; } = new();

    /// <summary>Accepted <c>aud</c> values for this issuer. When empty, <see cref="AgentAuthOptions.Audiences"/> applies.</summary>
    public IList<string> Audiences { get; } = new List<string>();

    /// <summary>
    /// Accepted JWS <c>alg</c> values for this issuer's tokens. <c>none</c> and HMAC algorithms are never accepted.
    /// Default: <c>EdDSA</c>, <c>Ed25519</c>, <c>ES256</c>, <c>ES384</c>, <c>PS256</c>, <c>RS256</c>.
    /// Remove <c>EdDSA</c> for issuers that use fully-specified algorithms only (RFC 9864).
    /// </summary>
    public IList<string> ValidAlgorithms { get; } = new List<string>();

    /// <summary>Accepted JWT <c>typ</c> header values (for example <c>at+jwt</c>). When empty, any <c>typ</c> except <c>dpop+jwt</c> is accepted.</summary>
    public IList<string> ValidTypes { get; } = new List<string>();

    /// <summary>Require HTTPS for <see cref="Authority"/>, <see cref="MetadataAddress"/> and <see cref="JwksUri"/>. Default <see langword="true"/>; turn off only for local development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
