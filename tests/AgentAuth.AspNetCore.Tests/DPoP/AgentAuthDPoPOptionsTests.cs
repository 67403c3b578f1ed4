using AgentAuth.AspNetCore;

namespace AgentAuth.AspNetCore.Tests.DPoP;

public sealed class AgentAuthDPoPOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented_values()
    {
        var options = new AgentAuthDPoPOptions();
        var errors = new List<string>();
        options.Validate(errors);

        Assert.Empty(errors);
        Assert.True(options.Enabled);
        Assert.Equal(["EdDSA", "Ed25519", "ES256", "ES384", "PS256", "RS256"], options.AllowedAlgorithms);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ProofLifetime);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ClockSkew);
        Assert.False(options.RequireNonce);
        Assert.Equal(TimeSpan.FromMinutes(5), options.NonceLifetime);
        Assert.Equal(4096, options.MaxProofLength);
        Assert.True(options.EnableReplayDetection);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("es256")]
    [InlineData("RSA-OAEP")]
    public void Rejects_algorithms_that_cannot_sign_a_proof(string alg)
    {
        var options = new AgentAuthDPoPOptions();
        options.AllowedAlgorithms.Add(alg);
        var errors = new List<string>();
        options.Validate(errors);

        var error = Assert.Single(errors);
        Assert.Contains("AgentAuthOptions.DPoP.AllowedAlgorithms", error, StringComparison.Ordinal);
        Assert.Contains(alg, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_empty_algorithm_list()
    {
        var options = new AgentAuthDPoPOptions();
        options.AllowedAlgorithms.Clear();
        var errors = new List<string>();
        options.Validate(errors);
        Assert.Contains("AgentAuthOptions.DPoP.AllowedAlgorithms", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_each_out_of_range_option()
    {
        var options = new AgentAuthDPoPOptions
        {
            ProofLifetime = TimeSpan.Zero,
            ClockSkew = TimeSpan.FromSeconds(-1),
            NonceLifetime = TimeSpan.FromDays(2),
            MaxProofLength = 100,
        };
        var errors = new List<string>();
        options.Validate(errors, "Custom");

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Custom.ProofLifetime", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Custom.ClockSkew", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Custom.NonceLifetime", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Custom.MaxProofLength", StringComparison.Ordinal));
    }

    [Fact]
    public void Disabled_options_are_not_checked()
    {
        var options = new AgentAuthDPoPOptions { Enabled = false, MaxProofLength = 1 };
        var errors = new List<string>();
        options.Validate(errors);
        Assert.Empty(errors);
    }
}
