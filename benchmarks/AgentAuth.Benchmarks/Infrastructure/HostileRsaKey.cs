using System.Buffers.Text;
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// The RSA key of issue 14 F4: a 3072-bit modulus with a 3071-bit public exponent and its matching private exponent, so
/// that a DPoP proof signed with it is valid. Signing is done with <see cref="BigInteger"/> (RSASSA-PKCS1-v1_5, RFC 8017
/// §8.2): no platform RSA signs with such a key.
/// </summary>
internal sealed class HostileRsaKey
{
    // DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2, note 1).
    private static readonly byte[] s_sha256DigestInfo = Convert.FromHexString("3031300d060960864801650304020105000420");

    private readonly BigInteger _n;
    private readonly BigInteger _d;
    private readonly int _size;

    private HostileRsaKey(BigInteger n, BigInteger e, BigInteger d)
    {
        _n = n;
        _d = d;
        _size = n.GetByteCount(isUnsigned: true);
        N = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        E = e.ToByteArray(isUnsigned: true, isBigEndian: true);
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(
            "{\"e\":\"" + Base64Url.EncodeToString(E) + "\",\"kty\":\"RSA\",\"n\":\"" + Base64Url.EncodeToString(N) + "\"}")));
    }

    public byte[] N { get; }

    public byte[] E { get; }

    /// <summary>The RFC 7638 thumbprint, for a token's <c>cnf.jkt</c>.</summary>
    public string Thumbprint { get; }

    public static HostileRsaKey Create(int modulusBits = 3072)
    {
        using var rsa = RSA.Create(modulusBits);
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        var p = new BigInteger(parameters.P, isUnsigned: true, isBigEndian: true);
        var q = new BigInteger(parameters.Q, isUnsigned: true, isBigEndian: true);
        var phi = (p - 1) * (q - 1);
        var bytes = new byte[(modulusBits - 1) / 8];
        BigInteger e;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[0] |= 0x80;
            bytes[^1] |= 1;
            e = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        }
        while (!BigInteger.GreatestCommonDivisor(e, phi).IsOne);
        return new HostileRsaKey(p * q, e, ModInverse(e, phi));
    }

    /// <summary>The public key as PKCS#1 DER, to time what verifying under it costs a platform RSA.</summary>
    public byte[] PublicKeyDer()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(N);
            writer.WriteIntegerUnsigned(E);
        }
        return writer.Encode();
    }

    /// <summary>A DPoP proof (RS256) carrying this key as <c>jwk</c>.</summary>
    public string Proof(string htm, string htu, string accessToken)
    {
        var header = new JsonObject
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = "RS256",
            ["jwk"] = new JsonObject { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(N), ["e"] = Base64Url.EncodeToString(E) },
        };
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["ath"] = DPoPAccessTokenHash.Compute(accessToken),
        };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signingInput + "." + Base64Url.EncodeToString(SignRs256(Encoding.ASCII.GetBytes(signingInput)));
    }

    public byte[] SignRs256(byte[] data)
    {
        // EM = 0x00 || 0x01 || PS (0xff...) || 0x00 || DigestInfo || H
        var em = new byte[_size];
        var hash = SHA256.HashData(data);
        var t = s_sha256DigestInfo.Length + hash.Length;
        em[1] = 0x01;
        em.AsSpan(2, _size - t - 3).Fill(0xff);
        s_sha256DigestInfo.CopyTo(em, _size - t);
        hash.CopyTo(em, _size - hash.Length);
        var s = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), _d, _n);
        var signature = new byte[_size];
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(signature, _size - bytes.Length);
        return signature;
    }

    private static BigInteger ModInverse(BigInteger a, BigInteger m)
    {
        BigInteger oldR = a, r = m, oldS = 1, s = 0;
        while (!r.IsZero)
        {
            var quotient = BigInteger.Divide(oldR, r);
            (oldR, r) = (r, oldR - (quotient * r));
            (oldS, s) = (s, oldS - (quotient * s));
        }
        return ((oldS % m) + m) % m;
    }
}
