using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>An <c>hmac-sha256</c> shared secret. Only ever created from a raw secret or an <c>oct</c> JWK.</summary>
internal sealed class HmacSha256SignatureKey : SignatureKey
{
    public const int MinimumSecretSize = 32;

    private readonly byte[] _secret;

    private HmacSha256SignatureKey(byte[] secret, string? keyId, string? joseAlgorithm)
        : base(keyId, joseAlgorithm)
    {
        _secret = secret;
    }

    public override string Algorithm => HttpSignatureAlgorithms.HmacSha256;

    public override bool CanSign => true;

    public override int SignatureSize => HMACSHA256.HashSizeInBytes;

    public static HmacSha256SignatureKey? Create(ReadOnlySpan<byte> secret, string? keyId, string? joseAlgorithm, out string? error)
    {
        // RFC 7518 §3.2: a key of the same size as the hash output or larger.
        if (secret.Length < MinimumSecretSize)
        {
            error = "an hmac-sha256 secret needs at least 32 bytes";
            return null;
        }
        error = null;
        return new HmacSha256SignatureKey(secret.ToArray(), keyId, joseAlgorithm);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    public override bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        EnsureCanSign();
        return HMACSHA256.TryHashData(_secret, data, destination, out bytesWritten);
    }

    private protected override bool FitsJoseAlgorithm(string alg) => alg == JoseAlgorithms.HS256;

    private protected override bool VerifyJoseCore(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Verify(data, signature);

    private protected override bool TrySignJoseCore(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
        TrySign(data, destination, out bytesWritten);

    private protected override Jwk CreatePublicJwk() =>
        throw new NotSupportedException("A shared secret has no public JWK; it must never be published.");

    private protected override Jwk ThumbprintJwk() => new(Jwk.KeyTypeOct) { K = Base64UrlStrict.Encode(_secret) };

    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_secret);
        base.Dispose(disposing);
    }
}
