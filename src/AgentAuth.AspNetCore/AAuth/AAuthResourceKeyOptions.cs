namespace AgentAuth.AspNetCore;

/// <summary>
/// One key of this AAuth resource, configured like any key of the project: a JWK, a PEM, or a file holding either. Set
/// exactly one of <see cref="Jwk"/>, <see cref="Pem"/> and <see cref="File"/>. The signing key needs its private part;
/// a previous key may be public only (it is published, never used to sign).
/// </summary>
public sealed class AAuthResourceKeyOptions
{
    /// <summary>The key as JWK JSON (with <c>d</c> for the signing key).</summary>
    public string? Jwk { get; set; }

    /// <summary>The key as PEM: PKCS#8 or SEC 1 for a signing key; SPKI is enough for a previous key.</summary>
    public string? Pem { get; set; }

    /// <summary>Path of a file holding the key as PEM or JWK JSON, read at startup.</summary>
    public string? File { get; set; }

    /// <summary>
    /// The key identifier published in the JWKS and put in the resource token's <c>kid</c> header. Default: the JWK's
    /// <c>kid</c>, else the key's RFC 7638 thumbprint.
    /// </summary>
    public string? KeyId { get; set; }

    /// <summary>
    /// The fully-specified JWS algorithm (<c>Ed25519</c>, <c>ES256</c>, <c>ES384</c>, <c>PS256</c>, <c>PS384</c>, <c>PS512</c>,
    /// <c>RS256</c>, <c>RS384</c>, <c>RS512</c>). Default: the key's own (<c>Ed25519</c> for an Ed25519 key, <c>ES256</c> for P-256,
    /// <c>ES384</c> for P-384); required for an RSA key without a JWK <c>alg</c>. <c>EdDSA</c> is refused (RFC 9864).
    /// </summary>
    public string? Algorithm { get; set; }
}
