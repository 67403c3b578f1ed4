using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// A verification key, optionally able to sign, whose <b>type decides the algorithm</b>: an Ed25519 key only
/// ever verifies <c>ed25519</c>, a P-256 key only <c>ecdsa-p256-sha256</c>, an RSA key the one RSA scheme it was
/// created for, a shared secret only <c>hmac-sha256</c>. An RFC 9421 <c>alg</c> parameter can only confirm
/// <see cref="Algorithm"/> (<see cref="IsCompatibleWith"/>). Instances are immutable; <see cref="Verify"/> is
/// thread-safe and never throws for malformed signatures.
/// </summary>
public abstract class SignatureKey : IDisposable
{
    private string? _thumbprint;
    private Jwk? _publicJwk;
    private bool _disposed;

    private protected SignatureKey(string? keyId, string? joseAlgorithm)
    {
        KeyId = keyId;
        JoseAlgorithm = joseAlgorithm;
    }

    /// <summary>The RFC 9421 algorithm name (see <see cref="HttpSignatureAlgorithms"/>) of the key's type and, for RSA, padding family.</summary>
    public abstract string Algorithm { get; }

    /// <summary>The key identifier (<c>keyid</c> / <c>kid</c>), if any.</summary>
    public string? KeyId { get; }

    /// <summary>
    /// The single JWS algorithm the key is restricted to (from the JWK <c>alg</c> or the creating call), or
    /// <see langword="null"/> when every JWS algorithm of the key's family is allowed.
    /// </summary>
    public string? JoseAlgorithm { get; }

    /// <summary>Whether the key holds private material and can sign.</summary>
    public abstract bool CanSign { get; }

    /// <summary>The exact length in bytes of a signature made with <see cref="Algorithm"/>.</summary>
    public abstract int SignatureSize { get; }

    /// <summary>The RFC 7638 SHA-256 thumbprint (base64url) of the public key; computed once.</summary>
    public string Thumbprint => _thumbprint ??= JwkThumbprint.ComputeSha256(ThumbprintJwk());

    /// <summary>True only when <paramref name="rfc9421AlgParameter"/> names exactly this key's <see cref="Algorithm"/>.</summary>
    /// <param name="rfc9421AlgParameter">The <c>alg</c> signature parameter.</param>
    /// <returns>Whether the parameter confirms the key's algorithm.</returns>
    public bool IsCompatibleWith(string? rfc9421AlgParameter) =>
        rfc9421AlgParameter is not null && AllowsHttpSignatures
        && string.Equals(rfc9421AlgParameter, Algorithm, StringComparison.Ordinal);

    /// <summary>
    /// False when a JWS restriction names a different scheme than <see cref="Algorithm"/> (an RSA key restricted to
    /// PS256 is not an <c>rsa-pss-sha512</c> key): such a key only verifies JWS and never an RFC 9421 signature.
    /// </summary>
    public virtual bool AllowsHttpSignatures => true;

