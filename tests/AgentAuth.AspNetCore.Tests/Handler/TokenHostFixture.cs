using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Handler;

/// <summary>
/// Shared set-up for token modes: one issuer (<see cref="TestTokens.Issuer"/>) whose inline JWKS holds an Ed25519, an ES256 and an
/// RS256 key, the audience <see cref="TestTokens.Audience"/>, and an agent whose key is in the agent JWKS (for <c>cnf.jkt</c>).
/// </summary>
internal sealed class TokenSetup : IAsyncDisposable
{
    public const string Protected = HandlerHost.Origin + "/protected";
    public const string DPoPAlgsChallenge = ResponseAssert.DPoPAlgsChallenge;

    public TokenSetup()
    {
        Time = new FakeTimeProvider(TestTokens.Now);
        IssuerEd = SignatureKey.GenerateEd25519("iss-ed");
        IssuerEc = SignatureKey.GenerateEcdsaP256("iss-ec");
        IssuerRsa = SignatureKey.GenerateRsa(HttpSignatureAlgorithms.RsaV15Sha256, 2048, "iss-rsa");
        Agent = TestAgent.Ed25519(Time);
    }

    public FakeTimeProvider Time { get; }

    public SignatureKey IssuerEd { get; }

    public SignatureKey IssuerEc { get; }

    public SignatureKey IssuerRsa { get; }

    public TestAgent Agent { get; }

    public HandlerHost? Host { get; private set; }

    public string IssuerJwks => TestTokens.Jwks(
        TestTokens.PublicJwk(IssuerEd, alg: null), TestTokens.PublicJwk(IssuerEc, "ES256"), TestTokens.PublicJwk(IssuerRsa, "RS256"));

    public async Task<HandlerHost> StartAsync(Action<AgentAuthOptions>? configure = null, Action<IServiceCollection>? services = null, Action<WebApplication>? beforeAuthentication = null, bool kestrel = false)
    {
        Host = await HandlerHost.StartAsync(o =>
        {
            o.AgentKeys.JsonWebKeySet = Agent.Jwks;
            // Token-mode tests read error descriptions, which are off outside Development by default (issue 14).
            o.IncludeErrorDetails = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = IssuerJwks });
            configure?.Invoke(o);
        }, services, beforeAuthentication, kestrel, time: Time);
        return Host;
    }

    public static JsonObject Jkt(string thumbprint) => new() { ["jkt"] = thumbprint };

    public static JsonObject JwkConfirmation(SignatureKey key) => new() { ["jwk"] = TestTokens.PublicJwk(key, alg: null) };

    /// <summary>A token from the issuer's Ed25519 key (EdDSA) with the given confirmation and extra claims.</summary>
    public string Token(JsonObject? cnf, Action<JsonObject>? claims = null, SignatureKey? key = null, string alg = "EdDSA")
    {
        var payload = TestTokens.Claims();
        if (cnf is not null)
        {
            payload["cnf"] = cnf;
        }
        claims?.Invoke(payload);
        return TestTokens.Mint(key ?? IssuerEd, alg, payload);
    }

    public string BoundToken(Action<JsonObject>? claims = null) => Token(Jkt(Agent.Key.Thumbprint), claims);

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
        IssuerEd.Dispose();
        IssuerEc.Dispose();
        IssuerRsa.Dispose();
        Agent.Dispose();
    }
}
