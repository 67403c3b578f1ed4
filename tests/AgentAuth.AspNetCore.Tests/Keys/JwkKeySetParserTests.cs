using System.Text;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore.Tests.Keys;

public sealed class JwkKeySetParserTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Issuer_RSA_key_without_alg_serves_both_padding_families()
    {
        using var rsa = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaV15Sha256, 2048, "rsa");
        var jwks = TestTokens.Jwks(TestTokens.PublicJwk(rsa, null));

        Assert.True(IssuerKeySetParser.Instance.TryParse(Utf8(jwks), 10, out var set, out var error), error);
        Assert.True(set.TryFind("rsa", false, out var key));
        Assert.NotNull(key.ForAlgorithm("RS256"));
        Assert.NotNull(key.ForAlgorithm("PS256"));
        Assert.Null(key.ForAlgorithm("ES256"));
        Assert.Equal(rsa.Thumbprint, key.Thumbprint);
    }

    [Fact]
    public void Secret_keys_are_refused_from_remote_and_issuer_sets_but_allowed_in_static_agent_keys()
    {
        var jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI\"}]}";

        Assert.False(IssuerKeySetParser.Instance.TryParse(Utf8(jwks), 10, out _, out _));
        Assert.False(AgentKeySetParsers.Remote.TryParse(Utf8(jwks), 10, out _, out _));
        Assert.True(AgentKeySetParsers.Static.TryParse(Utf8(jwks), 10, out var set, out var error), error);
        Assert.True(set.TryFind("s", false, out var key));
        Assert.Equal(HttpSignatureAlgorithms.HmacSha256, key.Algorithm);
    }

    [Theory]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}")]
    [InlineData("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e\",\"use\":\"enc\",\"x\":\"18wHLeIgW9wVN6VD1Txgpqy2LszYkMf6J8njVAibvhM\",\"y\":\"-V4dS4UaLMgP_4fY4j8ir7cl1TXlFdAgcx55o7TkcSA\"}]}")]
    [InlineData("{\"keys\":{}}")]
    [InlineData("[]")]
    public void A_set_without_any_usable_signature_key_is_refused(string jwks)
    {
        Assert.False(AgentKeySetParsers.Remote.TryParse(Utf8(jwks), 10, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Unusable_entries_are_skipped_and_the_rest_kept()
    {
        var good = SignatureKey.GenerateEd25519("good");
        var jwks = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
            + TestTokens.PublicJwk(good, null).ToJsonString() + "]}";

        Assert.True(AgentKeySetParsers.Remote.TryParse(Utf8(jwks), 10, out var set, out _));
        Assert.Equal(1, set.Count);
        Assert.True(set.TryFind("good", false, out _));
    }

    [Fact]
    public void Duplicate_kid_keeps_the_first_key()
    {
        var first = SignatureKey.GenerateEd25519("dup");
        var second = SignatureKey.GenerateEd25519("dup");
        var jwks = TestTokens.Jwks(TestTokens.PublicJwk(first, null), TestTokens.PublicJwk(second, null));

        Assert.True(AgentKeySetParsers.Remote.TryParse(Utf8(jwks), 10, out var set, out _));
        Assert.True(set.TryFind("dup", false, out var key));
        Assert.Equal(first.Thumbprint, key.Thumbprint);
        Assert.True(set.TryFind(second.Thumbprint, true, out var byThumbprint));
        Assert.Equal(second.Thumbprint, byThumbprint.Thumbprint);
    }

    [Fact]
    public void Too_many_keys_are_refused()
    {
        var keys = Enumerable.Range(0, 4).Select(i => TestTokens.PublicJwk(SignatureKey.GenerateEd25519("k" + i), null)).ToArray();

        Assert.False(AgentKeySetParsers.Remote.TryParse(Utf8(TestTokens.Jwks(keys)), 3, out _, out var error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_keys_in_a_set_are_never_loaded()
    {
        var key = SignatureKey.GenerateEd25519("p");
        var jwk = TestTokens.PublicJwk(key, null);
        jwk["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
        var other = TestTokens.PublicJwk(SignatureKey.GenerateEd25519("q"), null);

        Assert.True(IssuerKeySetParser.Instance.TryParse(Utf8(TestTokens.Jwks(jwk, other)), 10, out var set, out _));
        Assert.False(set.TryFind("p", false, out _));
        Assert.True(set.TryFind("q", false, out _));
    }
}
