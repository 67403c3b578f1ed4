namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>AAuth options are validated at startup with messages that name the option (issue 17).</summary>
public sealed class AAuthOptionsTests
{
    private static string[] Failures(Action<AgentAuthOptions> configure)
    {
        var options = new AgentAuthOptions();
        configure(options);
        var result = new AgentAuthOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToArray() : [];
    }

    [Fact]
    public void An_inline_key_scheme_alone_is_a_working_configuration()
    {
        Assert.Empty(Failures(o => o.AAuth.AllowHwk = true));
    }

    [Theory]
    [InlineData("EdDSA")]
    [InlineData("HS256")]
    [InlineData("ed25519")]
    [InlineData("PS256")]
    public void An_algorithm_that_is_not_fully_specified_or_not_supported_fails_startup_naming_it(string algorithm)
    {
        var failures = Failures(o => { o.AAuth.AllowHwk = true; o.AAuth.Algorithms.Add(algorithm); });
        Assert.Contains(failures, f => f.Contains("AgentAuthOptions.AAuth.Algorithms", StringComparison.Ordinal) && f.Contains("'" + algorithm + "'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_jwt_scheme_without_issuers_fails_startup()
    {
        var failures = Failures(o => o.AAuth.AllowJwt = true);
        Assert.Contains(failures, f => f.Contains("AgentAuthOptions.AAuth.AllowJwt", StringComparison.Ordinal));
    }

    [Fact]
    public void The_jwks_uri_scheme_without_an_allowed_origin_fails_startup()
    {
        var failures = Failures(o => o.AAuth.AllowJwksUri = true);
        Assert.Contains(failures, f => f.Contains("AgentAuthOptions.AAuth.AllowJwksUri", StringComparison.Ordinal));
        Assert.Empty(Failures(o => { o.AAuth.AllowJwksUri = true; o.AAuth.Discovery.AllowedOrigins.Add("https://agent.example"); }));
    }

    [Fact]
    public void A_non_positive_key_cache_fails_startup()
    {
        var failures = Failures(o => { o.AAuth.AllowHwk = true; o.AAuth.InlineKeyCacheSize = 0; });
        Assert.Contains(failures, f => f.Contains("AgentAuthOptions.AAuth.InlineKeyCacheSize", StringComparison.Ordinal));
    }
}
