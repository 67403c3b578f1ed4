using AgentAuth.AspNetCore.Tests.Keys;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// JWKS faults seen through the scheme: agent keys come from a JWKS URL served by a real Kestrel server on loopback, and
/// every request goes through the handler. (The cache-level versions are in tests/.../Keys/JwksCacheTests.)
/// </summary>
public sealed class HandlerJwksFaultTests : IAsyncLifetime
{
    private TestJwksServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestJwksServer.StartAsync();
        _server.SetJwks(SecurityApp.AgentJwks());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private SecurityApp CreateApp(Action<AgentAuthOptions>? configure = null) => SecurityApp.Create(o =>
    {
        o.AgentKeys.JsonWebKeySet = null;
        o.AgentKeys.JwksUri = _server.JwksUri.ToString();
        o.AgentKeys.RequireHttpsMetadata = false;
        o.Jwks.RefreshInterval = TimeSpan.FromMinutes(1);
        // These tests move the clock by minutes to drive JWKS refreshes while reusing signatures made at the start;
        // the signature window is not what they test (AttackCatalogueTests covers it).
        o.Signatures.MaxAge = TimeSpan.FromDays(1);
        o.Signatures.AllowLongMaxAge = true;
        configure?.Invoke(o);
    });

    private static TestRequest Signed(string keyId = "agent-1", DateTimeOffset? created = null) =>
        TestRequest.Get().Sign(keyId == "agent-2" ? SecurityApp.OtherAgentKey : SecurityApp.AgentKey, new SignatureParameters { KeyId = keyId, Created = created });

    [Fact]
    public async Task Many_concurrent_first_requests_cause_exactly_one_fetch()
    {
        await using var app = CreateApp();
        _server.Hold();
        var sends = Enumerable.Range(0, 32).Select(_ => Task.Run(() => app.SendAsync(Signed()))).ToArray();
        await JwksCacheFixture.WaitUntilAsync(() => _server.JwksRequests >= 1);
        _server.Release();
        var responses = await Task.WhenAll(sends);

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task A_stream_of_unknown_keyids_forces_at_most_one_refresh_per_interval()
    {
        await using var app = CreateApp();
        Assert.Equal(200, (await app.SendAsync(Signed())).Status);
        Assert.Equal(1, _server.JwksRequests);

        for (var i = 0; i < 50; i++)
        {
            var response = await app.SendAsync(Signed("ghost-" + i));
            Assert.Equal("error=unknown_key", response.SignatureError);
        }
        Assert.InRange(_server.JwksRequests, 1, 2);

        app.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("error=unknown_key", (await app.SendAsync(Signed("phantom-" + i))).SignatureError);
        }
        Assert.InRange(_server.JwksRequests, 2, 3);
        Assert.Equal(200, (await app.SendAsync(Signed())).Status);
    }

    [Fact]
    public async Task Outage_keeps_serving_cached_keys()
    {
        await using var app = CreateApp();
        Assert.Equal(200, (await app.SendAsync(Signed())).Status);

        _server.SetStatus(500);
        app.Time.Advance(TimeSpan.FromHours(13));
        var now = app.Time.GetUtcNow();
        var fetched = _server.JwksRequests;
        Assert.Equal("error=unknown_key", (await app.SendAsync(Signed("ghost", now))).SignatureError); // forces a (failing) refresh
        Assert.True(_server.JwksRequests > fetched, "the refresh was not attempted");
        Assert.Equal(200, (await app.SendAsync(Signed(created: now))).Status);
        Assert.Equal(200, (await app.SendAsync(Signed("agent-2", now))).Status);
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("oversized")]
    [InlineData("too many keys")]
    [InlineData("empty body")]
    public async Task A_bad_jwks_never_replaces_good_keys(string fault)
    {
        await using var app = CreateApp(o =>
        {
            o.Jwks.MaxResponseBytes = 8 * 1024;
            o.Jwks.MaxKeys = 10;
        });
        Assert.Equal(200, (await app.SendAsync(Signed())).Status);
        var fetched = _server.JwksRequests;

        switch (fault)
        {
            case "malformed":
                _server.SetJwks("{\"keys\":[{\"kty\":");
                break;
            case "oversized":
                _server.SetJwks("{\"keys\":[],\"pad\":\"" + new string('p', 9 * 1024) + "\"}");
                break;
            case "too many keys":
                _server.SetJwks(TestTokens.Jwks(Enumerable.Range(0, 11).Select(_ => TestTokens.PublicJwk(SecurityApp.StrangerKey, null)).ToArray()));
                break;
            default:
                _server.SetJwks("");
                break;
        }
        app.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("error=unknown_key", (await app.SendAsync(Signed("ghost"))).SignatureError);
        Assert.True(_server.JwksRequests > fetched, "the refresh was not attempted");

        Assert.Equal(200, (await app.SendAsync(Signed())).Status);
        Assert.Equal(200, (await app.SendAsync(Signed("agent-2"))).Status);
    }

    [Fact]
    public async Task A_key_removed_from_the_jwks_is_unknown_key_after_the_next_good_fetch()
    {
        await using var app = CreateApp();
        Assert.Equal(200, (await app.SendAsync(Signed("agent-2"))).Status);

        _server.SetJwks(SecurityApp.AgentJwks(SecurityApp.AgentKey));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("error=unknown_key", (await app.SendAsync(Signed("ghost"))).SignatureError); // forces the refresh

        Assert.Equal("error=unknown_key", (await app.SendAsync(Signed("agent-2"))).SignatureError);
        Assert.Equal(200, (await app.SendAsync(Signed())).Status);
    }
}
