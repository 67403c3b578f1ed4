using System.Net;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.HttpSignatures.Cryptography;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>Mode (c) through the handler: <c>Authorization: DPoP</c> + <c>DPoP</c> proof, key binding and server nonces.</summary>
public sealed class DPoPModeTests : IAsyncLifetime
{
    private const string Protected = TokenSetup.Protected;
    private const string Algs = ", algs=\"EdDSA Ed25519 ES256 ES384 PS256 RS256\"";

    private readonly TokenSetup _setup = new();
    private readonly SignatureKey _proofKey = SignatureKey.GenerateEcdsaP256();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _proofKey.Dispose();
        await _setup.DisposeAsync();
    }

    private HttpRequestMessage Request(string token, string? nonce = null, SignatureKey? proofKey = null)
    {
        var proof = new TestProofBuilder(proofKey ?? _proofKey, "ES256", "GET", Protected, token, _setup.Time.GetUtcNow());
        if (nonce is not null)
        {
            proof.Claims["nonce"] = nonce;
        }
        var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", proof.Build());
        return request;
    }

    [Fact]
    public async Task DPoP_bound_token_with_its_proof_is_authenticated()
    {
        var host = await _setup.StartAsync();

        var principal = await SucceededAsync(await host.SendAsync(Request(_setup.Token(TokenSetup.Jkt(_proofKey.Thumbprint)))));

        Assert.Equal(["dpop"], ClaimValues(principal, "auth_method"));
        Assert.Equal([_proofKey.Thumbprint], ClaimValues(principal, "cnf_jkt"));
        Assert.Equal(["agent-1"], ClaimValues(principal, "sub"));
    }

    [Fact]
    public async Task Proof_from_another_key_is_DPoP_invalid_token()
    {
        using var other = SignatureKey.GenerateEcdsaP256();
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(Request(_setup.Token(TokenSetup.Jkt(_proofKey.Thumbprint)), proofKey: other));

        Challenge(response, HttpStatusCode.Unauthorized,
            ["DPoP error=\"invalid_token\", error_description=\"Invalid DPoP key binding\"" + Algs, "Signature", "Bearer"], signatureError: null);
    }

    [Fact]
    public async Task Required_nonce_is_asked_for_with_DPoP_Nonce_then_accepted()
    {
        var host = await _setup.StartAsync(o => o.DPoP.RequireNonce = true);
        var token = _setup.Token(TokenSetup.Jkt(_proofKey.Thumbprint));

        var first = await host.SendAsync(Request(token));
        Challenge(first, HttpStatusCode.Unauthorized,
            ["DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"" + Algs, "Signature", "Bearer"], signatureError: null);
        var nonce = Assert.Single(Header(first, "DPoP-Nonce"));

        await SucceededAsync(await host.SendAsync(Request(token, nonce)));
    }

    [Fact]
    public async Task DPoP_token_without_cnf_jkt_is_DPoP_invalid_token()
    {
        var host = await _setup.StartAsync();

        var response = await host.SendAsync(Request(_setup.Token(cnf: null)));

        Challenge(response, HttpStatusCode.Unauthorized,
            ["DPoP error=\"invalid_token\", error_description=\"The token is not DPoP-bound (no cnf.jkt).\"" + Algs, "Signature", "Bearer"], signatureError: null);
    }

    [Fact]
    public async Task DPoP_bound_token_sent_as_bearer_is_bearer_invalid_token()
    {
        var host = await _setup.StartAsync(o => o.AllowBearerTokens = true);

        var response = await host.SendAsync(TestAgent.Request(HttpMethod.Get, Protected, token: _setup.Token(TokenSetup.Jkt(_proofKey.Thumbprint))));

        Challenge(response, HttpStatusCode.Unauthorized,
            ["Bearer error=\"invalid_token\", error_description=\"The token is bound to a key (cnf): present it with an HTTP message signature or a DPoP proof.\"",
             "Signature", DPoPAlgsChallenge], signatureError: null);
    }
}
