using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>An Ed25519 key (RFC 8032) bound to one <see cref="IEd25519Backend"/>.</summary>
internal sealed class Ed25519SignatureKey : SignatureKey
{
    private readonly byte[] _publicKey;
    private readonly byte[]? _secretKey; // seed || public key, the layout both backends sign with

    private Ed25519SignatureKey(IEd25519Backend backend, byte[] publicKey, byte[]? secretKey, string? keyId, string? joseAlgorithm)
        : base(keyId, joseAlgorithm)
    {
        Backend = backend;
        _publicKey = publicKey;
        _secretKey = secretKey;
    }

    public IEd25519Backend Backend { get; }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public override string Algorithm => HttpSignatureAlgorithms.Ed25519;

    public override bool CanSign => _secretKey is not null;

    public override int SignatureSize => Ed25519Encoding.SignatureSize;

    /// <summary>Creates the key, or returns <see langword="null"/> with a reason; checks that the seed matches the public key.</summary>
    public static Ed25519SignatureKey? Create(
        IEd25519Backend backend, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> seed, string? keyId, string? joseAlgorithm, out string? error)
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
        byte[]? secretKey = null;
        if (!seed.IsEmpty)
        {
            if (seed.Length != Ed25519Encoding.SeedSize)
            {
                error = "an Ed25519 private seed is 32 bytes";
                return null;
            }
            Span<byte> derived = stackalloc byte[Ed25519Encoding.PublicKeySize];
            backend.DerivePublicKey(seed, derived);
            if (!derived.SequenceEqual(publicKey))
            {
                error = "the Ed25519 private seed does not match the public key";
                return null;
            }
            secretKey = new byte[Ed25519Encoding.SecretKeySize];
            seed.CopyTo(secretKey);
            publicKey.CopyTo(secretKey.AsSpan(Ed25519Encoding.SeedSize));
        }
        error = null;
        return new Ed25519SignatureKey(backend, publicKey.ToArray(), secretKey, keyId, joseAlgorithm);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519Encoding.SignatureSize && Backend.Verify(_publicKey, data, signature);

    public override bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        EnsureCanSign();
        if (destination.Length < Ed25519Encoding.SignatureSize)
        {
            bytesWritten = 0;
            return false;
        }
        Backend.Sign(_secretKey, data, destination[..Ed25519Encoding.SignatureSize]);
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
        X = Base64UrlStrict.Encode(_publicKey),
        KeyId = KeyId,
        Algorithm = JoseAlgorithm ?? JoseAlgorithms.Ed25519,
        Use = "sig",
    };

    protected override void Dispose(bool disposing)
    {
        if (_secretKey is not null)
        {
            CryptographicOperations.ZeroMemory(_secretKey);
        }
        base.Dispose(disposing);
    }
}
