using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore.Tests.LumoAuth;

/// <summary>Startup validation of <see cref="AgentAuthOptions.LumoAuth"/>: each message names the option to set.</summary>
public sealed class LumoAuthOptionsTests
{
    private static AgentAuthOptions Options(Action<LumoAuthProfileOptions> configure)
    {
        using var key = SignatureKey.GenerateEd25519("tenant");
        var options = TestTokens.Options(TestTokens.Jwks(TestTokens.PublicJwk(key, alg: null)));
        options.LumoAuth.Enabled = true;
        options.LumoAuth.Issuer = TestTokens.Issuer;
        configure(options.LumoAuth);
        return options;
    }

    private static string[] Failures(AgentAuthOptions options)
    {
        var result = new AgentAuthOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToArray() : [];
    }

    [Fact]
    public void Off_by_default_and_nothing_is_validated_when_off()
    {
        var options = new AgentAuthOptions();
        Assert.False(options.LumoAuth.Enabled);
        var failures = new List<string>();
        options.LumoAuth.Agents.Add(new LumoAuthAgentOptions { Id = "not a url" });
        LumoAuthOptionsValidation.Validate(options, failures);
        Assert.Empty(failures);
    }

    [Fact]
    public void A_complete_profile_is_valid() =>
        Assert.Empty(Failures(Options(p => p.Agents.Add(new LumoAuthAgentOptions { Id = "https://agent.example", JwksUri = "https://agent.example/jwks.json" }))));

    [Theory]
    [InlineData(null, "AgentAuthOptions.LumoAuth.Issuer is required")]
    [InlineData("https://unknown.example", "AgentAuthOptions.LumoAuth.Issuer 'https://unknown.example' is not the Issuer of any AgentAuthOptions.Issuers entry")]
    public void The_tenant_issuer_must_be_a_configured_issuer(string? issuer, string message) =>
        Assert.Contains(Failures(Options(p => p.Issuer = issuer)), f => f.StartsWith(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("http://agent.example", "AgentAuthOptions.LumoAuth.Agents[0].Id must be the agent identifier")]
    [InlineData("https://agent.example#k", "AgentAuthOptions.LumoAuth.Agents[0].Id must be the agent identifier")]
    [InlineData("agent", "AgentAuthOptions.LumoAuth.Agents[0].Id must be the agent identifier")]
    public void Agent_identifiers_are_https_urls(string id, string message) =>
        Assert.Contains(Failures(Options(p => p.Agents.Add(new LumoAuthAgentOptions { Id = id, JwksUri = "https://agent.example/jwks" }))), f => f.StartsWith(message, StringComparison.Ordinal));

    [Fact]
    public void Agents_need_keys_and_valid_sources()
    {
        var failures = Failures(Options(p =>
        {
            p.Agents.Add(new LumoAuthAgentOptions { Id = "https://a.example" });
            p.Agents.Add(new LumoAuthAgentOptions { Id = "https://b.example", JwksUri = "http://b.example/jwks" });
            p.Agents.Add(new LumoAuthAgentOptions { Id = "https://c.example", JsonWebKeySet = "{\"keys\":" });
            p.Agents.Add(new LumoAuthAgentOptions { Id = "https://d.example", JwksFile = "/nonexistent/jwks.json" });
            p.Agents.Add(new LumoAuthAgentOptions { Id = "https://d.example", JwksUri = "https://d.example/jwks" });
        }));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Agents[0] needs the agent's keys", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Agents[1].JwksUri must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Agents[2].JsonWebKeySet is not a usable JWK Set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Agents[3].JwksFile names a file that does not exist", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Agents[4].Id 'https://d.example' is configured twice", StringComparison.Ordinal));
    }

    [Fact]
    public void The_profile_needs_ed25519_allowed()
    {
        var options = Options(p => { });
        options.Signatures.AllowedAlgorithms.Add("ecdsa-p256-sha256");
        Assert.Contains(Failures(options), f => f.StartsWith("AgentAuthOptions.LumoAuth.Enabled needs ed25519", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_app_does_not_start_with_an_invalid_profile()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(LumoAuthNode.Public(LumoAuthNode.AgentKey, "k"));
            o.LumoAuth.Enabled = true;
        }));
        Assert.Contains(ex.Failures, f => f.StartsWith("AgentAuthOptions.LumoAuth.Issuer is required", StringComparison.Ordinal));
    }
}
