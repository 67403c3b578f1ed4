using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;

namespace AgentAuth.AspNetCore.Tests.Keys;

public sealed class KeyOptionsValidationTests
{
    private static readonly string s_jwks = TestTokens.Jwks(TestTokens.PublicJwk(SignatureKey.GenerateEd25519("k"), null));

    private static List<string> Validate(AgentAuthOptions options)
    {
        var failures = new List<string>();
        KeyOptionsValidation.Validate(options, failures);
        return failures;
    }

    private static AgentAuthOptions WithIssuer(Action<TokenIssuerOptions> configure, bool audiences = true)
    {
        var options = new AgentAuthOptions();
        if (audiences)
        {
            options.Audiences.Add("https://api.example");
        }
        var issuer = new TokenIssuerOptions { Issuer = "https://issuer.example" };
        configure(issuer);
        options.Issuers.Add(issuer);
        return options;
    }

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Validate(new AgentAuthOptions()));
        Assert.Empty(Validate(WithIssuer(i => i.Authority = "https://issuer.example")));
    }

    [Fact]
    public void Issuer_needs_a_name_and_a_key_source()
    {
        var failures = Validate(WithIssuer(i => i.Issuer = ""));

        Assert.Contains("AgentAuthOptions.Issuers[0].Issuer is required (the exact 'iss' value of the issuer's tokens).", failures);
        Assert.Contains("AgentAuthOptions.Issuers[0] needs a key source: set Authority, MetadataAddress, JwksUri, JsonWebKeySet or PublicKeyPem (or Introspection.OpaqueTokens for an issuer of opaque tokens only).", failures);
    }

    [Fact]
    public void Http_authority_needs_RequireHttpsMetadata_off()
    {
        var failures = Validate(WithIssuer(i => i.Authority = "http://issuer.example"));

        Assert.Equal(
            "AgentAuthOptions.Issuers[0].Authority must use https (or set AgentAuthOptions.Issuers[0].RequireHttpsMetadata = false for development).",
            Assert.Single(failures));
        Assert.Empty(Validate(WithIssuer(i => { i.Authority = "http://issuer.example"; i.RequireHttpsMetadata = false; })));
    }

    [Fact]
    public void Http_agent_key_directory_needs_RequireHttpsMetadata_off()
    {
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksUri = "http://keys.example/jwks";

        Assert.Contains("AgentAuthOptions.AgentKeys.JwksUri must use https", Assert.Single(Validate(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_one_remote_source_per_issuer()
    {
        var failures = Validate(WithIssuer(i => { i.Authority = "https://a.example"; i.JwksUri = "https://a.example/jwks"; }));

        Assert.Contains("AgentAuthOptions.Issuers[0]: set at most one of Authority, MetadataAddress and JwksUri.", failures);
    }

    [Fact]
    public void Audiences_are_required_when_issuers_exist()
    {
        var failures = Validate(WithIssuer(i => i.JsonWebKeySet = s_jwks, audiences: false));

        Assert.Contains("AgentAuthOptions.Audiences", Assert.Single(failures), StringComparison.Ordinal);
        Assert.Empty(Validate(WithIssuer(i => { i.JsonWebKeySet = s_jwks; i.Audiences.Add("urn:api"); }, audiences: false)));
    }

    [Theory]
    [InlineData("none", "never accepted")]
    [InlineData("HS256", "never accepted")]
    [InlineData("ES512", "not a known algorithm")]
    [InlineData("eddsa", "not a known algorithm")]
    public void Algorithm_names_must_be_known_and_asymmetric(string alg, string expected)
    {
        var failure = Assert.Single(Validate(WithIssuer(i => { i.JsonWebKeySet = s_jwks; i.ValidAlgorithms.Add(alg); })));

        Assert.StartsWith("AgentAuthOptions.Issuers[0].ValidAlgorithms[0]", failure, StringComparison.Ordinal);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DPoP_type_is_not_a_valid_token_type()
    {
        Assert.Contains("ValidTypes[0]", Assert.Single(Validate(WithIssuer(i => { i.JsonWebKeySet = s_jwks; i.ValidTypes.Add("dpop+jwt"); }))), StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_key_sets_must_parse()
    {
        var options = WithIssuer(i => i.JsonWebKeySet = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}");
        options.AgentKeys.JsonWebKeySet = "not json";

        var failures = Validate(options);

        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.Issuers[0].JsonWebKeySet is not a usable JWK Set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.AgentKeys.JsonWebKeySet is not a usable JWK Set", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_jwks_file_is_reported()
    {
        var options = new AgentAuthOptions();
        options.AgentKeys.JwksFile = "/nonexistent/agents.jwks";

        Assert.StartsWith("AgentAuthOptions.AgentKeys.JwksFile names a file that does not exist", Assert.Single(Validate(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_issuers_are_reported()
    {
        var options = WithIssuer(i => i.JsonWebKeySet = s_jwks);
        options.Issuers.Add(new TokenIssuerOptions { Issuer = "https://issuer.example", JsonWebKeySet = s_jwks });

        Assert.Contains("configured twice", Assert.Single(Validate(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void Jwks_cache_minimums_are_enforced()
    {
        var options = new AgentAuthOptions();
        options.Jwks.AutomaticRefreshInterval = TimeSpan.FromMinutes(4);
        options.Jwks.RefreshInterval = TimeSpan.FromMilliseconds(500);
        options.Jwks.MaxKeys = 0;
        options.Jwks.MaxResponseBytes = 10;
        options.Jwks.BackchannelTimeout = TimeSpan.Zero;
        options.TokenCacheSizeLimit = 0;

        var failures = Validate(options);

        Assert.Contains("AgentAuthOptions.Jwks.AutomaticRefreshInterval must be at least 5 minutes.", failures);
        Assert.Contains("AgentAuthOptions.Jwks.RefreshInterval must be at least 1 second.", failures);
        Assert.Contains("AgentAuthOptions.Jwks.MaxKeys must be at least 1.", failures);
        Assert.Contains("AgentAuthOptions.Jwks.MaxResponseBytes must be at least 1024.", failures);
        Assert.Contains("AgentAuthOptions.Jwks.BackchannelTimeout must be positive.", failures);
        Assert.Contains("AgentAuthOptions.TokenCacheSizeLimit must be positive (or set EnableTokenCache = false).", failures);
    }

    [Fact]
    public void Works_as_IValidateOptions()
    {
        var result = new KeyOptionsValidation().Validate("AgentAuth", WithIssuer(_ => { }));

        Assert.True(result.Failed);
        Assert.Contains("needs a key source", result.FailureMessage, StringComparison.Ordinal);
    }
}