    /// <summary>Verifies an RFC 9421 signature over <paramref name="data"/> with <see cref="Algorithm"/>.</summary>
    /// <param name="data">The signature base.</param>
    /// <param name="signature">The signature bytes; wrong lengths and encodings return <see langword="false"/>.</param>
    /// <returns>Whether the signature is valid.</returns>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>Signs <paramref name="data"/> with <see cref="Algorithm"/>.</summary>
    /// <param name="data">The signature base.</param>
    /// <param name="destination">Receives the signature; needs <see cref="SignatureSize"/> bytes.</param>
    /// <param name="bytesWritten">The signature length.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="InvalidOperationException">The key has no private part.</exception>
    public abstract bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten);

    /// <summary>Whether a JWS with this <c>alg</c> may be verified with this key (never <c>none</c>).</summary>
    /// <param name="alg">The JWS header <c>alg</c>.</param>
    /// <returns>Whether the algorithm fits the key type, curve and any restriction.</returns>
    public bool SupportsJoseAlgorithm(string? alg) =>
        alg is not null && FitsJoseAlgorithm(alg) && (JoseAlgorithm is null || string.Equals(JoseAlgorithm, alg, StringComparison.Ordinal));

    /// <summary>Verifies a JWS signature (RFC 7515) under the JWS algorithm <paramref name="alg"/>.</summary>
    /// <param name="alg">The JWS header <c>alg</c>.</param>
    /// <param name="data">The JWS signing input (ASCII of <c>header.payload</c>).</param>
    /// <param name="signature">The decoded signature.</param>
    /// <returns>Whether the algorithm is supported by this key and the signature is valid.</returns>
    public bool VerifyJose(string? alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        SupportsJoseAlgorithm(alg) && VerifyJoseCore(alg!, data, signature);

    /// <summary>Signs a JWS signing input under the JWS algorithm <paramref name="alg"/>.</summary>
    /// <param name="alg">The JWS algorithm; must satisfy <see cref="SupportsJoseAlgorithm"/>.</param>
    /// <param name="data">The JWS signing input.</param>
    /// <param name="destination">Receives the signature.</param>
    /// <param name="bytesWritten">The signature length.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    /// <exception cref="ArgumentException">The algorithm does not fit the key.</exception>
    /// <exception cref="InvalidOperationException">The key has no private part.</exception>
    public bool TrySignJose(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        if (!SupportsJoseAlgorithm(alg))
        {
            throw new ArgumentException("JWS algorithm '" + alg + "' does not fit this " + Algorithm + " key.", nameof(alg));
        }
        EnsureCanSign();
        return TrySignJoseCore(alg, data, destination, out bytesWritten);
    }

    /// <summary>The public key as a JWK (<c>kty</c>, curve or modulus members, <c>kid</c>, <c>alg</c>, <c>use</c>=sig).</summary>
    /// <returns>The public JWK.</returns>
    /// <exception cref="NotSupportedException">The key is a shared secret, which has no public form.</exception>
    public Jwk ToPublicJwk() => _publicJwk ??= CreatePublicJwk();

    /// <summary>The public JWK as compact JSON.</summary>
    /// <returns>The JSON text.</returns>
    /// <exception cref="NotSupportedException">The key is a shared secret, which has no public form.</exception>
    public string ExportPublicJwkJson() => ToPublicJwk().ToJson();

    /// <summary>Creates an Ed25519 key from its raw 32-byte public key and, to sign, its 32-byte seed.</summary>
    /// <param name="publicKey">The public key (RFC 8032 encoding); must be canonical and not of small order.</param>
    /// <param name="privateSeed">The 32-byte private seed, or empty for a verification-only key.</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>The key (verified and signed through NSec.Cryptography).</returns>
    /// <exception cref="ArgumentException">The public key is invalid or does not match the seed.</exception>
    public static SignatureKey CreateEd25519(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateSeed = default, string? keyId = null) =>
        Ed25519SignatureKey.Create(publicKey, privateSeed, keyId, null, out var error)
            ?? throw new ArgumentException(error, nameof(publicKey));

    /// <summary>Creates an <c>hmac-sha256</c> key from a shared secret of at least 32 bytes.</summary>
    /// <param name="secret">The shared secret; copied.</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The secret is shorter than 32 bytes.</exception>
    public static SignatureKey CreateHmacSha256(ReadOnlySpan<byte> secret, string? keyId = null) =>
        HmacSha256SignatureKey.Create(secret, keyId, null, out var error) ?? throw new ArgumentException(error, nameof(secret));

    /// <summary>Creates an ECDSA key (P-256 or P-384) from a copy of <paramref name="ecdsa"/>'s parameters.</summary>
    /// <param name="ecdsa">The source key; not retained, the caller still owns and disposes it.</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>The key; it can sign when the private parameters are exportable.</returns>
    /// <exception cref="ArgumentException">The curve is not P-256 or P-384.</exception>
    public static SignatureKey FromEcdsa(ECDsa ecdsa, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(ecdsa);
        var parameters = EcdsaSignatureKey.ExportParameters(ecdsa);
        try
        {
            return EcdsaSignatureKey.Create(parameters, keyId, null, out var error) ?? throw new ArgumentException(error, nameof(ecdsa));
        }
        finally
        {
            if (parameters.D is not null)
            {
                CryptographicOperations.ZeroMemory(parameters.D);
            }
        }
    }

    /// <summary>Creates an RSA key for one RFC 9421 RSA algorithm from a copy of <paramref name="rsa"/>'s parameters.</summary>
    /// <param name="rsa">The source key (2048 to 4096 bits, public exponent 65537); not retained, the caller still owns and disposes it.</param>
    /// <param name="rfc9421Algorithm"><see cref="HttpSignatureAlgorithms.RsaPssSha512"/> or <see cref="HttpSignatureAlgorithms.RsaV15Sha256"/> (a JWS RSA name is also accepted and restricts JOSE use to it).</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>The key; it can sign when the private parameters are exportable.</returns>
    /// <exception cref="ArgumentException">The algorithm is not an RSA algorithm, or the modulus is outside 2048-4096 bits or the exponent is not 65537.</exception>
    public static SignatureKey FromRsa(RSA rsa, string rfc9421Algorithm, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        ArgumentNullException.ThrowIfNull(rfc9421Algorithm);
        if (!RsaSignatureKey.TryResolveAlgorithm(rfc9421Algorithm, null, out var algorithm, out var jose, out var error))
        {
            throw new ArgumentException(error, nameof(rfc9421Algorithm));
        }
        var copy = RsaSignatureKey.Copy(rsa, out var canSign);
        return RsaSignatureKey.Create(copy, canSign, algorithm!, jose, keyId, out error) ?? throw new ArgumentException(error, nameof(rsa));
    }

    /// <summary>
    /// Creates a key from a JWK. The JWK's <c>kty</c>/<c>crv</c> decide the algorithm; its <c>alg</c> restricts JWS use.
    /// An RSA JWK must carry <c>alg</c> (PS256/384/512 select <c>rsa-pss-sha512</c>'s PSS family, RS256/384/512 the
    /// PKCS#1 v1.5 family); otherwise use <see cref="TryCreate(Jwk, string?, out SignatureKey?, out string?)"/>.
    /// </summary>
    /// <param name="jwk">The parsed JWK.</param>
    /// <param name="key">The key on success.</param>
    /// <param name="error">A short reason on failure.</param>
    /// <returns>Whether <paramref name="key"/> was created.</returns>
    public static bool TryCreate(Jwk jwk, out SignatureKey? key, out string? error) => TryCreate(jwk, null, out key, out error);

    /// <summary>
    /// Creates a key from a JWK with an algorithm chosen by the caller: an RFC 9421 name or a JWS name. It must agree
    /// with the key type, curve and any JWK <c>alg</c>; for RSA it picks the padding family (required when the
    /// JWK has no <c>alg</c>). A JWS name also restricts JOSE use to that algorithm.
    /// </summary>
    /// <param name="jwk">The parsed JWK.</param>
    /// <param name="algorithm">The RFC 9421 or JWS algorithm, or <see langword="null"/>.</param>
    /// <param name="key">The key on success.</param>
    /// <param name="error">A short reason on failure.</param>
    /// <returns>Whether <paramref name="key"/> was created.</returns>
    public static bool TryCreate(Jwk jwk, string? algorithm, out SignatureKey? key, out string? error)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        key = JwkKeyReader.Create(jwk, algorithm, out error);
        return key is not null;
    }

    /// <summary>
    /// Imports a PEM key: SPKI (<c>PUBLIC KEY</c>) or PKCS#8 (<c>PRIVATE KEY</c>) for RSA, EC and Ed25519, and the
    /// PKCS#1 / SEC 1 forms (<c>RSA PUBLIC KEY</c>, <c>RSA PRIVATE KEY</c>, <c>EC PRIVATE KEY</c>).
    /// </summary>
    /// <param name="pem">The PEM text (one key).</param>
    /// <param name="algorithm">The RFC 9421 or JWS algorithm. Required for <c>rsaEncryption</c> keys; an
    /// <c>id-RSASSA-PSS</c> key defaults to <c>rsa-pss-sha512</c>. Optional (but checked) for EC and Ed25519.</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The PEM is not a supported key, or the algorithm does not fit it.</exception>
    public static SignatureKey ImportPem(string pem, string? algorithm = null, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return PemKeyReader.TryImport(pem, algorithm, keyId, out var key, out var error)
            ? key!
            : throw new ArgumentException(error, nameof(pem));
    }

    /// <summary>
    /// Imports a PEM key like <see cref="ImportPem(string, string?, string?)"/>, but reports any unusable input (no PEM
    /// block, bad base64 or DER, an unsupported algorithm, a key the platform refuses) as <see langword="false"/> with a
    /// reason instead of an exception.
    /// </summary>
    /// <param name="pem">The PEM text (one key).</param>
    /// <param name="algorithm">The RFC 9421 or JWS algorithm (see <see cref="ImportPem(string, string?, string?)"/>).</param>
    /// <param name="keyId">The key identifier.</param>
    /// <param name="key">The key on success.</param>
    /// <param name="error">A short reason on failure.</param>
    /// <returns>Whether <paramref name="key"/> was created.</returns>
    public static bool TryImportPem(string pem, string? algorithm, string? keyId, out SignatureKey? key, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return PemKeyReader.TryImport(pem, algorithm, keyId, out key, out error);
    }

    /// <summary>Generates a new Ed25519 key pair.</summary>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>A signing key.</returns>
    public static SignatureKey GenerateEd25519(string? keyId = null) => Ed25519SignatureKey.Generate(keyId);

    /// <summary>Generates a new ECDSA P-256 key pair (<c>ecdsa-p256-sha256</c>).</summary>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>A signing key.</returns>
    public static SignatureKey GenerateEcdsaP256(string? keyId = null) => GenerateEcdsa(ECCurve.NamedCurves.nistP256, keyId);

    /// <summary>Generates a new ECDSA P-384 key pair (<c>ecdsa-p384-sha384</c>).</summary>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>A signing key.</returns>
    public static SignatureKey GenerateEcdsaP384(string? keyId = null) => GenerateEcdsa(ECCurve.NamedCurves.nistP384, keyId);

    /// <summary>Generates a new RSA key pair for one RSA algorithm.</summary>
    /// <param name="rfc9421Algorithm"><see cref="HttpSignatureAlgorithms.RsaPssSha512"/> or <see cref="HttpSignatureAlgorithms.RsaV15Sha256"/> (or a JWS RSA name).</param>
    /// <param name="keySizeInBits">The modulus size, 2048 to 4096.</param>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>A signing key.</returns>
    public static SignatureKey GenerateRsa(string rfc9421Algorithm, int keySizeInBits = 3072, string? keyId = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keySizeInBits, RsaSignatureKey.MinimumKeySize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keySizeInBits, RsaSignatureKey.MaximumKeySize);
        using var rsa = RSA.Create(keySizeInBits);
        return FromRsa(rsa, rfc9421Algorithm, keyId);
    }

    /// <summary>Generates a new random 32-byte <c>hmac-sha256</c> secret.</summary>
    /// <param name="keyId">The key identifier.</param>
    /// <returns>A signing key.</returns>
    public static SignatureKey GenerateHmacSha256(string? keyId = null)
    {
        Span<byte> secret = stackalloc byte[32];
        try
        {
            RandomNumberGenerator.Fill(secret);
            return CreateHmacSha256(secret, keyId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Releases the key material.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the key material.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
    }

    private protected abstract bool FitsJoseAlgorithm(string alg);

    private protected abstract bool VerifyJoseCore(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    private protected abstract bool TrySignJoseCore(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten);

    private protected abstract Jwk CreatePublicJwk();

    /// <summary>The JWK whose RFC 7638 members the thumbprint hashes (the public JWK; the secret for oct).</summary>
    private protected virtual Jwk ThumbprintJwk() => ToPublicJwk();

    private protected void EnsureCanSign()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!CanSign)
        {
            throw new InvalidOperationException("This " + Algorithm + " key has no private part and cannot sign.");
        }
    }

    private static SignatureKey GenerateEcdsa(ECCurve curve, string? keyId)
    {
        using var ecdsa = ECDsa.Create(curve);
        return FromEcdsa(ecdsa, keyId);
    }
}
