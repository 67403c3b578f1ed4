using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Keys;

namespace AgentAuth.HttpSignatures.Cryptography;

/// <summary>
/// An RSA key bound to one padding family: RSASSA-PSS (<c>rsa-pss-sha512</c>; JWS PS256/384/512, salt = hash length)
/// or RSASSA-PKCS1-v1_5 (<c>rsa-v1_5-sha256</c>; JWS RS256/384/512).
/// </summary>
internal sealed class RsaSignatureKey : SignatureKey
{
    public const int MinimumKeySize = 2048;

    /// <summary>The largest modulus accepted, in bits: verification cost grows with the modulus, and a client chooses DPoP keys.</summary>
    public const int MaximumKeySize = 4096;

    /// <summary>The only public exponent accepted (F4): a large exponent makes every verification a full-size exponentiation.</summary>
    public const int PublicExponent = 65537;

    private readonly RSA _rsa;
    private readonly bool _pss;
    private readonly int _modulusSize;
    private readonly string _n;
    private readonly string _e;

    private RsaSignatureKey(RSA rsa, bool pss, bool canSign, int modulusSize, string n, string e, string? keyId, string? joseAlgorithm)
        : base(keyId, joseAlgorithm)
    {
        _rsa = rsa;
        _pss = pss;
        CanSign = canSign;
        _modulusSize = modulusSize;
        _n = n;
        _e = e;
    }

    public override string Algorithm => _pss ? HttpSignatureAlgorithms.RsaPssSha512 : HttpSignatureAlgorithms.RsaV15Sha256;

    public override bool CanSign { get; }

    public override int SignatureSize => _modulusSize;

    /// <summary>
    /// Resolves the RFC 9421 algorithm and JWS restriction from a requested name (RFC 9421 or JWS) and a JWK <c>alg</c>.
    /// </summary>
    public static bool TryResolveAlgorithm(string? requested, string? jwkAlgorithm, out string? rfc9421Algorithm, out string? joseAlgorithm, out string? error)
    {
        rfc9421Algorithm = null;
        joseAlgorithm = null;
        bool? pss = null;
        if (requested is not null)
        {
            switch (requested)
            {
                case HttpSignatureAlgorithms.RsaPssSha512: pss = true; break;
                case HttpSignatureAlgorithms.RsaV15Sha256: pss = false; break;
                case var jose when JoseAlgorithms.IsRsaPss(jose): pss = true; joseAlgorithm = jose; break;
                case var jose when JoseAlgorithms.IsRsaPkcs1(jose): pss = false; joseAlgorithm = jose; break;
                default:
                    error = "'" + requested + "' is not an RSA signature algorithm";
                    return false;
            }
        }
        if (jwkAlgorithm is not null)
        {
            var jwkPss = JoseAlgorithms.IsRsaPss(jwkAlgorithm);
            if (!jwkPss && !JoseAlgorithms.IsRsaPkcs1(jwkAlgorithm))
            {
                error = "JWK alg '" + jwkAlgorithm + "' is not an RSA signature algorithm";
                return false;
            }
            if ((pss is not null && pss != jwkPss) || (joseAlgorithm is not null && joseAlgorithm != jwkAlgorithm))
            {
                error = "the requested algorithm '" + requested + "' contradicts the JWK alg '" + jwkAlgorithm + "'";
                return false;
            }
            pss = jwkPss;
            joseAlgorithm = jwkAlgorithm;
        }
        if (pss is null)
        {
            error = "an RSA key needs an algorithm: set the JWK 'alg' or pass rsa-pss-sha512 or rsa-v1_5-sha256";
            return false;
        }
        rfc9421Algorithm = pss.Value ? HttpSignatureAlgorithms.RsaPssSha512 : HttpSignatureAlgorithms.RsaV15Sha256;
        error = null;
        return true;
    }

    /// <summary>
    /// Creates the key over an RSA instance the key then owns. Key material moves between instances as PKCS#1 DER,
    /// not <see cref="RSAParameters"/>, because keys with unbalanced primes (RFC 9421's test-key-rsa) have CRT values
    /// that <see cref="RSAParameters"/> cannot hold.
    /// </summary>
    public static RsaSignatureKey? Create(RSA owned, bool canSign, string rfc9421Algorithm, string? joseAlgorithm, string? keyId, out string? error)
    {
        RSAParameters publicParameters;
        try
        {
            publicParameters = owned.ExportParameters(includePrivateParameters: false);
        }
        catch (CryptographicException)
        {
            owned.Dispose();
            error = "the RSA key cannot be read";
            return null;
        }
        var n = TrimLeadingZeros(publicParameters.Modulus ?? []);
        var e = TrimLeadingZeros(publicParameters.Exponent ?? []);
        if (!CheckPublicKey(n, e, out error))
        {
            owned.Dispose();
            return null;
        }
        error = null;
        return new RsaSignatureKey(
            owned, rfc9421Algorithm == HttpSignatureAlgorithms.RsaPssSha512, canSign, n.Length,
            Base64UrlStrict.Encode(n), Base64UrlStrict.Encode(e), keyId, joseAlgorithm);
    }

