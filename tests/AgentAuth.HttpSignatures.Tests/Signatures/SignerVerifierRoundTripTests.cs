using AgentAuth.HttpSignatures.Cryptography;
using AgentAuth.HttpSignatures.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.HttpSignatures.Tests.Signatures;

/// <summary>Signer → verifier for every algorithm, and every kind of tampering rejected.</summary>
public sealed class SignerVerifierRoundTripTests
{
    private const long Now = 1_750_000_000;

    private const string Request =
        "POST /orders/42?expand=items&page=2 HTTP/1.1\n" +
        "Host: API.Example.com:443\n" +
        "Content-Type: application/json\n" +
        "Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n" +
        "Content-Length: 18\n" +
        "Example-Dict: a=1,  b=2;x=1\n" +
        "Signature-Key: sig1=(\"jwt\";v=\"a\")\n" +
        "\n" +
        "{\"hello\": \"world\"}";

    private static readonly SignatureComponent[] s_components =
    [
        SignatureComponent.Method,
        SignatureComponent.Authority,
        SignatureComponent.Path,
        SignatureComponent.Query,
        SignatureComponent.QueryParam("page"),
        SignatureComponent.TargetUri,
        SignatureComponent.Field("content-type"),
        SignatureComponent.Field("content-digest").WithStructuredField(),
        SignatureComponent.DictionaryMember("example-dict", "b"),
        SignatureComponent.Field("signature-key").WithStructuredField(),
    ];

    public static IEnumerable<object[]> Algorithms() =>
    [
        [HttpSignatureAlgorithms.Ed25519],
        [HttpSignatureAlgorithms.EcdsaP256Sha256],
        [HttpSignatureAlgorithms.EcdsaP384Sha384],
        [HttpSignatureAlgorithms.RsaPssSha512],
        [HttpSignatureAlgorithms.RsaV15Sha256],
        [HttpSignatureAlgorithms.HmacSha256],
    ];

    internal static SignatureKey Generate(string algorithm)
    {
        switch (algorithm)
        {
            case HttpSignatureAlgorithms.Ed25519:
                var seed = new byte[32];
                System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
                var publicKey = new byte[32];
                Ed25519SignatureKey.DerivePublicKey(seed, publicKey);
                return Ed25519SignatureKey.Create(publicKey, seed, "k1", null, out _)!;
            case HttpSignatureAlgorithms.EcdsaP256Sha256:
                return SignatureKey.GenerateEcdsaP256("k1");
            case HttpSignatureAlgorithms.EcdsaP384Sha384:
                return SignatureKey.GenerateEcdsaP384("k1");
            case HttpSignatureAlgorithms.HmacSha256:
                return SignatureKey.GenerateHmacSha256("k1");
            default:
                return SignatureKey.GenerateRsa(algorithm, 2048, "k1");
        }
    }

    private static RawHttpMessage Parse(string text)
    {
        Assert.True(RawHttpMessage.TryParse(text, "https", null, out var message));
        return message!;
    }

    private static string Signed(string text, HttpSignatureHeaders headers) =>
        text.Replace("\n\n", "\nSignature-Input: " + headers.SignatureInput + "\nSignature: " + headers.Signature + "\n\n", StringComparison.Ordinal);

