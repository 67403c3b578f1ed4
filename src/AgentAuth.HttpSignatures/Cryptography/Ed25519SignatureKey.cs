using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using NSec.Cryptography;
using NSecKey = NSec.Cryptography.Key;
using NSecPublicKey = NSec.Cryptography.PublicKey;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// An Ed25519 key (RFC 8032) verified and signed through NSec.Cryptography, which calls the libsodium shipped in its
/// <c>libsodium</c> package (the app's <c>runtimes/</c> folder) on every platform. A public-only key (a JWKS entry) is
/// checked at load (<see cref="Ed25519Encoding.IsAcceptablePublicKey"/>) and imported into NSec on its first
/// verification, once: a JWKS that lists an Ed25519 key next to the key a token is signed with no longer loads NSec and
/// libsodium (and compiles their setup) during a cold start's first request. A verification allocates nothing after that.
/// </summary>
internal sealed class Ed25519SignatureKey : SignatureKey
{
    private readonly byte[] _publicKeyBytes;
    private readonly NSecKey? _privateKey;

    /// <summary>Imported at load for a key with a seed (the seed is checked against it), on first use otherwise.</summary>
    private NSecPublicKey? _publicKey;

    private Ed25519SignatureKey(byte[] publicKeyBytes, NSecPublicKey? publicKey, NSecKey? privateKey, string? keyId, string? joseAlgorithm)
        : base(keyId, joseAlgorithm)
    {
        _publicKeyBytes = publicKeyBytes;
        _publicKey = publicKey;
        _privateKey = privateKey;
    }

    /// <summary>The RFC 8032 encoding of the public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKeyBytes;

    public override string Algorithm => HttpSignatureAlgorithms.Ed25519;

    public override bool CanSign => _privateKey is not null;

    public override int SignatureSize => Ed25519Encoding.SignatureSize;

    /// <summary>
    /// Creates the key, or returns <see langword="null"/> with a reason. The public key must pass
    /// <see cref="Ed25519Encoding.IsAcceptablePublicKey"/> here, at load: NSec's <c>PublicKey.TryImport</c> accepts
    /// small-order and non-canonical encodings (only its <c>Verify</c> refuses them later), and a key that can never
    /// verify is a configuration or directory error the caller should see now. A seed must derive the public key.
    /// Without a seed the NSec import waits for the first verification (<see cref="ImportedPublicKey"/>): it copies
    /// the 32 bytes and cannot fail for a key this check accepted.
    /// </summary>
    public static Ed25519SignatureKey? Create(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> seed, string? keyId, string? joseAlgorithm, out string? error)
    {
        if (publicKey.Length != Ed25519Encoding.PublicKeySize)
        {
            error = "an Ed25519 public key is 32 bytes";
            return null;
        }
        if (!Ed25519Encoding.IsAcceptablePublicKey(publicKey))
        {
            error = "the Ed25519 public key is non-canonical or of small order";
            return null;
        }
        if (seed.IsEmpty)
        {
            error = null;
            return new Ed25519SignatureKey(publicKey.ToArray(), null, null, keyId, joseAlgorithm);
        }
        if (!NSecPublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var imported))
        {
            error = "the Ed25519 public key is non-canonical or of small order";
            return null;
        }
        if (seed.Length != Ed25519Encoding.SeedSize)
        {
            error = "an Ed25519 private seed is 32 bytes";
            return null;
        }
        // NSec keeps the private key in libsodium's guarded memory; it is never exported again.
        if (!NSecKey.TryImport(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, out var privateKey))
        {
            error = "the Ed25519 private seed could not be imported";
            return null;
        }
        if (!privateKey!.PublicKey.Equals(imported))
        {
            privateKey.Dispose();
            error = "the Ed25519 private seed does not match the public key";
            return null;
        }
        error = null;
        return new Ed25519SignatureKey(publicKey.ToArray(), imported!, privateKey, keyId, joseAlgorithm);
    }

    /// <summary>Creates a signing key from a fresh random seed.</summary>
    public static Ed25519SignatureKey Generate(string? keyId)
    {
        Span<byte> seed = stackalloc byte[Ed25519Encoding.SeedSize];
        Span<byte> publicKey = stackalloc byte[Ed25519Encoding.PublicKeySize];
        try
        {
            RandomNumberGenerator.Fill(seed);
            DerivePublicKey(seed, publicKey);
            // A random seed yields a small-order public key with negligible probability; Create would report it.
            return Create(publicKey, seed, keyId, null, out var error) ?? throw new CryptographicException(error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Derives the 32-byte public key of a 32-byte seed (RFC 8032 section 5.1.5).</summary>
    public static void DerivePublicKey(ReadOnlySpan<byte> seed, Span<byte> publicKey)
    {
        using var key = NSecKey.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        if (!key.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, publicKey, out var written) || written != Ed25519Encoding.PublicKeySize)
        {
            throw new CryptographicException("The Ed25519 public key could not be exported.");
        }
    }

    /// <summary>
    /// Verifies through libsodium's <c>crypto_sign_verify_detached</c>. The R and S checks run here too, so which
    /// signatures are accepted (non-small-order R, S &lt; L, RFC 8032 section 5.1.7) is this project's rule and does not
    /// move with the bundled libsodium release; they cost a few comparisons next to the curve arithmetic.
    /// </summary>
    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519Encoding.SignatureSize
        && !Ed25519Encoding.HasSmallOrder(signature[..32])
        && Ed25519Encoding.IsCanonicalScalar(signature[32..])
        && SignatureAlgorithm.Ed25519.Verify(_publicKey ?? ImportedPublicKey(), data, signature);

    /// <summary>
    /// The NSec key of a public-only key, imported on its first verification. Concurrent first verifications may each
    /// import it; one result is kept (an NSec public key holds no native resource, so the others need no disposal).
    /// </summary>
    private NSecPublicKey ImportedPublicKey()
    {
        if (!NSecPublicKey.TryImport(SignatureAlgorithm.Ed25519, _publicKeyBytes, KeyBlobFormat.RawPublicKey, out var imported) || imported is null)
        {
            // Create accepted these bytes (IsAcceptablePublicKey), and NSec's raw import only copies 32 bytes.
            throw new CryptographicException("The Ed25519 public key could not be imported.");
        }
        return Interlocked.CompareExchange(ref _publicKey, imported, null) ?? imported;
    }

    public override bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        EnsureCanSign();
        if (destination.Length < Ed25519Encoding.SignatureSize)
        {
            bytesWritten = 0;
            return false;
        }
        SignatureAlgorithm.Ed25519.Sign(_privateKey!, data, destination[..Ed25519Encoding.SignatureSize]);
        bytesWritten = Ed25519Encoding.SignatureSize;
        return true;
    }

    private protected override bool FitsJoseAlgorithm(string alg) => alg is JoseAlgorithms.EdDsa or JoseAlgorithms.Ed25519;

    private protected override bool VerifyJoseCore(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Verify(data, signature);

    private protected override bool TrySignJoseCore(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
        TrySign(data, destination, out bytesWritten);

    private protected override Jwk CreatePublicJwk() => new(Jwk.KeyTypeOkp)
    {
        Curve = Jwk.CurveEd25519,
        X = Base64UrlStrict.Encode(_publicKeyBytes),
        KeyId = KeyId,
        Algorithm = JoseAlgorithm ?? JoseAlgorithms.Ed25519,
        Use = "sig",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _privateKey?.Dispose();
        }
        base.Dispose(disposing);
    }
}
