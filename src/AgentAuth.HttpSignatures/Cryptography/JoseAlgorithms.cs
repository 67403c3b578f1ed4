namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// JWS (RFC 7518, RFC 8037, RFC 9864) algorithm names accepted for DPoP proofs, tokens and JWK <c>alg</c>.
/// <c>none</c> is deliberately absent: no key ever verifies it.
/// </summary>
public static class JoseAlgorithms
{
    /// <summary>Polymorphic EdDSA (RFC 8037); accepted only with an OKP Ed25519 key.</summary>
    public const string EdDsa = "EdDSA";

    /// <summary>Fully specified Ed25519 (RFC 9864).</summary>
    public const string Ed25519 = "Ed25519";

    /// <summary>ECDSA P-256 with SHA-256.</summary>
    public const string ES256 = "ES256";

    /// <summary>ECDSA P-384 with SHA-384.</summary>
    public const string ES384 = "ES384";

    /// <summary>RSASSA-PSS with SHA-256, salt 32 bytes.</summary>
    public const string PS256 = "PS256";

    /// <summary>RSASSA-PSS with SHA-384, salt 48 bytes.</summary>
    public const string PS384 = "PS384";

    /// <summary>RSASSA-PSS with SHA-512, salt 64 bytes (the same scheme as <see cref="HttpSignatureAlgorithms.RsaPssSha512"/>).</summary>
    public const string PS512 = "PS512";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (the same scheme as <see cref="HttpSignatureAlgorithms.RsaV15Sha256"/>).</summary>
    public const string RS256 = "RS256";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-384.</summary>
    public const string RS384 = "RS384";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-512.</summary>
    public const string RS512 = "RS512";

    /// <summary>HMAC SHA-256; only ever with a symmetric (<c>oct</c>) key.</summary>
    public const string HS256 = "HS256";

    /// <summary>Returns the constant equal to <paramref name="name"/> (case-sensitive), or <see langword="null"/>.</summary>
    /// <param name="name">A candidate JWS algorithm name.</param>
    /// <returns>The interned name, or <see langword="null"/> when it is not supported.</returns>
    public static string? Find(ReadOnlySpan<char> name) => name switch
    {
        EdDsa => EdDsa,
        Ed25519 => Ed25519,
        ES256 => ES256,
        ES384 => ES384,
        PS256 => PS256,
        PS384 => PS384,
        PS512 => PS512,
        RS256 => RS256,
        RS384 => RS384,
        RS512 => RS512,
        HS256 => HS256,
        _ => null,
    };

    internal static bool IsRsaPss(string alg) => alg is PS256 or PS384 or PS512;

    internal static bool IsRsaPkcs1(string alg) => alg is RS256 or RS384 or RS512;
}
