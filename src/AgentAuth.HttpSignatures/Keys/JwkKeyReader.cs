using System.Formats.Asn1;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.HttpSignatures.Keys;

/// <summary>Turns a validated <see cref="Jwk"/> into the <see cref="SignatureKey"/> its key type dictates.</summary>
internal static class JwkKeyReader
{
    public static SignatureKey? Create(Jwk jwk, string? requested, out string? error)
    {
        if (jwk.Use is not null && jwk.Use != "sig")
        {
            error = "the JWK 'use' is '" + jwk.Use + "', not 'sig'";
            return null;
        }
        if (jwk.KeyOperations is { } ops && !AllowsSignatures(ops))
        {
            error = "the JWK 'key_ops' allow neither 'verify' nor 'sign'";
            return null;
        }
        return jwk.KeyType switch
        {
            Jwk.KeyTypeOkp => CreateEd25519(jwk, requested, out error),
            Jwk.KeyTypeEc => CreateEcdsa(jwk, requested, out error),
            Jwk.KeyTypeRsa => CreateRsa(jwk, requested, out error),
            Jwk.KeyTypeOct => CreateHmac(jwk, requested, out error),
            _ => Fail("unsupported key type '" + jwk.KeyType + "'", out error),
        };
    }

    /// <summary>
    /// Checks a requested algorithm (RFC 9421 or JWS name) against the one RFC 9421 algorithm and JWS family a key
    /// type allows, and combines a JWS restriction from the request with the JWK <c>alg</c>.
    /// </summary>
    internal static bool TryResolve(
        string? requested, string? jwkAlgorithm, string rfc9421Algorithm, Func<string, bool> joseFits, out string? joseAlgorithm, out string? error)
    {
        joseAlgorithm = jwkAlgorithm;
        if (requested is null || requested == rfc9421Algorithm)
        {
            error = null;
            return true;
        }
        if (!joseFits(requested))
        {
            error = "algorithm '" + requested + "' does not fit a " + rfc9421Algorithm + " key";
            return false;
        }
        if (jwkAlgorithm is not null && jwkAlgorithm != requested)
        {
            error = "the requested algorithm '" + requested + "' contradicts the JWK alg '" + jwkAlgorithm + "'";
            return false;
        }
        joseAlgorithm = requested;
        error = null;
        return true;
    }

    private static SignatureKey? CreateEd25519(Jwk jwk, string? requested, out string? error)
    {
        if (!TryResolve(requested, jwk.Algorithm, HttpSignatureAlgorithms.Ed25519,
                static a => a is JoseAlgorithms.EdDsa or JoseAlgorithms.Ed25519, out var jose, out error))
        {
            return null;
        }
        Span<byte> publicKey = stackalloc byte[Ed25519Encoding.PublicKeySize];
        Span<byte> seed = stackalloc byte[Ed25519Encoding.SeedSize];
        try
        {
            if (!Base64UrlStrict.TryDecode(jwk.X, publicKey, out var pkLength) || pkLength != publicKey.Length)
            {
                return Fail("Ed25519 'x' must be 32 bytes", out error);
            }
            var seedLength = 0;
            if (jwk.D is not null && (!Base64UrlStrict.TryDecode(jwk.D, seed, out seedLength) || seedLength != seed.Length))
            {
                return Fail("Ed25519 'd' must be 32 bytes", out error);
            }
            return Ed25519SignatureKey.Create(publicKey, seed[..seedLength], jwk.KeyId, jose, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static EcdsaSignatureKey? CreateEcdsa(Jwk jwk, string? requested, out string? error)
    {
        var p256 = jwk.Curve == Jwk.CurveP256;
        var rfc9421 = p256 ? HttpSignatureAlgorithms.EcdsaP256Sha256 : HttpSignatureAlgorithms.EcdsaP384Sha384;
        var joseName = p256 ? JoseAlgorithms.ES256 : JoseAlgorithms.ES384;
        if (!TryResolve(requested, jwk.Algorithm, rfc9421, a => a == joseName, out var jose, out error))
        {
            return null;
        }
        var parameters = new ECParameters
        {
            Curve = p256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
            Q = new ECPoint { X = Base64UrlStrict.Decode(jwk.X!), Y = Base64UrlStrict.Decode(jwk.Y!) },
            D = jwk.D is null ? null : Base64UrlStrict.Decode(jwk.D),
        };
        try
        {
            return EcdsaSignatureKey.Create(parameters, jwk.KeyId, jose, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static SignatureKey? CreateRsa(Jwk jwk, string? requested, out string? error)
    {
        if (!RsaSignatureKey.TryResolveAlgorithm(requested, jwk.Algorithm, out var rfc9421, out var jose, out error))
        {
            return null;
        }
        if (jwk.D is not null && (jwk.P is null || jwk.Q is null || jwk.DP is null || jwk.DQ is null || jwk.QI is null))
        {
            return Fail("an RSA private JWK needs p, q, dp, dq and qi", out error);
        }
        // The public key check first, before any import: the one RSA check (modulus size, exponent) on the decoded values.
        // Jwk parsing has refused leading zeros in n and e (RFC 7518 §2), so the decoded values are minimal.
        var n = Base64UrlStrict.Decode(jwk.N!);
        var e = Base64UrlStrict.Decode(jwk.E!);
        if (!RsaSignatureKey.CheckPublicKey(n, e, out error))
        {
            return null;
        }
        // PKCS#1 DER rather than RSAParameters: JWK integers are minimal and primes may be unbalanced.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (jwk.D is not null)
            {
                writer.WriteInteger(0);
            }
            writer.WriteIntegerUnsigned(n);
            writer.WriteIntegerUnsigned(e);
            if (jwk.D is not null)
            {
                foreach (var member in new[] { jwk.D, jwk.P, jwk.Q, jwk.DP, jwk.DQ, jwk.QI })
                {
                    var value = Base64UrlStrict.Decode(member!);
                    // The private integers do not identify the key; a generator that pads them to a fixed width is
                    // tolerated. AsnWriter refuses a redundant leading zero (ArgumentException), so it is dropped here.
                    writer.WriteIntegerUnsigned(RsaSignatureKey.TrimLeadingZeros(value));
                    CryptographicOperations.ZeroMemory(value);
                }
            }
        }
        var der = writer.Encode();
        writer.Reset();
        var rsa = RSA.Create();
        try
        {
            if (jwk.D is null)
            {
                rsa.ImportRSAPublicKey(der, out _);
            }
            else
            {
                rsa.ImportRSAPrivateKey(der, out _);
            }
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return Fail("the RSA key members are inconsistent", out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
        return RsaSignatureKey.Create(rsa, jwk.D is not null, rfc9421!, jose, jwk.KeyId, out error);
    }

    private static HmacSha256SignatureKey? CreateHmac(Jwk jwk, string? requested, out string? error)
    {
        if (!TryResolve(requested, jwk.Algorithm, HttpSignatureAlgorithms.HmacSha256,
                static a => a == JoseAlgorithms.HS256, out var jose, out error))
        {
            return null;
        }
        var secret = Base64UrlStrict.Decode(jwk.K!);
        try
        {
            return HmacSha256SignatureKey.Create(secret, jwk.KeyId, jose, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static bool AllowsSignatures(IReadOnlyList<string> operations)
    {
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is "verify" or "sign")
            {
                return true;
            }
        }
        return false;
    }

    private static SignatureKey? Fail(string reason, out string? error)
    {
        error = reason;
        return null;
    }
}
