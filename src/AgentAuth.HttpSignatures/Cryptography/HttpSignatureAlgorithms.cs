namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// The RFC 9421 §6.2 HTTP Signature Algorithms registry names. These are the values of the
/// <c>alg</c> signature parameter and of <see cref="SignatureKey.Algorithm"/>.
/// </summary>
public static class HttpSignatureAlgorithms
{
    /// <summary>EdDSA over Curve25519 (RFC 9421 §3.3.6).</summary>
    public const string Ed25519 = "ed25519";

    /// <summary>ECDSA on P-256 with SHA-256, raw r||s signature (RFC 9421 §3.3.4).</summary>
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>ECDSA on P-384 with SHA-384, raw r||s signature (RFC 9421 §3.3.5).</summary>
    public const string EcdsaP384Sha384 = "ecdsa-p384-sha384";

    /// <summary>RSASSA-PSS with SHA-512, MGF1 SHA-512 and a 64-byte salt (RFC 9421 §3.3.1).</summary>
    public const string RsaPssSha512 = "rsa-pss-sha512";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (RFC 9421 §3.3.2).</summary>
    public const string RsaV15Sha256 = "rsa-v1_5-sha256";

    /// <summary>HMAC with SHA-256 over a shared secret (RFC 9421 §3.3.3).</summary>
    public const string HmacSha256 = "hmac-sha256";

    /// <summary>Returns the registry constant equal to <paramref name="name"/> (case-sensitive), or <see langword="null"/>.</summary>
    /// <param name="name">A candidate algorithm name.</param>
    /// <returns>The interned registry name, or <see langword="null"/> when the name is not registered.</returns>
    public static string? Find(ReadOnlySpan<char> name) => name switch
    {
        Ed25519 => Ed25519,
        EcdsaP256Sha256 => EcdsaP256Sha256,
        EcdsaP384Sha384 => EcdsaP384Sha384,
        RsaPssSha512 => RsaPssSha512,
        RsaV15Sha256 => RsaV15Sha256,
        HmacSha256 => HmacSha256,
        _ => null,
    };
}
