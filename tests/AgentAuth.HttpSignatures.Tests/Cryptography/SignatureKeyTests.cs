using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Keys;
using AgentAuth.HttpSignatures.Tests.Keys;
using AgentAuth.Testing;

namespace AgentAuth.HttpSignatures.Tests.Cryptography;

public sealed class SignatureKeyTests
{
    public static TheoryData<string> Algorithms => new()
    {
        HttpSignatureAlgorithms.Ed25519,
        HttpSignatureAlgorithms.EcdsaP256Sha256,
        HttpSignatureAlgorithms.EcdsaP384Sha384,
        HttpSignatureAlgorithms.RsaPssSha512,
        HttpSignatureAlgorithms.RsaV15Sha256,
        HttpSignatureAlgorithms.HmacSha256,
    };

    private static SignatureKey Generate(string algorithm) => algorithm switch
    {
        HttpSignatureAlgorithms.Ed25519 => SignatureKey.GenerateEd25519("k"),
        HttpSignatureAlgorithms.EcdsaP256Sha256 => SignatureKey.GenerateEcdsaP256("k"),
        HttpSignatureAlgorithms.EcdsaP384Sha384 => SignatureKey.GenerateEcdsaP384("k"),
        HttpSignatureAlgorithms.HmacSha256 => SignatureKey.GenerateHmacSha256("k"),
        _ => SignatureKey.GenerateRsa(algorithm, 2048, "k"),
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Every_algorithm_round_trips_and_rejects_tampering(string algorithm)
    {
        using var key = Generate(algorithm);
        Assert.Equal(algorithm, key.Algorithm);
        Assert.True(key.CanSign);
        Assert.True(key.IsCompatibleWith(algorithm));
        Assert.Equal(JwkThumbprint.Sha256Base64UrlLength, key.Thumbprint.Length);
        Assert.Same(key.Thumbprint, key.Thumbprint);

        var data = "\"@method\": POST\n\"@signature-params\": (\"@method\");created=1618884473"u8.ToArray();
        var signature = new byte[key.SignatureSize];
        Assert.False(key.TrySign(data, new byte[key.SignatureSize - 1], out _));
        Assert.True(key.TrySign(data, signature, out var written));
        Assert.Equal(key.SignatureSize, written);
        Assert.True(key.Verify(data, signature));

        var tampered = (byte[])signature.Clone();
        tampered[^1] ^= 1;
        Assert.False(key.Verify(data, tampered));
        Assert.False(key.Verify([.. data, 0x20], signature));
        Assert.False(key.Verify(data, signature.AsSpan(0, written - 1)));
        Assert.False(key.Verify(data, [.. signature, 0]));
        Assert.False(key.Verify(data, []));
        Assert.False(key.Verify(data, new byte[key.SignatureSize]));

        if (algorithm != HttpSignatureAlgorithms.HmacSha256)
        {
            // A verification-only copy made from the exported public JWK.
            Assert.True(Jwk.TryParse(key.ExportPublicJwkJson(), out var publicJwk, out _));
            Assert.True(publicJwk!.IsPublicOnly);
            Assert.True(SignatureKey.TryCreate(publicJwk, out var publicKey, out var error), error);
            using (publicKey)
            {
                Assert.False(publicKey!.CanSign);
                Assert.Equal(algorithm, publicKey.Algorithm);
                Assert.Equal(key.Thumbprint, publicKey.Thumbprint);
                Assert.True(publicKey.Verify(data, signature));
                Assert.Throws<InvalidOperationException>(() => publicKey.TrySign(data, new byte[publicKey.SignatureSize], out _));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void The_alg_parameter_may_only_confirm_the_key_algorithm(string algorithm)
    {
        using var key = Generate(algorithm);
        foreach (var other in new[] { "ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384", "rsa-pss-sha512", "rsa-v1_5-sha256", "hmac-sha256" })
        {
            Assert.Equal(other == algorithm, key.IsCompatibleWith(other));
        }
        Assert.False(key.IsCompatibleWith(null));
        Assert.False(key.IsCompatibleWith(algorithm.ToUpperInvariant()));
        Assert.False(key.IsCompatibleWith(" " + algorithm));
    }

    [Theory]
    [InlineData(HttpSignatureAlgorithms.EcdsaP256Sha256)]
    [InlineData(HttpSignatureAlgorithms.EcdsaP384Sha384)]
    public void Ecdsa_der_signatures_are_rejected(string algorithm)
    {
        using var key = Generate(algorithm);
        using var ecdsa = ECDsa.Create();
        var data = "data"u8.ToArray();
        var p1363 = new byte[key.SignatureSize];
        Assert.True(key.TrySign(data, p1363, out _));

        // The same signature in DER form (SEQUENCE of two INTEGERs) must not verify.
        var fieldSize = key.SignatureSize / 2;
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(p1363.AsSpan(0, fieldSize));
            writer.WriteIntegerUnsigned(p1363.AsSpan(fieldSize));
        }
        var der = writer.Encode();
        Assert.True(key.Verify(data, p1363));
        Assert.False(key.Verify(data, der));
        Assert.False(key.VerifyJose(algorithm == HttpSignatureAlgorithms.EcdsaP256Sha256 ? "ES256" : "ES384", data, der));
    }

    [Fact]
    public void Verify_never_throws_on_junk()
    {
        var random = new Random(7);
        foreach (var algorithm in new[] { "ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384", "rsa-pss-sha512", "rsa-v1_5-sha256", "hmac-sha256" })
        {
            using var key = Generate(algorithm);
            for (var length = 0; length < key.SignatureSize + 8; length += 7)
            {
                var junk = new byte[length];
                random.NextBytes(junk);
                Assert.False(key.Verify("x"u8, junk));
                Assert.False(key.VerifyJose("ES256", "x"u8, junk));
            }
            var allOnes = new byte[key.SignatureSize];
            allOnes.AsSpan().Fill(0xff);
            Assert.False(key.Verify("x"u8, allOnes));
        }
    }

    [Fact]
    public void Jose_algorithms_follow_the_key_type()
    {
        using var ed = SignatureKey.GenerateEd25519();
        using var p256 = SignatureKey.GenerateEcdsaP256();
        using var p384 = SignatureKey.GenerateEcdsaP384();
        using var pss = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaPssSha512, 2048);
        using var pkcs1 = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaV15Sha256, 2048);
        using var hmac = SignatureKey.GenerateHmacSha256();

        string[] all = ["EdDSA", "Ed25519", "ES256", "ES384", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "HS256", "HS384", "none", "None", "", "eddsa", "ed25519"];
        AssertSupported(ed, all, "EdDSA", "Ed25519");
        AssertSupported(p256, all, "ES256");
        AssertSupported(p384, all, "ES384");
        AssertSupported(pss, all, "PS256", "PS384", "PS512");
        AssertSupported(pkcs1, all, "RS256", "RS384", "RS512");
        AssertSupported(hmac, all, "HS256");

        var data = "header.payload"u8.ToArray();
        foreach (var (key, algs) in new (SignatureKey, string[])[]
                 {
                     (ed, ["EdDSA", "Ed25519"]), (p256, ["ES256"]), (p384, ["ES384"]),
                     (pss, ["PS256", "PS384", "PS512"]), (pkcs1, ["RS256", "RS384", "RS512"]), (hmac, ["HS256"]),
                 })
        {
            foreach (var alg in algs)
            {
                var signature = new byte[512];
                Assert.True(key.TrySignJose(alg, data, signature, out var written));
                Assert.True(key.VerifyJose(alg, data, signature.AsSpan(0, written)), key.Algorithm + " " + alg);
                Assert.False(key.VerifyJose("none", data, signature.AsSpan(0, written)));
                Assert.False(key.VerifyJose(null, data, signature.AsSpan(0, written)));
                foreach (var other in algs)
                {
                    if (other != alg && key.Algorithm.StartsWith("rsa", StringComparison.Ordinal))
                    {
                        // Different hash, same padding family: must not cross-verify.
                        Assert.False(key.VerifyJose(other, data, signature.AsSpan(0, written)), alg + " as " + other);
                    }
                }
            }
        }
        Assert.Throws<ArgumentException>(() => ed.TrySignJose("ES256", data, new byte[64], out _));
    }

    [Fact]
    public void Rsa_pss_uses_the_salt_length_of_its_hash()
    {
        using var key = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaPssSha512, 2048);
        using var rsa = RSA.Create();
        Assert.True(Jwk.TryParse(key.ExportPublicJwkJson(), out var jwk, out _));
        rsa.ImportParameters(new RSAParameters { Modulus = Base64Url.DecodeFromChars(jwk!.N), Exponent = Base64Url.DecodeFromChars(jwk.E) });
        var data = "data"u8.ToArray();

        // rsa-pss-sha512: SHA-512, MGF1 SHA-512, 64-byte salt; PS256: SHA-256, 32-byte salt (both = hash length).
        var signature = new byte[256];
        Assert.True(key.TrySign(data, signature, out _));
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss));
        Assert.True(key.TrySignJose("PS256", data, signature, out _));
        Assert.True(rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.False(key.Verify(data, signature));
    }

    [Fact]
    public void Jwk_alg_restricts_jose_use()
    {
        var edJwk = """{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"Ed25519"}""";
        Assert.True(Jwk.TryParse(edJwk, out var jwk, out _));
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out _));
        Assert.True(key!.SupportsJoseAlgorithm("Ed25519"));
        Assert.False(key.SupportsJoseAlgorithm("EdDSA"));
        Assert.Equal("Ed25519", key.JoseAlgorithm);

        var rsaJwk = Rfc9421TestKeysTests.ReadJwk("test-key-rsa-pss.pub.jwk.json");
        Assert.True(SignatureKey.TryCreate(rsaJwk, "PS256", out var ps256, out _));
        Assert.Equal(HttpSignatureAlgorithms.RsaPssSha512, ps256!.Algorithm);
        Assert.True(ps256.SupportsJoseAlgorithm("PS256"));
        Assert.False(ps256.SupportsJoseAlgorithm("PS512"));
        // Restricted to PS256 (SHA-256), it is not an rsa-pss-sha512 key for RFC 9421.
        Assert.False(ps256.AllowsHttpSignatures);
        Assert.False(ps256.IsCompatibleWith(HttpSignatureAlgorithms.RsaPssSha512));
        using var vectors = ConformanceFiles.ReadJson("rfc9421/vectors.json");
        var b21 = vectors.RootElement.EnumerateArray().First(v => v.GetProperty("id").GetString() == "rfc9421-B.2.1");
        var field = b21.GetProperty("signature").GetString()!;
        var signature = Convert.FromBase64String(field[(field.IndexOf('=') + 2)..field.LastIndexOf(':')]);
        var data = Encoding.UTF8.GetBytes(b21.GetProperty("expected_signature_base").GetString()!);
        Assert.False(ps256.Verify(data, signature));
        Assert.True(SignatureKey.TryCreate(rsaJwk, "PS512", out var ps512, out _));
        Assert.True(ps512!.AllowsHttpSignatures);
        Assert.True(ps512.Verify(data, signature));
        Assert.True(SignatureKey.TryCreate(rsaJwk, "RS256", out var rs256, out _));
        Assert.Equal(HttpSignatureAlgorithms.RsaV15Sha256, rs256!.Algorithm);
    }

    public static TheoryData<string, string?, string> Mismatches => new()
    {
        { "test-key-ed25519.pub.jwk.json", "ecdsa-p256-sha256", "does not fit" },
        { "test-key-ed25519.pub.jwk.json", "ES256", "does not fit" },
        { "test-key-ed25519.pub.jwk.json", "hmac-sha256", "does not fit" },
        { "test-key-ecc-p256.pub.jwk.json", "ed25519", "does not fit" },
        { "test-key-ecc-p256.pub.jwk.json", "ecdsa-p384-sha384", "does not fit" },
        { "test-key-ecc-p256.pub.jwk.json", "ES384", "does not fit" },
        { "test-key-ecc-p256.pub.jwk.json", "HS256", "does not fit" },
        { "test-key-rsa-pss.pub.jwk.json", "ed25519", "not an RSA" },
        { "test-key-rsa-pss.pub.jwk.json", "hmac-sha256", "not an RSA" },
        { "test-key-rsa-pss.pub.jwk.json", "HS256", "not an RSA" },
        { "test-key-rsa-pss.pub.jwk.json", "none", "not an RSA" },
        { "test-shared-secret.jwk.json", "ed25519", "does not fit" },
        { "test-shared-secret.jwk.json", "RS256", "does not fit" },
        { "test-shared-secret.jwk.json", "HS512", "does not fit" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Alg_and_kty_mismatches_are_rejected(string file, string? algorithm, string reason)
    {
        var jwk = Rfc9421TestKeysTests.ReadJwk(file);
        Assert.False(SignatureKey.TryCreate(jwk, algorithm, out var key, out var error));
        Assert.Null(key);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Rsa_jwk_alg_and_requested_algorithm_must_agree()
    {
        Assert.True(Jwk.TryParse("""{"kty":"RSA","alg":"PS512","n":"r4tmm3r20Wd_PbqvP1s2-QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct-Lh1GH45x28Rw3Ry53mm-oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHqgDsznjPFmTOtCEcN2Z1FpWgchwuYLPL-Wokqltd11nqqzi-bJ9cvSKADYdUAAN5WUtzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4aOT9v6d-nb4bnNkQVklLQ3fVAvJm-xdDOp9LCNCN48V2pnDOkFV6-U9nV5oyc6XI2w","e":"AQAB"}""", out var jwk, out var parseError), parseError);
        Assert.True(SignatureKey.TryCreate(jwk!, out var key, out _));
        Assert.Equal(HttpSignatureAlgorithms.RsaPssSha512, key!.Algorithm);
        Assert.False(SignatureKey.TryCreate(jwk!, HttpSignatureAlgorithms.RsaV15Sha256, out _, out var error));
        Assert.Contains("contradicts", error);
        Assert.False(SignatureKey.TryCreate(jwk!, "PS256", out _, out error));
        Assert.Contains("contradicts", error);
    }

    [Fact]
    public void Small_rsa_keys_and_short_hmac_secrets_are_refused()
    {
        using var small = RSA.Create(1024);
        Assert.Throws<ArgumentException>(() => SignatureKey.FromRsa(small, HttpSignatureAlgorithms.RsaPssSha512));
        Assert.Throws<ArgumentException>(() => SignatureKey.CreateHmacSha256(new byte[31]));
        using var ok = SignatureKey.CreateHmacSha256(new byte[32]);
        Assert.Equal(HttpSignatureAlgorithms.HmacSha256, ok.Algorithm);
        Assert.True(Jwk.TryParse("""{"kty":"oct","k":"AQAB"}""", out var shortOct, out _));
        Assert.False(SignatureKey.TryCreate(shortOct!, out _, out var error));
        Assert.Contains("32 bytes", error);
    }

    [Fact]
    public void From_ecdsa_and_from_rsa_copy_the_key()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fromEcdsa = SignatureKey.FromEcdsa(ecdsa, "ec");
        ecdsa.Dispose();
        var signature = new byte[64];
        Assert.True(fromEcdsa.TrySign("d"u8, signature, out _));
        Assert.True(fromEcdsa.Verify("d"u8, signature));

        using var publicOnly = ECDsa.Create();
        using var source = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        publicOnly.ImportSubjectPublicKeyInfo(source.ExportSubjectPublicKeyInfo(), out _);
        using var verifyOnly = SignatureKey.FromEcdsa(publicOnly);
        Assert.False(verifyOnly.CanSign);
        Assert.Equal(HttpSignatureAlgorithms.EcdsaP384Sha384, verifyOnly.Algorithm);

        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        Assert.Throws<ArgumentException>(() => SignatureKey.FromEcdsa(p521));
        using var rsa = RSA.Create(2048);
        Assert.Throws<ArgumentException>(() => SignatureKey.FromRsa(rsa, HttpSignatureAlgorithms.Ed25519));
    }

    [Fact]
    public void Rfc8037_A4_eddsa_jws_verifies_with_VerifyJose()
    {
        const string jws = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
        Assert.True(Jwk.TryParse("""{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""", out var jwk, out _));
        var lastDot = jws.LastIndexOf('.');
        var signingInput = Encoding.ASCII.GetBytes(jws[..lastDot]);
        var signature = Base64Url.DecodeFromChars(jws.AsSpan(lastDot + 1));
        {
            using var key = JwkKeyReader.Create(jwk!, null, out var error);
            Assert.NotNull(key);
            Assert.True(key.VerifyJose("EdDSA", signingInput, signature));
            Assert.True(key.VerifyJose("Ed25519", signingInput, signature));
            Assert.False(key.VerifyJose("ES256", signingInput, signature));

            // Deterministic: signing the same input reproduces the RFC's signature.
            var again = new byte[64];
            Assert.True(key.TrySignJose("EdDSA", signingInput, again, out _));
            Assert.Equal(signature, again);
        }
    }

    [Fact]
    public void Rfc9449_dpop_proofs_verify_with_ES256()
    {
        using var pop = ConformanceFiles.ReadJson("pop/pop-vectors.json");
        foreach (var proof in pop.RootElement.GetProperty("rfc9449_proofs").EnumerateArray())
        {
            var token = proof.GetProperty("dpop_header").GetString()!;
            Assert.True(Jwk.TryParse(proof.GetProperty("header").GetProperty("jwk"), out var jwk, out _));
            Assert.True(SignatureKey.TryCreate(jwk!, out var key, out var error), error);
            using (key)
            {
                var lastDot = token.LastIndexOf('.');
                var input = Encoding.ASCII.GetBytes(token[..lastDot]);
                var signature = Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1));
                Assert.True(key!.VerifyJose("ES256", input, signature));
                Assert.False(key.VerifyJose("ES384", input, signature));
                Assert.Equal(proof.GetProperty("expected_jkt").GetString(), key.Thumbprint);
                input[^1] ^= 1;
                Assert.False(key.VerifyJose("ES256", input, signature));
            }
        }
    }

    [Fact]
    public void Rfc9421_signature_vectors_verify_at_the_crypto_level()
    {
        using var vectors = ConformanceFiles.ReadJson("rfc9421/vectors.json");
        var checkedCount = 0;
        foreach (var vector in vectors.RootElement.EnumerateArray())
        {
            if (!vector.GetProperty("expect_valid").GetBoolean())
            {
                continue;
            }
            // The RFC prints most bases; where it does not, the file carries a derived one.
            if (!vector.TryGetProperty("expected_signature_base", out var baseElement) || baseElement.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                Assert.True(vector.TryGetProperty("derived_signature_base", out baseElement), vector.GetProperty("id").GetString());
            }
            var keyId = vector.GetProperty("key_id").GetString()!;
            var alg = vector.GetProperty("alg").GetString()!;
            var signatureField = vector.GetProperty("signature").GetString()!;
            var start = signatureField.IndexOf('=', StringComparison.Ordinal) + 2;
            var signature = Convert.FromBase64String(signatureField[start..signatureField.LastIndexOf(':')]);
            var data = Encoding.UTF8.GetBytes(baseElement.GetString()!);

            using var key = Rfc9421TestKeysTests.ReadKey(keyId + ".jwk.json", alg.StartsWith("rsa", StringComparison.Ordinal) ? alg : null);
            Assert.Equal(alg, key.Algorithm);
            Assert.True(key.Verify(data, signature), vector.GetProperty("id").GetString());
            if (vector.GetProperty("deterministic").GetBoolean())
            {
                var again = new byte[key.SignatureSize];
                Assert.True(key.TrySign(data, again, out var written));
                Assert.Equal(signature, again[..written]);
            }
            data[^1] ^= 1;
            Assert.False(key.Verify(data, signature));
            checkedCount++;
        }
        Assert.True(checkedCount >= 15, "expected most RFC 9421 vectors to carry a signature base, got " + checkedCount);
    }

    [Fact]
    public void A_generated_Ed25519_key_signs_for_a_verify_only_key_made_from_its_public_key()
    {
        using var signer = (Ed25519SignatureKey)SignatureKey.GenerateEd25519();
        using var verifier = (Ed25519SignatureKey)SignatureKey.CreateEd25519(signer.PublicKey);
        Assert.False(verifier.CanSign);
        var signature = new byte[64];
        Assert.True(signer.TrySign("m"u8, signature, out _));
        Assert.True(verifier.Verify("m"u8, signature));
        Assert.False(verifier.Verify("n"u8, signature));
        // The signing key lives in NSec's key handle: after Dispose it can no longer sign.
        signer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => signer.TrySign("m"u8, signature, out _));
    }

    [Fact]
    public void Ed25519_factory_validates_its_inputs()
    {
        Assert.Throws<ArgumentException>(() => SignatureKey.CreateEd25519(new byte[31]));
        Assert.Throws<ArgumentException>(() => SignatureKey.CreateEd25519(Ed25519TestData.Hex(Ed25519TestData.SmallOrderPoints[4])));
        var vector = Ed25519TestData.Rfc8032Vectors[0];
        Assert.Throws<ArgumentException>(() => SignatureKey.CreateEd25519(Ed25519TestData.Hex(vector.PublicKey), Ed25519TestData.Hex(Ed25519TestData.Rfc8032Vectors[1].Seed)));
        using var key = SignatureKey.CreateEd25519(Ed25519TestData.Hex(vector.PublicKey), Ed25519TestData.Hex(vector.Seed), "rfc8032-1");
        Assert.True(key.CanSign);
        Assert.Equal("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", key.Thumbprint);
    }

    [Fact]
    public void Concurrent_verification_is_safe()
    {
        using var keys = new DisposableList(
            SignatureKey.GenerateEd25519(), SignatureKey.GenerateEcdsaP256(), SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaPssSha512, 2048), SignatureKey.GenerateHmacSha256());
        foreach (var key in keys.Items)
        {
            var data = "concurrent"u8.ToArray();
            var signature = new byte[key.SignatureSize];
            Assert.True(key.TrySign(data, signature, out _));
            var results = new bool[64];
            Parallel.For(0, results.Length, i => results[i] = key.Verify(data, signature) && !key.Verify(data, new byte[key.SignatureSize]));
            Assert.All(results, Assert.True);
        }
    }

    private static void AssertSupported(SignatureKey key, string[] all, params string[] supported)
    {
        foreach (var alg in all)
        {
            Assert.Equal(supported.Contains(alg), key.SupportsJoseAlgorithm(alg));
        }
    }

    private sealed class DisposableList(params SignatureKey[] items) : IDisposable
    {
        public SignatureKey[] Items { get; } = items;

        public void Dispose()
        {
            foreach (var item in Items)
            {
                item.Dispose();
            }
        }
    }
}
