using System.Net;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthAgentTokenTests;
using static AgentAuth.AspNetCore.Tests.AAuth.AAuthTestAgent;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.AAuth;

/// <summary>
/// Issue 17, agent-token issuer discovery (draft-hardt-oauth-aauth-protocol "Agent Token Verification" step 2:
/// <c>{iss}/.well-known/{dwk}</c> → <c>jwks_uri</c> → <c>kid</c>), under <c>AAuth:Discovery</c>'s origin policy, with the issuer
/// served by a loopback HTTPS origin and the request signed by the reference signer, on Kestrel.
/// </summary>
public sealed class AAuthAgentIssuerDiscoveryTests
{
    private static readonly SignatureKey s_providerKey = SignatureKey.GenerateEd25519("provider-key-1");

    private static JsonObject ProviderJwks(string kid = "provider-key-1", string? alg = "Ed25519")
    {
        var jwk = PublicJwk(s_providerKey, alg ?? "Ed25519");
        if (alg is null)
        {
            jwk.Remove("alg");
        }
        jwk["kid"] = kid;
        return new JsonObject { ["keys"] = new JsonArray(jwk) };
    }

    private static Task<HandlerHost> StartAsync(AgentOrigin origin, string? allowedOrigin = null) =>
        HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.AllowSignatureOnly = true;
            o.AAuth.AllowJwt = true;
            o.AAuth.DiscoverAgentTokenIssuers = true;
            o.AAuth.Discovery.AllowedOrigins.Add(allowedOrigin ?? origin.Origin);
            // Loopback is a private address: allowed here for the test origin only, through a handler that trusts its certificate.
            o.AAuth.Discovery.AllowPrivateNetworks = true;
            o.BackchannelHttpHandler = origin.Backchannel;
        }, kestrel: true);

    private static JsonObject JwtKey(string token) => new() { ["type"] = "jwt", ["jwt"] = token };

    private static void Refused(HttpResponseMessage response, string signatureError)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([signatureError], Header(response, "Signature-Error"));
    }

    [Fact]
    public async Task Agent_token_of_a_discovered_issuer_on_an_allowed_origin_is_accepted()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        var principal = await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))));

        Assert.Equal(["aauth:assistant-v2@agent.example"], ClaimValues(principal, AgentAuthClaimTypes.AAuthAgent));
        Assert.Equal([origin.Origin], ClaimValues(principal, "iss"));
        // Metadata then JWKS, once; the second request is served from the caches.
        Assert.Equal(2, origin.Requests);
        await SucceededAsync(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key)))));
        Assert.Equal(2, origin.Requests);
    }

    [Fact]
    public async Task Agent_token_whose_issuer_origin_is_not_allowed_is_refused_and_nothing_is_fetched()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        await using var host = await StartAsync(origin, allowedOrigin: "https://agents.example");
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Agent_token_whose_iss_is_not_a_canonical_origin_is_refused_and_nothing_is_fetched()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin + "/", Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Agent_token_without_the_agent_dwk_is_refused_and_nothing_is_fetched()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key, dwk: "aauth-person.json");

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Agent_token_with_a_kid_the_issuer_does_not_publish_is_refused_with_unknown_key()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks(kid: "provider-key-2");
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=unknown_key");
    }

    [Fact]
    public async Task Agent_token_signed_by_another_key_under_the_published_kid_is_refused()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(SignatureKey.GenerateEd25519("provider-key-1"), origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public async Task Issuer_metadata_that_names_another_issuer_is_refused_with_issuer_mismatch()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        origin.IssuerSet = true;
        origin.Issuer = "https://agent.example";
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=issuer_mismatch");
    }

    [Fact]
    public async Task Issuer_metadata_without_issuer_is_refused_with_issuer_missing()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks();
        origin.IssuerSet = true;
        origin.Issuer = null;
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=issuer_missing");
    }

    [Fact]
    public async Task Published_issuer_key_without_alg_is_refused()
    {
        await using var origin = await AgentOrigin.StartAsync();
        origin.Jwks = ProviderJwks(alg: null);
        await using var host = await StartAsync(origin);
        var token = MintAgentToken(s_providerKey, origin.Origin, Ed25519A.Key);

        Refused(await host.SendAsync(await SignAsync(host.Url("/protected"), Ed25519A.PrivateJwk, JwtKey(token))), "error=invalid_jwt");
    }

    [Fact]
    public void Discovery_without_the_jwt_scheme_or_an_allowed_origin_fails_startup_naming_the_option()
    {
        var options = new AgentAuthOptions { AllowSignatureOnly = true };
        options.AAuth.AllowHwk = true;
        options.AAuth.DiscoverAgentTokenIssuers = true;
        var failures = new AgentAuthOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Contains(failures, f => f.Contains("AAuth.DiscoverAgentTokenIssuers is true but AllowJwt is false", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("AAuth.DiscoverAgentTokenIssuers is true but Discovery allows no origin", StringComparison.Ordinal));
    }
}
