using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

/// <summary>Properly signed tokens with hostile or odd headers and claims: rejected (or accepted) without exceptions.</summary>
public sealed class HostileTokenTests
{
    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private readonly SignatureKey _ed = SignatureKey.GenerateEd25519("ed-1");

    private AgentTokenValidator Validator() =>
        TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(_ed, null))), _time);

    [Theory]
    [InlineData("iss", "42")]
    [InlineData("iss", "[\"https://issuer.example\"]")]
    [InlineData("exp", "\"soon\"")]
    [InlineData("exp", "1e400")]
    [InlineData("exp", "-1")]
    [InlineData("exp", "{\"a\":1}")]
    [InlineData("nbf", "\"now\"")]
    [InlineData("iat", "[1]")]
    [InlineData("aud", "{\"x\":1}")]
    [InlineData("aud", "[1,2]")]
    [InlineData("aud", "[]")]
    [InlineData("cnf", "[[[[]]]]")]
    [InlineData("cnf", "null")]
    public async Task Odd_claims_are_rejected_without_exceptions(string claim, string json)
    {
        var claims = TestTokens.Claims();
        claims[claim] = JsonNode.Parse(json);

        var outcome = await Validator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default);

        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
    }

    [Fact]
    public async Task Far_future_exp_is_handled()
    {
        var claims = TestTokens.Claims();
        claims["exp"] = 99_999_999_999_999L;

        var outcome = await Validator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
    }

    [Theory]
    [InlineData("{\"alg\":5,\"kid\":\"ed-1\"}")]
    [InlineData("{\"alg\":\"EdDSA\",\"kid\":5}")]
    [InlineData("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"typ\":[1]}")]
    [InlineData("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\",\"crit\":[\"exp\"]}")]
    [InlineData("[]")]
    public async Task Odd_headers_are_rejected_without_exceptions(string header)
    {
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(TestTokens.Claims().ToJsonString());
        var signature = new byte[64];
        Assert.True(_ed.TrySignJose("EdDSA", System.Text.Encoding.ASCII.GetBytes(signingInput), signature, out _));

        var outcome = await Validator().ValidateAsync(signingInput + "." + Base64UrlEncoder.Encode(signature), default);

        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
    }
}
