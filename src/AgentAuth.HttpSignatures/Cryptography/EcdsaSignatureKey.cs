using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>An ECDSA P-256 or P-384 key. Signatures are raw r||s (IEEE P1363); DER is refused.</summary>
internal sealed class EcdsaSignatureKey : SignatureKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    private readonly ECDsa _ecdsa;
    private readonly int _fieldSize;
    private readonly HashAlgorithmName _hash;
    private readonly string _algorithm;
    private readonly string _joseFamily;
    private readonly string _curve;
    private readonly string _x;
    private readonly string _y;

    private EcdsaSignatureKey(ECDsa ecdsa, bool canSign, int fieldSize, string curve, string x, string y, string? keyId, string? joseAlgorithm)
        : base(keyId, joseAlgorithm)
    {
        _ecdsa = ecdsa;
        CanSign = canSign;
        _fieldSize = fieldSize;
        _curve = curve;
        _x = x;
        _y = y;
        if (fieldSize == 32)
        {
            _hash = HashAlgorithmName.SHA256;
            _algorithm = HttpSignatureAlgorithms.EcdsaP256Sha256;
            _joseFamily = JoseAlgorithms.ES256;
        }
        else
        {
            _hash = HashAlgorithmName.SHA384;
            _algorithm = HttpSignatureAlgorithms.EcdsaP384Sha384;
            _joseFamily = JoseAlgorithms.ES384;
        }
    }

    public override string Algorithm => _algorithm;

    public override bool CanSign { get; }

    public override int SignatureSize => 2 * _fieldSize;

    /// <summary>
    /// <paramref name="ecdsa"/>'s parameters, private ones included when the key allows their export, else the public
    /// point only (the key then verifies but cannot sign). The caller zeroes <see cref="ECParameters.D"/> when done.
    /// </summary>
    internal static ECParameters ExportParameters(ECDsa ecdsa)
    {
        try
        {
            return ecdsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            return ecdsa.ExportParameters(includePrivateParameters: false);
        }
    }

    /// <summary>Creates the key from parameters (copied into a new ECDsa); the point is validated by the platform.</summary>
    public static EcdsaSignatureKey? Create(ECParameters parameters, string? keyId, string? joseAlgorithm, out string? error)
    {
        var oid = parameters.Curve.Oid?.Value;
        var friendly = parameters.Curve.Oid?.FriendlyName;
        int fieldSize;
        string curve;
        if (oid == P256Oid || friendly is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1")
        {
            fieldSize = 32;
            curve = Jwk.CurveP256;
        }
        else if (oid == P384Oid || friendly is "nistP384" or "ECDSA_P384" or "secp384r1")
        {
            fieldSize = 48;
            curve = Jwk.CurveP384;
        }
        else
        {
            error = "only the P-256 and P-384 curves are supported";
            return null;
        }
        if (parameters.Q.X?.Length != fieldSize || parameters.Q.Y?.Length != fieldSize
            || (parameters.D is not null && parameters.D.Length != fieldSize))
        {
            error = "EC key coordinates have the wrong length for " + curve;
            return null;
        }
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportParameters(parameters);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            error = "the EC key is not a valid point on " + curve + " (or the private key does not match)";
            return null;
        }
        error = null;
        return new EcdsaSignatureKey(
            ecdsa, parameters.D is not null, fieldSize, curve,
            Base64UrlStrict.Encode(parameters.Q.X), Base64UrlStrict.Encode(parameters.Q.Y), keyId, joseAlgorithm);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 2 * _fieldSize)
        {
            return false;
        }
        try
        {
            return _ecdsa.VerifyData(data, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public override bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        EnsureCanSign();
        return _ecdsa.TrySignData(data, destination, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out bytesWritten);
    }

    private protected override bool FitsJoseAlgorithm(string alg) => alg == _joseFamily;

    private protected override bool VerifyJoseCore(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Verify(data, signature);

    private protected override bool TrySignJoseCore(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
        TrySign(data, destination, out bytesWritten);

    private protected override Jwk CreatePublicJwk() => new(Jwk.KeyTypeEc)
    {
        Curve = _curve,
        X = _x,
        Y = _y,
        KeyId = KeyId,
        Algorithm = JoseAlgorithm ?? _joseFamily,
        Use = "sig",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ecdsa.Dispose();
        }
        base.Dispose(disposing);
    }
}