    private static HttpMessageSignatureVerifier Verifier(bool allowHmac = true) =>
        new(new HttpSignatureVerifierOptions { AllowHmac = allowHmac, StructuredFields = { ["example-dict"] = StructuredFieldType.Dictionary } },
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)));

    private static HttpSignatureHeaders Sign(string text, SignatureKey key, SignatureParameters? parameters = null) =>
        new HttpMessageSigner(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now)), [new("example-dict", StructuredFieldType.Dictionary)])
            .Sign(Parse(text), "sig1", s_components, parameters ?? new SignatureParameters { Nonce = "n-1", Tag = "app", IncludeAlgorithm = true }, key);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Signed_request_verifies(string algorithm)
    {
        var key = Generate(algorithm);
        var headers = Sign(Request, key);
        Assert.StartsWith("sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"@query-param\";name=\"page\" \"@target-uri\" \"content-type\" \"content-digest\";sf \"example-dict\";key=\"b\" \"signature-key\";sf);created=1750000000;keyid=\"k1\";alg=\"" + key.Algorithm + "\";nonce=\"n-1\";tag=\"app\"", headers.SignatureInput, StringComparison.Ordinal);
        var result = await Verifier().VerifyAsync(Parse(Signed(Request, headers)), SignatureSelection.ByTag("app"), new TestKeyResolver(("k1", key)));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("sig1", result.Label);
        Assert.Equal(s_components, result.Components);
        Assert.Equal("n-1", result.Nonce);
        Assert.Equal("app", result.Tag);
        Assert.Equal(key.Algorithm, result.Algorithm);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now), result.Created);
    }

    public static IEnumerable<object[]> Tamperings() =>
    [
        ["method", "POST /orders", "PUT /orders"],
        ["authority", "Host: API.Example.com:443", "Host: api.example.org"],
        ["path", "/orders/42?", "/orders/43?"],
        ["query", "page=2 HTTP", "page=2&x=1 HTTP"],
        ["query-param", "page=2", "page=3"],
        ["content-type", "application/json", "text/plain"],
        ["content-digest", "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", "Y48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="],
        ["dictionary member", "b=2;x=1", "b=3;x=1"],
        ["sf field", "v=\"a\")", "v=\"b\")"],
        ["created", ";created=1750000000", ";created=1750000001"],
        ["keyid", "keyid=\"k1\"", "keyid=\"k2\""],
        ["nonce", "nonce=\"n-1\"", "nonce=\"n-2\""],
        ["tag", "tag=\"app\"", "tag=\"apq\""],
        ["component order", "\"@method\" \"@authority\"", "\"@authority\" \"@method\""],
        ["label", "sig1=", "sig2="],
    ];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Tampering_with_a_covered_part_fails(string what, string from, string to)
    {
        var key = Generate(HttpSignatureAlgorithms.Ed25519);
        var text = Signed(Request, Sign(Request, key));
        var tampered = ReplaceFirst(text, from, to);
        Assert.NotEqual(text, tampered);
        var resolver = new TestKeyResolver(("k1", key), ("k2", key));
        var result = await Verifier().VerifyAsync(Parse(tampered), SignatureSelection.OnlySignature, resolver);
        Assert.False(result.Succeeded, what);
        Assert.Equal(SignatureError.InvalidSignature, result.Error);
    }

    [Fact]
    public async Task Uncovered_changes_do_not_break_the_signature()
    {
        var key = Generate(HttpSignatureAlgorithms.EcdsaP256Sha256);
        var text = Signed(Request, Sign(Request, key));
        var changed = text.Replace("Content-Length: 18", "Content-Length: 18\nX-Extra: 1", StringComparison.Ordinal)
            .Replace("a=1,  b=2", "a=9,  b=2", StringComparison.Ordinal);
        var result = await Verifier().VerifyAsync(Parse(changed), SignatureSelection.ByLabel("sig1"), new TestKeyResolver(("k1", key)));
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Second_signature_appends_and_both_verify()
    {
        var first = Generate(HttpSignatureAlgorithms.Ed25519);
        var second = SignatureKey.GenerateEcdsaP256("k2");
        var h1 = Sign(Request, first);
        var signedOnce = Signed(Request, h1);
        var h2 = new HttpMessageSigner(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Now))).Sign(Parse(signedOnce), "proxy",
            [SignatureComponent.Method, SignatureComponent.DictionaryMember("signature", "sig1"), SignatureComponent.DictionaryMember("signature-input", "sig1")],
            new SignatureParameters(), second);
        var input = h2.AppendSignatureInputTo(h1.SignatureInput);
        var signature = h2.AppendSignatureTo(h1.Signature);
        Assert.Equal(h1.SignatureInput + ", " + h2.SignatureInput, input);
        var text = Request.Replace("\n\n", "\nSignature-Input: " + input + "\nSignature: " + signature + "\n\n", StringComparison.Ordinal);
        var results = await Verifier().VerifyAllAsync(Parse(text), new TestKeyResolver(("k1", first), ("k2", second)));
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(["sig1", "proxy"], results.Select(r => r.Label));

        var single = await Verifier().VerifyAsync(Parse(text), SignatureSelection.OnlySignature, new TestKeyResolver(("k1", first), ("k2", second)));
        Assert.Equal(SignatureError.InvalidSignature, single.Error);
        Assert.Contains("Several signatures", single.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Signer_reproduces_rfc9421_b26_exactly()
    {
        ConformancePrerequisite.EnsureAvailable();
        var vector = ConformanceData.Vector("rfc9421-B.2.6");
        {
            var key = TestKeys.Load("test-key-ed25519", HttpSignatureAlgorithms.Ed25519, withPrivate: true);
            var headers = new HttpMessageSigner().Sign(ConformanceData.Message(vector), "sig-b26",
                [SignatureComponent.Field("date"), SignatureComponent.Method, SignatureComponent.Path, SignatureComponent.Authority,
                 SignatureComponent.Field("content-type"), SignatureComponent.Field("content-length")],
                new SignatureParameters { Created = DateTimeOffset.FromUnixTimeSeconds(1618884473), KeyId = "test-key-ed25519" }, key);
            Assert.Equal(vector.String("signature_input"), headers.SignatureInput);
            Assert.Equal(vector.String("signature"), headers.Signature);
        }
    }

    private static string ReplaceFirst(string text, string from, string to)
    {
        var index = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(index >= 0, from);
        return string.Concat(text.AsSpan(0, index), to, text.AsSpan(index + from.Length));
    }
}
