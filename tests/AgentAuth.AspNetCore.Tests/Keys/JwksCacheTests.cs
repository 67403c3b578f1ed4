using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Keys;

public sealed class JwksCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(JwksCacheFixture.Start);
    private readonly FetchRecorder _fetches = new();
    private TestJwksServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestJwksServer.StartAsync();
        _server.SetJwks(TestKeyParser.Jwks("a"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _fetches.Dispose();
    }

    private JwksCache<TestKey> Cache(JwksCacheOptions? options = null) =>
        JwksCacheFixture.Create(JwksCacheFixture.UriSource(_server, _time, options), _time, options, _fetches.Metrics);

    [Fact]
    public async Task First_lookup_fetches_and_finds_the_key()
    {
        var cache = Cache();

        var result = await cache.FindAsync("a", matchThumbprints: false, default);

        Assert.Equal(KeyLookupStatus.Found, result.Status);
        Assert.Equal("a", result.Key!.KeyId);
        Assert.Equal(1, _server.JwksRequests);
        Assert.Equal(new[] { JwksFetchOutcomes.Success }, _fetches.Outcomes);
    }

    [Fact]
    public async Task Cached_keys_are_served_without_fetching_again()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);

        _time.Advance(TimeSpan.FromHours(11));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        }

        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task Thumbprint_lookup_only_when_asked()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);

        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("thumb-a-x", matchThumbprints: true, default)).Status);
        var byKidOnly = await cache.FindAsync("thumb-a-x", matchThumbprints: false, default);
        Assert.Equal(KeyLookupStatus.UnknownKey, byKidOnly.Status);
    }

    [Fact]
    public async Task Many_concurrent_first_requests_share_exactly_one_fetch()
    {
        var cache = Cache();
        _server.Hold();

        var lookups = new Task<KeySetLookup<TestKey>>[64];
        for (var i = 0; i < lookups.Length; i++)
        {
            lookups[i] = Task.Run(() => cache.FindAsync("a", false, default).AsTask());
        }
        await JwksCacheFixture.WaitUntilAsync(() => _server.JwksRequests == 1);
        _server.Release();
        var results = await Task.WhenAll(lookups);

        Assert.All(results, r => Assert.Equal(KeyLookupStatus.Found, r.Status));
        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task A_caller_cancellation_does_not_cancel_the_shared_fetch()
    {
        var cache = Cache();
        _server.Hold();
        using var cts = new CancellationTokenSource();

        var cancelled = cache.FindAsync("a", false, cts.Token).AsTask();
        var patient = cache.FindAsync("a", false, default).AsTask();
        await JwksCacheFixture.WaitUntilAsync(() => _server.JwksRequests == 1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _server.Release();

        Assert.Equal(KeyLookupStatus.Found, (await patient).Status);
        Assert.Equal(1, _server.JwksRequests);
        Assert.Equal(new[] { JwksFetchOutcomes.Success }, _fetches.Outcomes);
    }

    [Fact]
    public async Task Rotation_new_kid_appears_after_automatic_refresh_and_removed_kid_disappears()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);
        _server.SetJwks(TestKeyParser.Jwks("b"));

        // Before the automatic refresh is due nothing changes.
        _time.Advance(TimeSpan.FromHours(11.9));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(1, _server.JwksRequests);

        // 12 h + 5 % jitter at most: the refresh runs in the background while the old key still answers.
        _time.Advance(TimeSpan.FromHours(0.75));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        await _fetches.WaitForFetchesAsync(2);
        await JwksCacheFixture.WaitUntilAsync(() => cache.Current!.ContainsKeyId("b"));

        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("b", false, default)).Status);
        Assert.False(cache.Current!.ContainsKeyId("a"));
        Assert.Equal(2, _server.JwksRequests);
    }

    [Fact]
    public async Task Unknown_kid_forces_one_immediate_refresh_that_finds_a_rotated_key()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);
        _server.SetJwks(TestKeyParser.Jwks("a", "b"));

        var result = await cache.FindAsync("b", false, default);

        Assert.Equal(KeyLookupStatus.Found, result.Status);
        Assert.Equal(2, _server.JwksRequests);
    }

    [Fact]
    public async Task Unknown_kid_flood_costs_at_most_one_fetch_per_refresh_interval()
    {
        var options = new JwksCacheOptions { RefreshInterval = TimeSpan.FromMinutes(5) };
        var cache = Cache(options);
        await cache.FindAsync("a", false, default);

        for (var round = 0; round < 3; round++)
        {
            var lookups = new Task<KeySetLookup<TestKey>>[50];
            for (var i = 0; i < lookups.Length; i++)
            {
                var kid = Guid.NewGuid().ToString("N");
                lookups[i] = Task.Run(() => cache.FindAsync(kid, false, default).AsTask());
            }
            var results = await Task.WhenAll(lookups);
            Assert.All(results, r => Assert.Equal(KeyLookupStatus.UnknownKey, r.Status));
            Assert.Equal(2 + round, _server.JwksRequests);

            // Still inside the interval: no fetch at all.
            _time.Advance(TimeSpan.FromMinutes(4));
            Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync(Guid.NewGuid().ToString("N"), false, default)).Status);
            Assert.Equal(2 + round, _server.JwksRequests);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Unknown_kid_does_not_refresh_when_turned_off()
    {
        var cache = Cache(new JwksCacheOptions { RefreshOnUnknownKeyId = false });
        await cache.FindAsync("a", false, default);

        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("zzz", false, default)).Status);
        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task Outage_with_cached_keys_serves_stale_keys_and_retries_after_refresh_interval()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);
        _server.SetStatus(500);

        _time.Advance(TimeSpan.FromHours(13));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        await _fetches.WaitForFetchesAsync(2);
        Assert.Equal(JwksFetchOutcomes.HttpError, _fetches.Outcomes[1]);

        // Served stale, and no new fetch before RefreshInterval.
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(2, _server.JwksRequests);

        _server.SetStatus(200);
        _server.SetJwks(TestKeyParser.Jwks("a", "c"));
        _time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        await JwksCacheFixture.WaitUntilAsync(() => cache.Current!.ContainsKeyId("c"));
        Assert.Equal(3, _server.JwksRequests);
    }

    [Fact]
    public async Task Outage_without_cached_keys_is_unavailable_and_backs_off()
    {
        var cache = Cache();
        _server.SetStatus(503);

        var first = await cache.FindAsync("a", false, default);
        Assert.Equal(KeyLookupStatus.Unavailable, first.Status);
        Assert.Equal(JwksCache<TestKey>.UnavailableReason, first.Reason);

        // Back-off: requests during the first second do not fetch.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        }
        Assert.Equal(1, _server.JwksRequests);

        _time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(2, _server.JwksRequests);

        // The delay doubled (2 s + up to 10 % jitter).
        _time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(2, _server.JwksRequests);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        _server.SetStatus(200);
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(3, _server.JwksRequests);
    }

    [Fact]
    public async Task Slow_response_times_out_with_the_backchannel_timeout()
    {
        var options = new JwksCacheOptions { BackchannelTimeout = TimeSpan.FromSeconds(10) };
        var cache = Cache(options);
        _server.Hold();

        var lookup = cache.FindAsync("a", false, default).AsTask();
        await JwksCacheFixture.WaitUntilAsync(() => _server.JwksRequests == 1);
        Assert.False(lookup.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(KeyLookupStatus.Unavailable, (await lookup).Status);
        Assert.Equal(new[] { JwksFetchOutcomes.Timeout }, _fetches.Outcomes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Oversized_response_is_rejected_and_good_keys_are_kept(bool chunked)
    {
        var options = new JwksCacheOptions { MaxResponseBytes = 4096 };
        var cache = Cache(options);
        await cache.FindAsync("a", false, default);

        _server.Chunked = chunked;
        var huge = TestKeyParser.Jwks(Enumerable.Range(0, 400).Select(i => "k" + i).ToArray());
        Assert.True(huge.Length > 4096);
        _server.SetJwks(huge);

        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("k1", false, default)).Status);
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(new[] { JwksFetchOutcomes.Success, JwksFetchOutcomes.Oversized }, _fetches.Outcomes);
    }

    [Fact]
    public async Task Oversized_first_response_is_unavailable()
    {
        var cache = Cache(new JwksCacheOptions { MaxResponseBytes = 64 });
        _server.Chunked = true;
        _server.SetJwks(TestKeyParser.Jwks("a", "b", "c", "d", "e"));

        Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        Assert.Null(cache.Current);
    }

    [Theory]
    [InlineData("{\"keys\":[{\"kid\":\"b\"")]
    [InlineData("<html>not json</html>")]
    [InlineData("{\"nokeys\":true}")]
    public async Task Malformed_response_never_replaces_good_keys(string body)
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);
        _server.SetJwks(body);

        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("b", false, default)).Status);
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(JwksFetchOutcomes.InvalidDocument, _fetches.Outcomes[^1]);
        Assert.Equal(2, _server.JwksRequests);
    }

    [Fact]
    public async Task Too_many_keys_never_replace_good_keys()
    {
        var cache = Cache(new JwksCacheOptions { MaxKeys = 3 });
        await cache.FindAsync("a", false, default);
        _server.SetJwks(TestKeyParser.Jwks("b", "c", "d", "e"));

        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("b", false, default)).Status);
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(JwksFetchOutcomes.InvalidDocument, _fetches.Outcomes[^1]);
    }

    [Fact]
    public async Task Keys_dropped_by_a_good_fetch_stay_gone_when_the_source_then_fails()
    {
        var cache = Cache();
        await cache.FindAsync("a", false, default);
        _server.SetJwks(TestKeyParser.Jwks("b"));
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("b", false, default)).Status);

        // A good fetch without "a": "a" is gone (throttle still closed, so no further fetch).
        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("a", false, default)).Status);

        // The source fails at the next refresh: last-known-good is the last good set ("b"), so "a" stays revoked
        // (issue 14: before, the union with the previous set brought "a" back for an hour).
        _server.SetStatus(500);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(KeyLookupStatus.UnknownKey, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(JwksFetchOutcomes.HttpError, _fetches.Outcomes[^1]);
        Assert.Equal(3, _server.JwksRequests);
        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("b", false, default)).Status);
    }

    [Fact]
    public async Task Http_url_is_refused_when_https_is_required_and_nothing_is_sent()
    {
        var source = new JwksUriKeySource(_server.JwksUri, requireHttps: true, JwksCacheFixture.Reader(_time));
        var cache = JwksCacheFixture.Create(source, _time, metrics: _fetches.Metrics);

        Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(0, _server.JwksRequests);
    }

    [Fact]
    public async Task Discovery_follows_jwks_uri_when_the_issuer_matches()
    {
        var source = new DiscoveryKeySource(_server.DiscoveryUri, _server.BaseAddress, requireHttps: false, JwksCacheFixture.Reader(_time));
        var cache = JwksCacheFixture.Create(source, _time, metrics: _fetches.Metrics);

        Assert.Equal(KeyLookupStatus.Found, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(1, _server.DiscoveryRequests);
        Assert.Equal(1, _server.JwksRequests);
    }

    [Fact]
    public async Task Discovery_with_a_different_issuer_is_rejected()
    {
        _server.DiscoveryIssuer = _server.BaseAddress + "/"; // differs by one byte
        var source = new DiscoveryKeySource(_server.DiscoveryUri, _server.BaseAddress, requireHttps: false, JwksCacheFixture.Reader(_time));
        var cache = JwksCacheFixture.Create(source, _time, metrics: _fetches.Metrics);

        Assert.Equal(KeyLookupStatus.Unavailable, (await cache.FindAsync("a", false, default)).Status);
        Assert.Equal(0, _server.JwksRequests);
        Assert.Equal(new[] { JwksFetchOutcomes.IssuerMismatch }, _fetches.Outcomes);
    }

    [Fact]
    public void Authority_metadata_address_uses_the_well_known_path()
    {
        Assert.Equal("https://login.example.com/tenant/.well-known/openid-configuration", DiscoveryKeySource.MetadataAddressOf("https://login.example.com/tenant/"));
    }
}
