using System.Net;
using System.Net.Http.Headers;
using AgentAuth.AspNetCore;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>DPoP through the whole scheme: token validation, proof validation, key binding, challenges, nonces and replay.</summary>
public sealed class DPoPHandlerIntegrationTests
{
    private const string PublicOrigin = "https://api.example.test";
    private const string Path = "/data/42";

    private static readonly SignatureKey s_issuerKey = SignatureKey.GenerateEd25519("issuer-1");
    private readonly SignatureKey _proofKey = SignatureKey.GenerateEcdsaP256();
    private readonly FakeTimeProvider _clock = new(TestTokens.Now);

    [Fact]
    public async Task Bound_token_with_a_valid_proof_is_authenticated()
    {
        await using var app = await StartAsync();
        var token = BoundToken(_proofKey.Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dpop " + _proofKey.Thumbprint, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Replayed_proof_is_rejected_with_a_dpop_challenge()
    {
        await using var app = await StartAsync();
        var token = BoundToken(_proofKey.Thumbprint);
        var proof = Proof(token);
        using (var first = await SendAsync(app, HttpMethod.Get, "DPoP", token, proof))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await SendAsync(app, HttpMethod.Get, "DPoP", token, proof);

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains(Challenges(second), c => c.StartsWith("DPoP ", StringComparison.Ordinal) && c.Contains("error=\"invalid_dpop_proof\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Proof_by_another_key_is_an_invalid_token()
    {
        await using var app = await StartAsync();
        var token = BoundToken(SignatureKey.GenerateEcdsaP256().Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Challenges(response), c => c.StartsWith("DPoP ", StringComparison.Ordinal)
            && c.Contains("error=\"invalid_token\"", StringComparison.Ordinal)
            && c.Contains("Invalid DPoP key binding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Proof_for_another_method_is_rejected()
    {
        await using var app = await StartAsync();
        var token = BoundToken(_proofKey.Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token, htm: "POST"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Challenges(response), c => c.Contains("error=\"invalid_dpop_proof\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Htu_is_checked_against_the_configured_public_origin()
    {
        await using var app = await StartAsync();
        var token = BoundToken(_proofKey.Thumbprint);

        // The test server sees http://localhost; the client addressed the public origin, so only that htu is right.
        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token, htu: "http://localhost" + Path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Challenges(response), c => c.Contains("error=\"invalid_dpop_proof\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dpop_token_without_a_proof_is_rejected()
    {
        await using var app = await StartAsync();
        var token = BoundToken(_proofKey.Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, proof: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Challenges(response), c => c.StartsWith("DPoP ", StringComparison.Ordinal) && c.Contains("error=\"invalid_dpop_proof\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dpop_bound_token_presented_as_bearer_is_refused()
    {
        await using var app = await StartAsync(o => o.AllowBearerTokens = true);
        var token = BoundToken(_proofKey.Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "Bearer", token, proof: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(Challenges(response), c => c.Contains("error=\"invalid_token\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Required_nonce_is_issued_on_the_401_and_accepted_on_retry()
    {
        await using var app = await StartAsync(o => o.DPoP.RequireNonce = true);
        var token = BoundToken(_proofKey.Thumbprint);

        using var first = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token));
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Contains(Challenges(first), c => c.Contains("error=\"use_dpop_nonce\"", StringComparison.Ordinal));
        var nonce = Assert.Single(first.Headers.GetValues("DPoP-Nonce"));

        using var retry = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token, nonce: nonce));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Unavailable_replay_cache_fails_closed_with_503()
    {
        await using var app = await StartAsync(replayCache: new UnavailableReplayCache());
        var token = BoundToken(_proofKey.Thumbprint);

        using var response = await SendAsync(app, HttpMethod.Get, "DPoP", token, Proof(token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<WebApplication> StartAsync(Action<AgentAuthOptions>? configure = null, IReplayCache? replayCache = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        if (replayCache is not null)
        {
            builder.Services.AddSingleton(replayCache);
        }
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(o =>
        {
            o.PublicOrigin = PublicOrigin;
            // These tests read error descriptions, which are off outside Development by default (issue 14).
            o.IncludeErrorDetails = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(s_issuerKey, "Ed25519")) });
            configure?.Invoke(o);
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/data/{id}", (HttpContext context) =>
            context.User.FindFirst(AgentAuthClaimTypes.AuthenticationMode)?.Value + " " + context.User.FindFirst(AgentAuthClaimTypes.KeyThumbprint)?.Value)
            .RequireAuthorization();
        await app.StartAsync();
        return app;
    }

    private static string BoundToken(string jkt)
    {
        var claims = TestTokens.Claims();
        claims["cnf"] = new System.Text.Json.Nodes.JsonObject { ["jkt"] = jkt };
        return TestTokens.Mint(s_issuerKey, "Ed25519", claims);
    }

    private string Proof(string token, string htm = "GET", string? htu = null, string? nonce = null)
    {
        var builder = new TestProofBuilder(_proofKey, "ES256", htm, htu ?? PublicOrigin + Path, token, _clock.GetUtcNow());
        if (nonce is not null)
        {
            builder.Claims["nonce"] = nonce;
        }
        return builder.Build();
    }

    private static async Task<HttpResponseMessage> SendAsync(WebApplication app, HttpMethod method, string scheme, string token, string? proof)
    {
        using var request = new HttpRequestMessage(method, Path + "?page=1");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        }
        return await app.GetTestClient().SendAsync(request);
    }

    private static string[] Challenges(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate.Select(h => h.ToString()).ToArray();
}
