using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentAuth.AspNetCore.Tests.Tokens;

public sealed class AgentTokenValidatorTests
{
    private readonly FakeTimeProvider _time = new(TestTokens.Now);
    private readonly SignatureKey _ed = SignatureKey.GenerateEd25519("ed-1");

    private AgentTokenValidator EdValidator(Action<TokenIssuerOptions>? configure = null, Action<AgentAuthOptions>? options = null)
    {
        var o = TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(_ed, alg: null)), configure);
        options?.Invoke(o);
        return TestTokens.Validator(o, _time);
    }

    private static void AssertInvalid(TokenValidationOutcome outcome, string expectedFragment)
    {
        Assert.False(outcome.Succeeded);
        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
        Assert.Contains(expectedFragment, outcome.FailureDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EdDSA")]
    [InlineData("Ed25519")]
    public async Task Ed25519_token_validates_under_both_algorithm_names(string alg)
    {
        var validator = EdValidator();

        var outcome = await validator.ValidateAsync(TestTokens.Mint(_ed, alg), default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
        Assert.Equal("agent-1", outcome.Token!.Subject);
        Assert.Equal(TestTokens.Issuer, outcome.Issuer!.Issuer);
        Assert.Null(outcome.Confirmation);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(TestTokens.NowSeconds + 300), outcome.Expires);
    }

    [Fact]
    public async Task Claims_are_not_mapped_to_legacy_claim_types()
    {
        var outcome = await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA"), default);

        Assert.True(outcome.Succeeded);
        Assert.Contains(outcome.Token!.Claims, c => c.Type == "sub");
        Assert.DoesNotContain(outcome.Token.Claims, c => c.Type == ClaimTypes.NameIdentifier);
    }

    [Fact]
    public async Task Rfc8037_a4_style_strict_issuer_rejects_EdDSA_but_accepts_Ed25519()
    {
        var validator = EdValidator(i => i.ValidAlgorithms.Add("Ed25519"));

        AssertInvalid(await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA"), default), "algorithm is not accepted");
        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_ed, "Ed25519"), default)).Succeeded);
    }

    [Fact]
    public async Task ES256_token_minted_by_IdentityModel_validates()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = SignatureKey.FromEcdsa(ecdsa, "ec-1");
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = "ec-1" }, "ES256")));
        var validator = TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(publicKey, "ES256"))), _time);

        var outcome = await validator.ValidateAsync(token, default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
    }

    [Theory]
    [InlineData("RS256", true)]
    [InlineData("RS256", false)]
    [InlineData("PS256", false)]
    public async Task RSA_token_minted_by_IdentityModel_validates(string alg, bool jwkHasAlg)
    {
        using var rsa = RSA.Create(2048);
        using var publicKey = SignatureKey.FromRsa(rsa, HttpSignatureAlgorithms.RsaV15Sha256, "rsa-1");
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "rsa-1" }, alg)));
        var validator = TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(publicKey, jwkHasAlg ? alg : null))), _time);

        var outcome = await validator.ValidateAsync(token, default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
    }

    [Fact]
    public async Task RSA_key_declared_RS256_does_not_verify_PS256()
    {
        var key = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaPssSha512, 2048, "rsa-2");
        var validator = TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(key, "RS256"))), _time);

        AssertInvalid(await validator.ValidateAsync(TestTokens.Mint(key, "PS256"), default), "does not fit its algorithm");
    }

    private static SecurityTokenDescriptor Descriptor(SigningCredentials credentials) => new()
    {
        Issuer = TestTokens.Issuer,
        Audience = TestTokens.Audience,
        IssuedAt = TestTokens.Now.UtcDateTime,
        NotBefore = TestTokens.Now.UtcDateTime,
        Expires = TestTokens.Now.AddMinutes(5).UtcDateTime,
        Subject = new ClaimsIdentity([new Claim("sub", "agent-1")]),
        SigningCredentials = credentials,
    };

    [Fact]
    public async Task Wrong_issuer_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims["iss"] = "https://evil.example";

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "issuer is not trusted");
    }

    [Fact]
    public async Task Missing_issuer_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims.Remove("iss");

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "issuer is not trusted");
    }

    [Fact]
    public async Task Wrong_audience_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims["aud"] = "https://other-api.example";

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "audience");
    }

    [Fact]
    public async Task Audience_with_a_trailing_slash_is_not_the_same_audience()
    {
        var claims = TestTokens.Claims();
        claims["aud"] = TestTokens.Audience + "/";

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "audience");
    }

    [Fact]
    public async Task Issuer_audiences_override_the_scheme_audiences()
    {
        var validator = EdValidator(i => i.Audiences.Add("urn:narrow"));
        var claims = TestTokens.Claims();
        claims["aud"] = new JsonArray("urn:narrow", "urn:other");

        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default)).Succeeded);
        AssertInvalid(await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA"), default), "audience");
    }

    [Fact]
    public async Task Expired_token_is_rejected_and_skew_is_honoured()
    {
        var validator = EdValidator();
        var token = TestTokens.Mint(_ed, "EdDSA", TestTokens.Claims(lifetimeSeconds: 60));

        _time.Advance(TimeSpan.FromSeconds(60 + 59));
        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);

        var fresh = EdValidator(); // no cache entry
        _time.Advance(TimeSpan.FromSeconds(1));
        AssertInvalid(await fresh.ValidateAsync(token, default), "expired");
    }

    [Fact]
    public async Task Token_without_exp_is_rejected()
    {
        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", TestTokens.Claims(lifetimeSeconds: null)), default), "exp");
    }

    [Fact]
    public async Task Nbf_in_the_future_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims["nbf"] = TestTokens.NowSeconds + 120;

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "nbf");
    }

    [Fact]
    public async Task Iat_in_the_future_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims["iat"] = TestTokens.NowSeconds + 120;

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "iat");
    }

    [Fact]
    public async Task Algorithm_outside_the_issuer_list_is_rejected()
    {
        var ec = SignatureKey.GenerateEcdsaP256("ec-1");
        var validator = TestTokens.Validator(
            TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(ec, "ES256")), i => i.ValidAlgorithms.Add("EdDSA")), _time);

        AssertInvalid(await validator.ValidateAsync(TestTokens.Mint(ec, "ES256"), default), "algorithm is not accepted");
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"kid\":\"ed-1\"}");
        var payload = Base64UrlEncoder.Encode(TestTokens.Claims().ToJsonString());

        AssertInvalid(await EdValidator().ValidateAsync(header + "." + payload + ".", default), "algorithm is not accepted");
    }

    [Fact]
    public async Task HS256_signed_with_the_public_key_as_secret_is_rejected()
    {
        var jwk = TestTokens.PublicJwk(_ed, alg: null);
        var validator = TestTokens.Validator(TestTokens.Options(TestTokens.Jwks(jwk), i => i.ValidAlgorithms.Add("EdDSA")), _time);
        var signingInput = Base64UrlEncoder.Encode("{\"alg\":\"HS256\",\"kid\":\"ed-1\"}") + "." + Base64UrlEncoder.Encode(TestTokens.Claims().ToJsonString());
        foreach (var secret in new[] { Encoding.UTF8.GetBytes(jwk.ToJsonString()), Base64UrlEncoder.DecodeBytes((string)jwk["x"]!) })
        {
            var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));

            AssertInvalid(await validator.ValidateAsync(signingInput + "." + Base64UrlEncoder.Encode(mac), default), "algorithm is not accepted");
        }
    }

    [Fact]
    public async Task Typ_outside_ValidTypes_is_rejected()
    {
        var validator = EdValidator(i => i.ValidTypes.Add("at+jwt"));

        AssertInvalid(await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA"), default), "type");
        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA", header: TestTokens.Header("EdDSA", "ed-1", "at+jwt")), default)).Succeeded);
    }

    [Fact]
    public async Task Typ_is_compared_case_insensitively()
    {
        var validator = EdValidator(i => i.ValidTypes.Add("at+jwt"));

        Assert.True((await validator.ValidateAsync(TestTokens.Mint(_ed, "EdDSA", header: TestTokens.Header("EdDSA", "ed-1", "AT+JWT")), default)).Succeeded);
    }

    [Theory]
    [InlineData("dpop+jwt")]
    [InlineData("DPoP+JWT")]
    public async Task DPoP_proof_is_never_an_access_token(string typ)
    {
        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", header: TestTokens.Header("EdDSA", "ed-1", typ)), default), "DPoP");
    }

    [Fact]
    public async Task Unknown_kid_is_rejected()
    {
        var other = SignatureKey.GenerateEd25519("ed-2");

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(other, "EdDSA"), default), "signing key");
    }

    [Fact]
    public async Task Known_kid_with_another_key_signature_is_rejected()
    {
        var impostor = SignatureKey.GenerateEd25519("ed-1");

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(impostor, "EdDSA"), default), "signature is invalid");
    }

    [Fact]
    public async Task Tampered_payload_is_rejected()
    {
        var token = TestTokens.Tamper(TestTokens.Mint(_ed, "EdDSA"));

        AssertInvalid(await EdValidator().ValidateAsync(token, default), "signature is invalid");
    }

    [Fact]
    public async Task Token_without_kid_uses_the_issuer_keys_that_fit_the_algorithm()
    {
        var token = TestTokens.Mint(_ed, "EdDSA", header: TestTokens.Header("EdDSA", kid: null));

        Assert.True((await EdValidator().ValidateAsync(token, default)).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJFZERTQSJ9.%%%.abc")]
    [InlineData("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.abc")]
    [InlineData("bm90IGpzb24.eyJpc3MiOiJ4In0.abc")]
    [InlineData("...")]
    public async Task Malformed_tokens_are_rejected_without_throwing(string token)
    {
        var outcome = await EdValidator().ValidateAsync(token, default);

        Assert.Equal(TokenFailureKind.Invalid, outcome.Failure);
    }

    [Fact]
    public async Task Oversized_token_is_rejected()
    {
        var claims = TestTokens.Claims();
        claims["pad"] = new string('a', AgentTokenValidator.MaxTokenLength);

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "too long");
    }

    [Fact]
    public async Task Cnf_jkt_is_parsed()
    {
        var agent = SignatureKey.GenerateEd25519();
        var claims = TestTokens.Claims();
        claims["cnf"] = new JsonObject { ["jkt"] = agent.Thumbprint };

        var outcome = await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
        Assert.Equal(agent.Thumbprint, outcome.Confirmation!.Jkt);
        Assert.Equal(agent.Thumbprint, outcome.Confirmation.Thumbprint);
        Assert.Null(outcome.Confirmation.Jwk);
    }

    [Fact]
    public async Task Cnf_jwk_is_parsed_into_a_key_and_thumbprint()
    {
        var agent = SignatureKey.GenerateEcdsaP256("agent-key");
        var claims = TestTokens.Claims();
        claims["cnf"] = new JsonObject { ["jwk"] = TestTokens.PublicJwk(agent, "ES256") };

        var outcome = await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default);

        Assert.True(outcome.Succeeded, outcome.FailureDescription);
        Assert.Equal(agent.Thumbprint, outcome.Confirmation!.Thumbprint);
        Assert.Equal("EC", outcome.Confirmation.Jwk!.KeyType);
        Assert.Equal(HttpSignatureAlgorithms.EcdsaP256Sha256, outcome.Confirmation.Key!.Algorithm);
    }

    [Fact]
    public async Task Cnf_jwk_with_private_members_is_rejected()
    {
        var agent = SignatureKey.GenerateEd25519();
        var jwk = TestTokens.PublicJwk(agent, null);
        jwk["d"] = Base64UrlEncoder.Encode(new byte[32]);
        var claims = TestTokens.Claims();
        claims["cnf"] = new JsonObject { ["jwk"] = jwk };

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "cnf");
    }

    [Theory]
    [InlineData("\"not-an-object\"")]
    [InlineData("{}")]
    [InlineData("{\"jkt\":\"short\"}")]
    [InlineData("{\"jkt\":42}")]
    [InlineData("{\"kid\":\"k1\"}")]
    [InlineData("{\"jku\":\"https://x.example/jwks\"}")]
    [InlineData("{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}}")]
    [InlineData("{\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"18wHLeIgW9wVN6VD1Txgpqy2LszYkMf6J8njVAibvhM\"}}")]
    [InlineData("{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"ES256\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}}")]
    [InlineData("{\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}}")]
    [InlineData("{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}}")]
    public async Task Bad_cnf_is_rejected(string cnf)
    {
        var claims = TestTokens.Claims();
        claims["cnf"] = JsonNode.Parse(cnf);

        AssertInvalid(await EdValidator().ValidateAsync(TestTokens.Mint(_ed, "EdDSA", claims), default), "cnf");
    }

    [Fact]
    public async Task Cache_hit_skips_signature_verification()
    {
        var validator = EdValidator();
        var token = TestTokens.Mint(_ed, "EdDSA");

        var first = await validator.ValidateAsync(token, default);
        var key = Assert.IsType<SignatureKeySecurityKey>(Assert.Single(((AgentJsonWebToken)first.Token!).ResolvedKeys));
        Assert.Equal(1, key.VerificationCount);

        var second = await validator.ValidateAsync(token, default);

        Assert.Same(first, second);
        Assert.Equal(1, key.VerificationCount);
    }

    [Fact]
    public async Task Without_the_cache_every_validation_verifies()
    {
        var validator = EdValidator(options: o => o.EnableTokenCache = false);
        var token = TestTokens.Mint(_ed, "EdDSA");

        var first = await validator.ValidateAsync(token, default);
        var second = await validator.ValidateAsync(token, default);

        var key = (SignatureKeySecurityKey)((AgentJsonWebToken)second.Token!).ResolvedKeys.Single();
        Assert.NotSame(first, second);
        Assert.Equal(2, key.VerificationCount);
    }

    [Fact]
    public async Task Cache_entry_is_not_served_at_or_after_exp()
    {
        var validator = EdValidator(options: o => o.ClockSkew = TimeSpan.Zero);
        var token = TestTokens.Mint(_ed, "EdDSA", TestTokens.Claims(lifetimeSeconds: 60));
        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(1));
        AssertInvalid(await validator.ValidateAsync(token, default), "expired");
    }

    [Fact]
    public async Task Failures_are_not_cached()
    {
        var validator = EdValidator();
        var claims = TestTokens.Claims();
        claims["nbf"] = TestTokens.NowSeconds + 120;
        var token = TestTokens.Mint(_ed, "EdDSA", claims);

        AssertInvalid(await validator.ValidateAsync(token, default), "nbf");
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.True((await validator.ValidateAsync(token, default)).Succeeded);
    }
}
