using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Keys;

/// <summary>Loads every RFC 9421 Appendix B.1 test key from ../shared/conformance/rfc9421/keys.</summary>
public sealed class Rfc9421TestKeysTests
{
    internal static Jwk ReadJwk(string file)
    {
        var bytes = Encoding.UTF8.GetBytes(ConformanceFiles.ReadText("rfc9421/keys/" + file));
        Assert.True(Jwk.TryParse(bytes, out var jwk, out var error), error);
        return jwk!;
    }

    internal static SignatureKey ReadKey(string file, string? algorithm = null)
    {
        Assert.True(SignatureKey.TryCreate(ReadJwk(file), algorithm, out var key, out var error), error);
        return key!;
    }

    public static TheoryData<string, string?, string, bool> AllJwks => new()
    {
        { "test-key-ed25519.jwk.json", null, HttpSignatureAlgorithms.Ed25519, true },
        { "test-key-ed25519.pub.jwk.json", null, HttpSignatureAlgorithms.Ed25519, false },
        { "test-key-ecc-p256.jwk.json", null, HttpSignatureAlgorithms.EcdsaP256Sha256, true },
        { "test-key-ecc-p256.pub.jwk.json", null, HttpSignatureAlgorithms.EcdsaP256Sha256, false },
        { "test-key-rsa-pss.jwk.json", HttpSignatureAlgorithms.RsaPssSha512, HttpSignatureAlgorithms.RsaPssSha512, true },
        { "test-key-rsa-pss.pub.jwk.json", HttpSignatureAlgorithms.RsaPssSha512, HttpSignatureAlgorithms.RsaPssSha512, false },
        { "test-key-rsa.jwk.json", HttpSignatureAlgorithms.RsaV15Sha256, HttpSignatureAlgorithms.RsaV15Sha256, true },
        { "test-key-rsa.pub.jwk.json", HttpSignatureAlgorithms.RsaV15Sha256, HttpSignatureAlgorithms.RsaV15Sha256, false },
        { "test-shared-secret.jwk.json", null, HttpSignatureAlgorithms.HmacSha256, true },
    };

    [Theory]
    [MemberData(nameof(AllJwks))]
    public void Every_test_key_loads_from_its_jwk_with_the_expected_algorithm(string file, string? algorithm, string expected, bool isPrivate)
    {
        var jwk = ReadJwk(file);
        Assert.Equal(isPrivate, jwk.HasPrivateMembers);
        Assert.Equal(!isPrivate, jwk.IsPublicOnly);
        using var key = ReadKey(file, algorithm);
        Assert.Equal(expected, key.Algorithm);
        Assert.Equal(isPrivate, key.CanSign);
        Assert.True(key.IsCompatibleWith(expected));
        Assert.Equal(file.Split('.')[0], key.KeyId);
    }

    [Theory]
    [InlineData("test-key-ed25519", null)]
    [InlineData("test-key-ecc-p256", null)]
    [InlineData("test-key-rsa-pss", HttpSignatureAlgorithms.RsaPssSha512)]
    [InlineData("test-key-rsa", HttpSignatureAlgorithms.RsaV15Sha256)]
    [InlineData("test-shared-secret", null)]
    public void Thumbprints_match_the_pop_vectors(string name, string? algorithm)
    {
        using var pop = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var expected = pop.RootElement.GetProperty("rfc9421_test_key_thumbprints").GetProperty("values").GetProperty(name).GetString();
        using var key = ReadKey(name + ".jwk.json", algorithm);
        Assert.Equal(expected, key.Thumbprint);
        Assert.Equal(expected, JwkThumbprint.ComputeSha256(ReadJwk(name + ".jwk.json")));
        if (name != "test-shared-secret")
        {
            Assert.Equal(expected, JwkThumbprint.ComputeSha256(ReadJwk(name + ".pub.jwk.json")));
            Assert.Equal(expected, JwkThumbprint.ComputeSha256(key.ToPublicJwk()));
        }
    }

    [Fact]
    public void Rsa_jwk_without_alg_needs_the_caller_to_choose()
    {
        Assert.False(SignatureKey.TryCreate(ReadJwk("test-key-rsa-pss.pub.jwk.json"), out var key, out var error));
        Assert.Null(key);
        Assert.Contains("algorithm", error);
    }