    /// <summary>
    /// The one check of an RSA public key, for every RSA key accepted (agent, issuer and DPoP keys, JWK or PEM): a modulus
    /// of <see cref="MinimumKeySize"/> to <see cref="MaximumKeySize"/> bits and the exponent <see cref="PublicExponent"/>.
    /// Cheap (no key import), so readers call it before any import; <paramref name="n"/> and <paramref name="e"/> are
    /// unsigned big-endian without leading zeros.
    /// </summary>
    public static bool CheckPublicKey(ReadOnlySpan<byte> n, ReadOnlySpan<byte> e, out string? error)
    {
        var bits = n.IsEmpty || n[0] == 0 ? 0 : ((n.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]));
        if (bits < MinimumKeySize || bits > MaximumKeySize)
        {
            error = "RSA keys must have a modulus of 2048 to 4096 bits";
            return false;
        }
        // 65537 = 0x01 0x00 0x01.
        if (e.Length != 3 || e[0] != 0x01 || e[1] != 0x00 || e[2] != 0x01)
        {
            error = "RSA keys must use the public exponent 65537";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>Copies <paramref name="source"/> into a new instance (private part when exportable).</summary>
    public static RSA Copy(RSA source, out bool canSign)
    {
        var copy = RSA.Create();
        byte[]? der = null;
        try
        {
            try
            {
                der = source.ExportRSAPrivateKey();
                canSign = true;
            }
            catch (CryptographicException)
            {
                der = source.ExportRSAPublicKey();
                canSign = false;
            }
            if (canSign)
            {
                copy.ImportRSAPrivateKey(der, out _);
            }
            else
            {
                copy.ImportRSAPublicKey(der, out _);
            }
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>Only an unrestricted key, or one restricted to the JWS twin of its RFC 9421 algorithm (PS512, RS256).</summary>
    public override bool AllowsHttpSignatures =>
        JoseAlgorithm is null || JoseAlgorithm == (_pss ? JoseAlgorithms.PS512 : JoseAlgorithms.RS256);

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => AllowsHttpSignatures && (_pss
        ? VerifyCore(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss)
        : VerifyCore(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public override bool TrySign(ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten)
    {
        EnsureCanSign();
        if (!AllowsHttpSignatures)
        {
            throw new InvalidOperationException("This RSA key is restricted to " + JoseAlgorithm + " and cannot make " + Algorithm + " signatures.");
        }
        return _pss
            ? _rsa.TrySignData(data, destination, HashAlgorithmName.SHA512, RSASignaturePadding.Pss, out bytesWritten)
            : _rsa.TrySignData(data, destination, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out bytesWritten);
    }

    private protected override bool FitsJoseAlgorithm(string alg) => _pss ? JoseAlgorithms.IsRsaPss(alg) : JoseAlgorithms.IsRsaPkcs1(alg);

    private protected override bool VerifyJoseCore(string alg, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        VerifyCore(data, signature, JoseHash(alg), _pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);

    private protected override bool TrySignJoseCore(string alg, ReadOnlySpan<byte> data, Span<byte> destination, out int bytesWritten) =>
        _rsa.TrySignData(data, destination, JoseHash(alg), _pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1, out bytesWritten);

    private protected override Jwk CreatePublicJwk() => new(Jwk.KeyTypeRsa)
    {
        N = _n,
        E = _e,
        KeyId = KeyId,
        Algorithm = JoseAlgorithm ?? (_pss ? JoseAlgorithms.PS512 : JoseAlgorithms.RS256),
        Use = "sig",
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rsa.Dispose();
        }
        base.Dispose(disposing);
    }

    private static HashAlgorithmName JoseHash(string alg) => alg switch
    {
        JoseAlgorithms.PS256 or JoseAlgorithms.RS256 => HashAlgorithmName.SHA256,
        JoseAlgorithms.PS384 or JoseAlgorithms.RS384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    private bool VerifyCore(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        if (signature.Length != _modulusSize)
        {
            return false;
        }
        try
        {
            return _rsa.VerifyData(data, signature, hash, padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    internal static ReadOnlySpan<byte> TrimLeadingZeros(ReadOnlySpan<byte> value)
    {
        var span = value;
        while (span.Length > 1 && span[0] == 0)
        {
            span = span[1..];
        }
        return span;
    }
}
