using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Keys;

/// <summary>
/// Issue 14 (F5, F4) at the key readers: no reader throws on key material from a client or a directory, RSA integers
/// must be minimal (RFC 7518 §2), and every RSA key meets one policy (2048-4096 bits, exponent 65537).
/// </summary>
public sealed class KeyReaderHardeningTests
{
    private static JsonObject RsaJwk(string file) =>
        JsonNode.Parse(ConformanceFiles.ReadText("rfc9421/keys/" + file))!.AsObject();

    private static string WithLeadingZero(string base64Url) => Base64Url.EncodeToString([0, .. Base64Url.DecodeFromChars(base64Url)]);

    [Theory]
    [InlineData("n")]
    [InlineData("e")]
    public void Rsa_n_or_e_with_a_leading_zero_octet_is_refused_at_parse_and_nothing_throws(string member)
    {
        var jwk = RsaJwk("test-key-rsa.pub.jwk.json");
        jwk[member] = WithLeadingZero(jwk[member]!.GetValue<string>());

        Assert.False(Jwk.TryParse(jwk.ToJsonString(), out _, out var error));
        Assert.Contains("leading zero", error, StringComparison.Ordinal);

        var set = "{\"keys\":[" + jwk.ToJsonString() + "," + RsaJwk("test-key-ecc-p256.pub.jwk.json").ToJsonString() + "]}";
        Assert.True(JwkSet.TryParse(System.Text.Encoding.UTF8.GetBytes(set), 10, out var parsed, out _));
        Assert.Single(parsed!.Keys);
        Assert.Equal(0, Assert.Single(parsed.Skipped).Index);
    }

    [Theory]
    [InlineData("d")]
    [InlineData("qi")]
    [InlineData("dp")]
    public void Rsa_private_jwk_with_a_padded_crt_member_loads_instead_of_throwing(string member)
    {
        // The private integers do not identify the key (the thumbprint covers n and e only); a fixed-width encoder's
        // padding is tolerated, and must never reach AsnWriter, which throws on a redundant leading zero.
        var jwk = RsaJwk("test-key-rsa.jwk.json");
        jwk[member] = WithLeadingZero(jwk[member]!.GetValue<string>());
        Assert.True(Jwk.TryParse(jwk.ToJsonString(), out var parsed, out var parseError), parseError);

        Assert.True(SignatureKey.TryCreate(parsed!, HttpSignatureAlgorithms.RsaV15Sha256, out var key, out var error), error);
        using (key)
        {
            Assert.True(key!.CanSign);
        }
    }

    [Theory]
    [InlineData("test-key-rsa.pub.jwk.json", HttpSignatureAlgorithms.RsaV15Sha256)]
    [InlineData("test-key-rsa-pss.pub.jwk.json", HttpSignatureAlgorithms.RsaPssSha512)]
    public void The_rfc9421_rsa_test_keys_meet_the_rsa_key_policy(string file, string algorithm)
    {
        // 2048-bit moduli with e = 65537 (AQAB).
        var jwk = RsaJwk(file);
        Assert.Equal("AQAB", jwk["e"]!.GetValue<string>());
        Assert.True(Jwk.TryParse(jwk.ToJsonString(), out var parsed, out _));
        Assert.True(SignatureKey.TryCreate(parsed!, algorithm, out var key, out var error), error);
        key!.Dispose();
    }

    [Theory]
    [InlineData(2047, "AQAB", false)]
    [InlineData(2048, "AQAB", true)]
    [InlineData(4096, "AQAB", true)]
    [InlineData(4097, "AQAB", false)]
    [InlineData(2048, "Aw", false)]        // e = 3
    [InlineData(2048, "AQAAAQ", false)]    // e = 2^24 + 1
    [InlineData(2048, "AQAD", false)]      // e = 65539
    public void Rsa_public_keys_need_a_2048_to_4096_bit_modulus_and_exponent_65537(int bits, string e, bool accepted)
    {
        var n = new byte[(bits + 7) / 8];
        RandomNumberGenerator.Fill(n);
        var top = bits % 8 == 0 ? 8 : bits % 8;
        n[0] = (byte)((n[0] | (1 << (top - 1))) & ((1 << top) - 1));
        n[^1] |= 1;
        var json = "{\"kty\":\"RSA\",\"alg\":\"RS256\",\"n\":\"" + Base64Url.EncodeToString(n) + "\",\"e\":\"" + e + "\"}";
        Assert.True(Jwk.TryParse(json, out var jwk, out var parseError), parseError);

        Assert.Equal(accepted, SignatureKey.TryCreate(jwk!, out var key, out var error));
        key?.Dispose();
        if (!accepted)
        {
            Assert.StartsWith("RSA keys must", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rsa_keys_from_the_platform_meet_the_same_policy()
    {
        using var small = RSA.Create(1024);
        Assert.Throws<ArgumentException>(() => SignatureKey.FromRsa(small, HttpSignatureAlgorithms.RsaPssSha512));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaPssSha512, 8192));
    }

    [Theory]
    [InlineData("no PEM at all")]
    [InlineData("-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----")]
    public void Malformed_pem_is_a_false_try_and_only_ever_an_argument_exception(string pem)
    {
        Assert.False(SignatureKey.TryImportPem(pem, HttpSignatureAlgorithms.RsaV15Sha256, null, out var key, out var error));
        Assert.Null(key);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<ArgumentException>(() => SignatureKey.ImportPem(pem, HttpSignatureAlgorithms.RsaV15Sha256));
    }

    [Fact]
    public void Pem_rsa_key_with_a_huge_exponent_is_refused()
    {
        // A PKCS#1 RSAPublicKey with a 2048-bit modulus and e = 2^2047 + 1 (odd, huge): imports on the platform, refused by the policy.
        var n = new byte[256];
        RandomNumberGenerator.Fill(n);
        n[0] |= 0x80;
        n[^1] |= 1;
        var e = new byte[256];
        e[0] = 0x80;
        e[^1] = 1;
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(n);
            writer.WriteIntegerUnsigned(e);
        }
        var pem = PemEncoding.WriteString("RSA PUBLIC KEY", writer.Encode());

        Assert.False(SignatureKey.TryImportPem(pem, HttpSignatureAlgorithms.RsaV15Sha256, null, out _, out var error));
        Assert.Contains("exponent 65537", error, StringComparison.Ordinal);
    }
}
