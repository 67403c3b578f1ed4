using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17, agent tokens as the AAuth protocol draft defines them ("Agent Token Structure", "Agent Token Verification"):
/// an <c>aa-agent+jwt</c> carries <c>iss</c>, <c>dwk</c>, <c>sub</c>, <c>jti</c>, <c>cnf.jwk</c>, <c>iat</c>, <c>exp</c> and no
/// <c>aud</c>. Signed by the reference signer (@hellocoop/httpsig 2.2.0, <c>sig=jwt</c>) on Kestrel. The same token is
/// refused as a bearer or bound token, which must name this API in <c>aud</c>.
/// </summary>
public sealed class AAuthAgentTokenTests
{
    private const string AgentId = "aauth:assistant-v2@agent.example";
    private static readonly SignatureKey s_issuerKey = SignatureKey.GenerateEd25519("issuer-key-1");

    /// <summary>An agent token exactly as the draft's "Agent Token Structure" lists it (no aud unless given).</summary>
    internal static string MintAgentToken(SignatureKey issuerKey, string issuer, SignatureKey holder, string? audience = null, string typ = "aa-agent+jwt",
        string? dwk = "aauth-agent.json", string? kid = null, Action<JsonObject>? claims = null)
    {
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = AgentId,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = TestTokens.NowSeconds,
            ["exp"] = TestTokens.NowSeconds + 3600,
            ["cnf"] = new JsonObject { ["jwk"] = PublicJwk(holder, "Ed25519") },
        };
        if (dwk is not null)
        {
            payload["dwk"] = dwk;
        }
        if (audience is not null)
        {
            payload["aud"] = audience;
        }
        claims?.Invoke(payload);
        return TestTokens.Mint(issuerKey, "Ed25519", payload, TestTokens.Header("Ed25519", kid ?? issuerKey.KeyId, typ));
    }

    private static void Configure(AgentAuthOptions o)
    {
        o.IncludeErrorDetails = true;
        o.AllowBearerTokens = true;
        o.Audiences.Add(TestTokens.Audience);
        o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(s_issuerKey, "Ed25519")) });
        o.AAuth.AllowJwt = true;
    }

    private static JsonObject JwtKey(string token) => new() { ["type"] = "jwt", ["jwt"] = token };

    private static void Refused(HttpResponseMessage response, string signatureError)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([signatureError], Header(response, "Signature-Error"));
    }

    private static void RefusedForAudience(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = string.Join(" | ", Header(response, "WWW-Authenticate"));
        Assert.Contains("error=\"invalid_token\"", challenges, StringComparison.Ordinal);
        Assert.Contains("audience", challenges, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_token_without_aud_is_accepted_through_Signature_Key_jwt()
    {
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key);

        var principal = await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));

        Assert.Equal([AgentId], ClaimValues(principal, "sub"));
        Assert.Equal([AgentId], ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
        Assert.Equal(["jwt"], ClaimValues(principal, AgentAuthClaimTypes.AAuthScheme));
        Assert.Equal([Ed25519A.Key.Thumbprint], ClaimValues(principal, AgentAuthClaimTypes.KeyThumbprint));
    }

    [Fact]
    public async Task The_same_aud_less_agent_token_is_refused_as_a_bearer_token_even_after_it_was_accepted_as_an_agent_token()
    {
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key);
        // Accepted (and cached) through the AAuth agent-token profile first: that cache must not serve the bearer path.
        await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));

        using var bearer = new HttpRequestMessage(HttpMethod.Get, host.Url("/protected"));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        RefusedForAudience(await host.SendAsync(bearer));
    }

    [Fact]
    public async Task The_same_aud_less_agent_token_is_refused_as_a_bound_token_of_a_signed_request()
    {
        await using var host = await HandlerHost.StartAsync(o => { Configure(o); o.AllowBearerTokens = false; o.BoundTokenSchemes.Add("Bearer"); }, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key);
        await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));

        using var bound = new HttpRequestMessage(HttpMethod.Get, host.Url("/protected"));
        bound.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        new TestAgent(Ed25519A.Key, host.Time).Sign(bound);

        RefusedForAudience(await host.SendAsync(bound));
    }

    [Fact]
    public async Task Agent_token_whose_aud_is_present_must_name_this_API()
    {
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key, audience: "https://another-api.example");

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public async Task Auth_token_without_aud_is_still_refused_through_Signature_Key_jwt()
    {
        // Only agent tokens are exempt: an auth token names the resource it is for ("Auth Token Structure").
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key, typ: "aa-auth+jwt");

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public async Task Agent_token_from_an_issuer_that_is_not_configured_is_refused_when_discovery_is_off()
    {
        await using var origin = await AgentOrigin.StartAsync();
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Agent_token_with_a_valid_ps_and_parent_agent_is_accepted()
    {
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key, claims: c =>
        {
            c["ps"] = "https://ps.example";
            c["parent_agent"] = "aauth:planner.7f3c@vendor.example";
        });

        await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));
    }

    [Theory]
    [InlineData("ps", "http://ps.example")]
    [InlineData("ps", "https://PS.example")]
    [InlineData("ps", "https://ps.example:8443")]
    [InlineData("ps", "https://ps.example/v1")]
    [InlineData("parent_agent", "My Agent@agent.example")]
    [InlineData("parent_agent", "aauth:@agent.example")]
    [InlineData("parent_agent", "aauth:agent@http://agent.example")]
    public async Task Agent_token_whose_ps_or_parent_agent_is_malformed_is_refused(string claim, string value)
    {
        // Draft "Agent Token Verification" steps 6 and 7.
        await using var host = await HandlerHost.StartAsync(Configure, kestrel: true);
        var token = MintAgentToken(s_issuerKey, TestTokens.Issuer, Ed25519A.Key, claims: c => c[claim] = value);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }
}
