using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Introspection.IntrospectionTestHost;

namespace AgentAuth.AspNetCore.Tests.Introspection;

/// <summary>
/// Revocation without a round trip (issue 19): the <see cref="IRevocationStore"/> is asked on every request that carries a
/// token, validated-token cache hits included; the revocation endpoint helper; a store outage fails closed with 503.
/// </summary>
public sealed class RevocationTests : IAsyncLifetime
{
    private const string RevokePolicy = "revokers";
    private readonly SignatureKey _issuerKey = SignatureKey.GenerateEd25519("iss-ed");
    private HandlerHost? _host;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        _issuerKey.Dispose();
    }

    private async Task<HandlerHost> StartAsync(Action<IServiceCollection>? services = null)
    {
        _host = await HandlerHost.StartAsync(o =>
        {
            o.IncludeErrorDetails = true;
            o.AllowBearerTokens = true;
            o.Audiences.Add(TestTokens.Audience);
            o.Issuers.Add(new TokenIssuerOptions { Issuer = TestTokens.Issuer, JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(_issuerKey, null)) });
        }, s =>
        {
            s.AddAuthorization(a => a.AddPolicy(RevokePolicy, p => p.RequireClaim("scope", "agentauth:revoke")));
            services?.Invoke(s);
        }, beforeAuthentication: app => app.MapAgentAuthRevocation("/agentauth/revoke", RevokePolicy));
        return _host;
    }

    private string Token(Action<JsonObject>? claims = null)
    {
        var payload = TestTokens.Claims();
        claims?.Invoke(payload);
        return TestTokens.Mint(_issuerKey, "EdDSA", payload);
    }

    private Task<HttpResponseMessage> GetAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return _host!.SendAsync(request);
    }

    private static string Jti(string token) => JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token.Split('.')[1]))!["jti"]!.GetValue<string>();

    [Fact]
    public async Task Revoked_jti_is_refused_on_the_next_request_even_from_the_token_cache()
    {
        var host = await StartAsync();
        var token = Token();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);

        await host.App.Services.GetRequiredService<IRevocationStore>()
            .RevokeAsync("jti:" + TestTokens.Issuer + ":" + Jti(token), TestTokens.Now.AddHours(1));

        var response = await GetAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, l => l.EventId.Id == 7264);
    }

    [Fact]
    public async Task Token_without_jti_is_revoked_by_its_hash()
    {
        var host = await StartAsync();
        var token = Token(c => c.Remove("jti"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);

        await host.App.Services.GetRequiredService<IRevocationStore>().RevokeAsync(RevocationKeys.ForToken(token), TestTokens.Now.AddHours(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(token)).StatusCode);
    }

    [Fact]
    public async Task Revocation_entry_expires_with_the_token()
    {
        var host = await StartAsync();
        var token = Token();
        var store = host.App.Services.GetRequiredService<IRevocationStore>();
        await store.RevokeAsync("jti:" + TestTokens.Issuer + ":" + Jti(token), TestTokens.Now.AddSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(token)).StatusCode);

        host.Time.Advance(TimeSpan.FromSeconds(11));

        // The entry is gone, and so is nothing else: the token is still inside its own exp (300 s) and accepted again,
        // which is exactly why RevokeAsync must be given the token's exp.
        Assert.False(await store.IsRevokedAsync("jti:" + TestTokens.Issuer + ":" + Jti(token)));
    }

    [Fact]
    public async Task Revocation_endpoint_requires_the_named_policy_and_then_revokes()
    {
        var host = await StartAsync();
        var victim = Token();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(victim)).StatusCode);

        var anonymous = await host.Client.PostAsync(host.Url("/agentauth/revoke"), new FormUrlEncodedContent([new("token", victim)]));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var notOperator = new HttpRequestMessage(HttpMethod.Post, host.Url("/agentauth/revoke")) { Content = new FormUrlEncodedContent([new("token", victim)]) };
        notOperator.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token());
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(notOperator)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(victim)).StatusCode);

        var revoke = new HttpRequestMessage(HttpMethod.Post, host.Url("/agentauth/revoke")) { Content = new FormUrlEncodedContent([new("token", victim)]) };
        revoke.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token(c => c["scope"] = "agentauth:revoke"));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(revoke)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(victim)).StatusCode);
    }

    [Fact]
    public async Task Revocation_endpoint_revokes_by_iss_and_jti_and_refuses_an_empty_request()
    {
        var host = await StartAsync();
        var victim = Token();
        var operatorToken = Token(c => c["scope"] = "agentauth:revoke");

        var empty = new HttpRequestMessage(HttpMethod.Post, host.Url("/agentauth/revoke")) { Content = JsonContent.Create(new { }) };
        empty.Headers.TryAddWithoutValidation("Authorization", "Bearer " + operatorToken);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(empty)).StatusCode);

        var byJti = new HttpRequestMessage(HttpMethod.Post, host.Url("/agentauth/revoke"))
        {
            Content = JsonContent.Create(new { iss = TestTokens.Issuer, jti = Jti(victim), exp = TestTokens.NowSeconds + 300 }),
        };
        byJti.Headers.TryAddWithoutValidation("Authorization", "Bearer " + operatorToken);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(byJti)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(victim)).StatusCode);
    }

    [Fact]
    public async Task Revoked_opaque_token_is_refused_from_the_token_cache()
    {
        await using var test = await IntrospectionTestHost.StartAsync();
        var token = NewOpaqueToken();
        test.Server.Issue(token, Claims());
        await PrincipalAsync(await test.GetAsync(token));

        await test.Host.App.Services.GetRequiredService<IRevocationStore>().RevokeAsync(RevocationKeys.ForToken(token), TestTokens.Now.AddHours(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await test.GetAsync(token)).StatusCode);
        // Refused by the store, without asking the issuer again.
        Assert.Equal(1, test.Server.Calls);
    }

    [Fact]
    public async Task Revocation_store_outage_fails_closed_with_503_even_on_a_cache_hit()
    {
        var store = new SwitchableStore();
        var host = await StartAsync(s => s.AddSingleton<IRevocationStore>(store));
        var token = Token();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(token)).StatusCode);

        store.Down = true;
        var response = await GetAsync(token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains(host.Logs.Lines, l => l.EventId.Id == 7260 && l.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task Memory_store_expires_entries_keeps_the_later_expiry_and_never_drops_a_live_revocation()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var store = new MemoryRevocationStore(Options.Create(new MemoryRevocationStoreOptions { SizeLimit = 2 }), time);

        await store.RevokeAsync("a", TestTokens.Now.AddSeconds(10));
        await store.RevokeAsync("a", TestTokens.Now.AddSeconds(30));
        await store.RevokeAsync("a", TestTokens.Now.AddSeconds(5));
        await store.RevokeAsync("b", TestTokens.Now.AddSeconds(10));
        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(async () => await store.RevokeAsync("c", TestTokens.Now.AddSeconds(10)));

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await store.IsRevokedAsync("a"));
        Assert.False(await store.IsRevokedAsync("b"));
        // b has expired, so it makes room for c.
        await store.RevokeAsync("c", TestTokens.Now.AddSeconds(60));
        Assert.True(await store.IsRevokedAsync("c"));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(await store.IsRevokedAsync("a"));
    }

    private sealed class SwitchableStore : IRevocationStore
    {
        public bool Down { get; set; }

        public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default) =>
            Down ? throw new RevocationStoreUnavailableException("test store down") : new(false);

        public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
