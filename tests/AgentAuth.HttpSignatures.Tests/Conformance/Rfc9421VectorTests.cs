using System.Security.Cryptography;
using System.Text;
using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Digests;
using AgentAuth.HttpSignatures.Tests.Signatures;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Conformance;

/// <summary>
/// All 20 RFC 9421 vectors through the public verifier (Ed25519 ones through NSec), the must-fail cases failing
/// for the documented reason, and deterministic algorithms re-signing to the published bytes.
/// </summary>
public sealed class Rfc9421VectorTests
{
    public static IEnumerable<object[]> Rows()
    {
        if (!ConformanceData.Available)
        {
            yield return ["missing", "n/a"];
            yield break;
        }
        foreach (var vector in ConformanceData.Vectors)
        {
            var id = vector.String("id")!;
            yield return [id, vector.String("alg") == HttpSignatureAlgorithms.Ed25519 ? "NSec" : "n/a"];
        }
    }

    public static IEnumerable<object[]> DeterministicRows() =>
        Rows().Where(r => r[0] is "missing"
            || (ConformanceData.Vector((string)r[0]).GetProperty("deterministic").GetBoolean()
                && ConformanceData.Vector((string)r[0]).GetProperty("expect_valid").GetBoolean()));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Vector_verifies_or_fails_as_published(string id, string backend)
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector(id);
        var message = ConformanceData.Message(vector);
        var key = LoadKey(vector, withPrivate: false, backend);
        var created = long.Parse(System.Text.RegularExpressions.Regex.Match(vector.String("signature_input")!, "created=(\\d+)").Groups[1].Value);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(created + 10));
        var options = new HttpSignatureVerifierOptions { AllowHmac = key.Algorithm == HttpSignatureAlgorithms.HmacSha256 };
        var verifier = new HttpMessageSignatureVerifier(options, clock);
        var result = await verifier.VerifyAsync(message, SignatureSelection.ByLabel(vector.String("label")!),
            new TestKeyResolver((vector.String("key_id")!, key)));

        if (vector.GetProperty("expect_valid").GetBoolean())
        {
            Assert.True(result.Succeeded, result.ToString());
            Assert.Equal(vector.String("label"), result.Label);
            Assert.Equal(vector.String("key_id"), result.KeyId);
            Assert.Equal(vector.String("alg"), result.Algorithm);
            Assert.Same(key, result.Key);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(created), result.Created);
        }
        else
        {
            Assert.False(result.Succeeded);
            Assert.Equal(SignatureError.InvalidSignature, result.Error);
            Assert.Null(result.ComponentError);
            Assert.Equal("The signature does not verify.", result.Reason);
        }

        if (id == "rfc9421-B.2.4-published-digest" || id == "rfc9421-B.2.4")
        {
            // The published response digest is not the digest of its body: Content-Digest verification must fail there.
            Assert.True(message.TryGetFieldLines("content-digest", false, out var digest));
            var expected = id == "rfc9421-B.2.4" ? ContentDigestVerificationResult.Valid : ContentDigestVerificationResult.Mismatch;
            Assert.Equal(expected, ContentDigest.Verify(digest[0].Trim(), message.Body));
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Vector_fails_after_the_clock_passes_the_window(string id, string backend)
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector(id);
        var key = LoadKey(vector, withPrivate: false, backend);
        var verifier = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions { AllowHmac = true }, TimeProvider.System);
        var result = await verifier.VerifyAsync(ConformanceData.Message(vector), SignatureSelection.ByLabel(vector.String("label")!),
            new TestKeyResolver((vector.String("key_id")!, key)));
        Assert.Equal(SignatureError.Expired, result.Error);
        Assert.Equal("invalid_signature", result.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(DeterministicRows))]
    public void Deterministic_algorithm_resigns_to_the_published_bytes(string id, string backend)
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector(id);
        var signatureBase = vector.String("expected_signature_base") ?? vector.String("derived_signature_base");
        var published = PublishedSignature(vector);
        if (vector.String("key_id") == "test-key-rsa")
        {
            // test-key-rsa has primes of unequal length (136 and 120 bytes), which RSAParameters cannot hold;
            // RSASSA-PKCS1-v1_5 is deterministic, so compute s = EM^d mod n directly (RFC 8017 §8.2.1).
            Assert.Equal(Convert.ToBase64String(published), Convert.ToBase64String(RsaPkcs1Sha256Raw(Encoding.ASCII.GetBytes(signatureBase!))));
            return;
        }
        var key = LoadKey(vector, withPrivate: true, backend);
        var signature = new byte[key.SignatureSize];
        Assert.True(key.TrySign(Encoding.ASCII.GetBytes(signatureBase!), signature, out var written));
        Assert.Equal(Convert.ToBase64String(published), Convert.ToBase64String(signature.AsSpan(0, written)));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Flipping_one_signature_byte_fails(string id, string backend)
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector(id);
        if (!vector.GetProperty("expect_valid").GetBoolean())
        {
            return;
        }
        var text = vector.String("message")!;
        var published = Convert.ToBase64String(PublishedSignature(vector));
        var bytes = PublishedSignature(vector);
        bytes[bytes.Length / 2] ^= 0x01;
        var tampered = text.Replace(published, Convert.ToBase64String(bytes), StringComparison.Ordinal);
        Assert.NotEqual(text, tampered);
        RawHttpMessage? related = null;
        if (vector.String("related_request") is { } r)
        {
            Assert.True(RawHttpMessage.TryParse(r, "https", null, out related));
        }
        Assert.True(RawHttpMessage.TryParse(tampered, "https", related, out var message));
        var key = LoadKey(vector, withPrivate: false, backend);
        var created = long.Parse(System.Text.RegularExpressions.Regex.Match(vector.String("signature_input")!, "created=(\\d+)").Groups[1].Value);
        var verifier = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions { AllowHmac = true }, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(created)));
        var result = await verifier.VerifyAsync(message!, SignatureSelection.ByLabel(vector.String("label")!),
            new TestKeyResolver((vector.String("key_id")!, key)));
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
    }

    private static byte[] RsaPkcs1Sha256Raw(byte[] data)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(ConformanceData.KeyPath("test-key-rsa.jwk.json")));
        static System.Numerics.BigInteger Big(string b64url) =>
            new(Base64UrlDecode(b64url), isUnsigned: true, isBigEndian: true);
        var n = Big(doc.RootElement.GetProperty("n").GetString()!);
        var d = Big(doc.RootElement.GetProperty("d").GetString()!);
        var k = 256;
        var digestInfo = Convert.FromHexString("3031300d060960864801650304020105000420");
        var hash = SHA256.HashData(data);
        var em = new byte[k];
        em[1] = 0x01;
        var tLength = digestInfo.Length + hash.Length;
        em.AsSpan(2, k - tLength - 3).Fill(0xFF);
        digestInfo.CopyTo(em, k - tLength);
        hash.CopyTo(em, k - hash.Length);
        var s = System.Numerics.BigInteger.ModPow(new System.Numerics.BigInteger(em, isUnsigned: true, isBigEndian: true), d, n);
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[k];
        bytes.CopyTo(result, k - bytes.Length);
        return result;
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private static byte[] PublishedSignature(System.Text.Json.JsonElement vector)
    {
        var member = vector.String("signature")!;
        var label = vector.String("label")!;
        var start = member.IndexOf(label + "=:", StringComparison.Ordinal) + label.Length + 2;
        var end = member.IndexOf(':', start);
        return Convert.FromBase64String(member[start..end]);
    }

    private static SignatureKey LoadKey(System.Text.Json.JsonElement vector, bool withPrivate, string backend)
    {
        Assert.True(backend is "NSec" or "n/a", backend);
        return TestKeys.Load(vector.String("key_id")!, vector.String("alg")!, withPrivate);
    }
}