    [Fact]
    public void Ed25519_pem_files_import_through_the_asn1_reader_and_match_the_jwk()
    {
        using var fromPrivatePem = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.priv.pem"), keyId: "test-key-ed25519");
        using var fromPublicPem = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-ed25519.pub.pem"));
        using var fromJwk = ReadKey("test-key-ed25519.jwk.json");
        Assert.True(fromPrivatePem.CanSign);
        Assert.False(fromPublicPem.CanSign);
        Assert.Equal(fromJwk.Thumbprint, fromPrivatePem.Thumbprint);
        Assert.Equal(fromJwk.Thumbprint, fromPublicPem.Thumbprint);

        var data = "signature base"u8.ToArray();
        var signature = new byte[64];
        Assert.True(fromPrivatePem.TrySign(data, signature, out _));
        Assert.True(fromJwk.Verify(data, signature));
        Assert.True(fromPublicPem.Verify(data, signature));
    }

    [Fact]
    public void Rsa_and_ec_pem_files_import_through_the_bcl()
    {
        using var rsaPublic = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-rsa.pub.pem"), HttpSignatureAlgorithms.RsaV15Sha256);
        using var rsaPrivate = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-rsa.priv.pem"), HttpSignatureAlgorithms.RsaV15Sha256);
        using var pssPublic = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-rsa-pss.pub.pem"), HttpSignatureAlgorithms.RsaPssSha512);
        using var ecPublic = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-ecc-p256.pub.pem"));
        using var ecPrivate = SignatureKey.ImportPem(ConformanceFiles.ReadText("rfc9421/keys/test-key-ecc-p256.priv.pem"));

        using var pop = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        var thumbprints = pop.RootElement.GetProperty("rfc9421_test_key_thumbprints").GetProperty("values");
        Assert.Equal(thumbprints.GetProperty("test-key-rsa").GetString(), rsaPublic.Thumbprint);
        Assert.Equal(thumbprints.GetProperty("test-key-rsa").GetString(), rsaPrivate.Thumbprint);
        Assert.Equal(thumbprints.GetProperty("test-key-rsa-pss").GetString(), pssPublic.Thumbprint);
        Assert.Equal(thumbprints.GetProperty("test-key-ecc-p256").GetString(), ecPublic.Thumbprint);
        Assert.True(rsaPrivate.CanSign);
        Assert.True(ecPrivate.CanSign);
        Assert.Equal(HttpSignatureAlgorithms.EcdsaP256Sha256, ecPrivate.Algorithm);

        var data = "base"u8.ToArray();
        var signature = new byte[256];
        Assert.True(rsaPrivate.TrySign(data, signature, out var written));
        Assert.True(rsaPublic.Verify(data, signature.AsSpan(0, written)));
        Assert.True(ecPrivate.TrySign(data, signature, out written));
        Assert.True(ecPublic.Verify(data, signature.AsSpan(0, written)));
    }

    [Fact]
    public void Rsa_pss_private_pem_is_refused_with_a_pointer_to_the_jwk()
    {
        // Conformance README trap: PKCS#8 with the rsassaPss identifier does not import in .NET; the JWK does.
        var pem = ConformanceFiles.ReadText("rfc9421/keys/test-key-rsa-pss.priv.pem");
        try
        {
            using var key = SignatureKey.ImportPem(pem, HttpSignatureAlgorithms.RsaPssSha512);
            // Should a future platform import it, it must still be the same key.
            Assert.Equal("oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA", key.Thumbprint);
        }
        catch (ArgumentException ex)
        {
            Assert.Contains("JWK", ex.Message);
        }
        using var fromJwk = ReadKey("test-key-rsa-pss.jwk.json", HttpSignatureAlgorithms.RsaPssSha512);
        Assert.True(fromJwk.CanSign);
    }

    [Fact]
    public void Rsa_pem_without_an_algorithm_is_refused()
    {
        var pem = ConformanceFiles.ReadText("rfc9421/keys/test-key-rsa.pub.pem");
        var ex = Assert.Throws<ArgumentException>(() => SignatureKey.ImportPem(pem));
        Assert.Contains("rsa-pss-sha512", ex.Message);
    }

    [Fact]
    public void Shared_secret_matches_the_b64_file()
    {
        var secret = Convert.FromBase64String(ConformanceFiles.ReadText("rfc9421/keys/test-shared-secret.b64").Trim());
        using var fromRaw = SignatureKey.CreateHmacSha256(secret, "test-shared-secret");
        using var fromJwk = ReadKey("test-shared-secret.jwk.json");
        var data = "base"u8.ToArray();
        var signature = new byte[32];
        Assert.True(fromRaw.TrySign(data, signature, out _));
        Assert.True(fromJwk.Verify(data, signature));
        Assert.Equal(fromJwk.Thumbprint, fromRaw.Thumbprint);
        Assert.Throws<NotSupportedException>(() => fromRaw.ToPublicJwk());
    }
}