/// <summary>
/// RFC 9421 §4.3: the origin receives the client's signature and the proxy's; the proxy changed the authority, so only
/// proxy_sig verifies there, and verify-all reports each signature separately.
/// </summary>
public sealed class Rfc9421MultipleSignatureTests
{
    [Fact]
    public async Task Both_signatures_of_section_4_3_verify_with_verify_all()
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector("rfc9421-4.3-proxy_sig");
        var resolver = new TestKeyResolver(
            ("test-key-ecc-p256", TestKeys.Load("test-key-ecc-p256", HttpSignatureAlgorithms.EcdsaP256Sha256, withPrivate: false)),
            ("test-key-rsa", TestKeys.Load("test-key-rsa", HttpSignatureAlgorithms.RsaV15Sha256, withPrivate: false)));
        var verifier = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions(), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1618884480)));
        var results = await verifier.VerifyAllAsync(ConformanceData.Message(vector), resolver);
        Assert.Equal(["sig1", "proxy_sig"], results.Select(r => r.Label));
        Assert.Equal(SignatureError.InvalidSignature, results[0].Error);
        Assert.True(results[1].Succeeded, results[1].ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1618884540), results[1].Expires);

        // Past proxy_sig's expires plus the 60 s skew it is expired.
        var later = new HttpMessageSignatureVerifier(new HttpSignatureVerifierOptions(), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1618884601)));
        var afterExpiry = await later.VerifyAllAsync(ConformanceData.Message(vector), resolver);
        Assert.Equal(SignatureError.Expired, afterExpiry[1].Error);
    }
}
