using System.Diagnostics.Metrics;
using System.Net;
using AgentAuth.AspNetCore.Tests.DPoP;
using AgentAuth.AspNetCore.Tests.Handler;
using AgentAuth.AspNetCore.Tests.Tokens;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AgentAuth.AspNetCore.Tests.Handler.ResponseAssert;

namespace AgentAuth.AspNetCore.Tests.Security;

/// <summary>
/// Issue 23, S1: the in-memory replay cache is partitioned by agent key, so one authenticated agent that floods
/// single-use values is answered 429 at its quota while every other agent keeps being served (no shared 503).
/// </summary>
public sealed class ReplayQuotaTests
{
    private const int SizeLimit = 50;

    [Fact]
    public async Task S1_agent_flooding_nonces_on_404_paths_is_refused_429_and_another_agent_is_still_served_over_Kestrel()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        using var attacker = TestAgent.Ed25519(time, "agent-a");
        using var victim = TestAgent.Ed25519(time, "agent-b");
        await using var host = await HandlerHost.StartAsync(
            o => o.AgentKeys.JsonWebKeySet = TestTokens.Jwks(TestTokens.PublicJwk(attacker.Key, alg: null), TestTokens.PublicJwk(victim.Key, alg: null)),
            services => services.Configure<MemoryReplayCacheOptions>(o => o.SizeLimit = SizeLimit),
            kestrel: true,
            time: time);

        // More nonces than the whole cache holds, on paths that need no scope (404): each is recorded before routing answers.
        for (var i = 0; i < SizeLimit + 10; i++)
        {
            using var flood = await host.SendAsync(Signed(attacker, host, "/no-such-path-" + i));
            Assert.Equal(HttpStatusCode.NotFound, flood.StatusCode);
        }

        using var refused = await host.SendAsync(Signed(attacker, host, "/protected"));
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal(["error=replay_quota_exceeded"], Header(refused, "Signature-Error"));
        var retryAfter = Assert.Single(Header(refused, "Retry-After"));
        Assert.True(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(["no-store"], Header(refused, "Cache-Control"));

        using var served = await host.SendAsync(Signed(victim, host, "/protected"));
        await SucceededAsync(served);
    }

    [Fact]
    public async Task S1_DPoP_proof_key_at_its_quota_gets_429_in_the_DPoP_challenge_and_another_proof_key_is_served()
    {
        await using var setup = new TokenSetup();
        using var flooder = SignatureKey.GenerateEcdsaP256();
        using var other = SignatureKey.GenerateEcdsaP256();
        var host = await setup.StartAsync(services: s => s.Configure<MemoryReplayCacheOptions>(o =>
        {
            o.SizeLimit = 20;
            o.PerKeyLimit = 2;
        }));
        var flooderToken = setup.Token(TokenSetup.Jkt(flooder.Thumbprint));

        await SucceededAsync(await host.SendAsync(DPoPRequest(setup, flooder, flooderToken)));
        await SucceededAsync(await host.SendAsync(DPoPRequest(setup, flooder, flooderToken)));
        using var refused = await host.SendAsync(DPoPRequest(setup, flooder, flooderToken));

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal(["DPoP error=\"replay_quota_exceeded\", error_description=\"This key has too many unexpired single-use values; retry later.\""],
            Header(refused, "WWW-Authenticate"));
        Assert.Single(Header(refused, "Retry-After"));
        Assert.Empty(Header(refused, "Signature-Error"));
        await SucceededAsync(await host.SendAsync(DPoPRequest(setup, other, setup.Token(TokenSetup.Jkt(other.Thumbprint)))));
    }

    [Fact]
    public async Task S1_a_key_at_its_quota_has_room_again_when_its_values_expire_and_retry_after_points_there()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var cache = CreateCache(time, sizeLimit: 100, perKeyLimit: 3);
        var expiry = TestTokens.Now.AddMinutes(2);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await cache.TryAddAsync("sig:a:" + i, expiry, "a"));
        }
        // A replay of a recorded value is still a replay (false), not a quota refusal.
        Assert.False(await cache.TryAddAsync("sig:a:0", expiry, "a"));
        var ex = await Assert.ThrowsAsync<ReplayQuotaExceededException>(() => cache.TryAddAsync("sig:a:3", expiry, "a").AsTask());
        Assert.Equal(TimeSpan.FromMinutes(2), ex.RetryAfter);
        Assert.True(await cache.TryAddAsync("sig:b:0", expiry, "b"));

        time.SetUtcNow(expiry);
        Assert.True(await cache.TryAddAsync("sig:a:3", expiry.AddMinutes(2), "a"));
        Assert.Equal(1, cache.PartitionCount("a"));
    }

    [Fact]
    public void S1_concurrent_adds_for_one_key_never_exceed_its_quota_and_expired_values_make_room()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var cache = CreateCache(time, sizeLimit: 1000, perKeyLimit: 5);

        var accepted = Replay.ConcurrentRace.Run(rounds: 20, callers: 16, attempt: round =>
        {
            try
            {
                return cache.TryAddAsync("sig:a:" + round + ":" + Environment.CurrentManagedThreadId, time.GetUtcNow().AddMinutes(1), "a")
                    .AsTask().GetAwaiter().GetResult();
            }
            catch (ReplayQuotaExceededException)
            {
                return false;
            }
        }, afterRound: _ => time.Advance(TimeSpan.FromMinutes(2)));

        Assert.All(accepted, count => Assert.Equal(5, count));
        Assert.True(cache.PartitionCount("a") <= 5);
    }

    [Fact]
    public async Task S1_fill_ratio_is_published_as_an_observable_gauge_on_the_AgentAuth_meter()
    {
        var time = new FakeTimeProvider(TestTokens.Now);
        var cache = CreateCache(time, sizeLimit: 10, perKeyLimit: 10, out var meterFactory);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await cache.TryAddAsync("sig:a:" + i, TestTokens.Now.AddMinutes(1), "a"));
        }

        var observed = new List<(double Value, string? Store)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this cache's meter: other tests' caches publish the same instrument in parallel.
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == "AgentAuth.AspNetCore"
                && instrument.Name == "agentauth.replay_cache.fill_ratio")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? store = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "agentauth.replay_cache.store")
                {
                    store = tag.Value as string;
                }
            }
            observed.Add((value, store));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        var measurement = Assert.Single(observed);
        Assert.Equal(0.4, measurement.Value, 3);
        Assert.Equal("memory", measurement.Store);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public void S1_per_key_limit_outside_1_to_SizeLimit_is_refused_at_startup_naming_the_option(int perKeyLimit)
    {
        var result = new MemoryReplayCacheOptionsValidator().Validate(null, new MemoryReplayCacheOptions { SizeLimit = 50, PerKeyLimit = perKeyLimit });

        Assert.True(result.Failed);
        Assert.Contains("MemoryReplayCacheOptions.PerKeyLimit", result.FailureMessage, StringComparison.Ordinal);
    }

    private static HttpRequestMessage DPoPRequest(TokenSetup setup, SignatureKey proofKey, string token)
    {
        var proof = new TestProofBuilder(proofKey, "ES256", "GET", TokenSetup.Protected, token, setup.Time.GetUtcNow());
        var request = new HttpRequestMessage(HttpMethod.Get, TokenSetup.Protected);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + token);
        request.Headers.TryAddWithoutValidation("DPoP", proof.Build());
        return request;
    }

    private static HttpRequestMessage Signed(TestAgent agent, HandlerHost host, string path) =>
        agent.Sign(TestAgent.Request(HttpMethod.Get, host.Url(path).ToString()), parameters: p => p.Nonce = Guid.NewGuid().ToString("N"));

    private static MemoryReplayCache CreateCache(FakeTimeProvider time, int sizeLimit, int perKeyLimit) =>
        CreateCache(time, sizeLimit, perKeyLimit, out _);

    private static MemoryReplayCache CreateCache(FakeTimeProvider time, int sizeLimit, int perKeyLimit, out IMeterFactory meterFactory)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.TryAddAgentAuthReplayCache();
        services.Configure<MemoryReplayCacheOptions>(o =>
        {
            o.SizeLimit = sizeLimit;
            o.PerKeyLimit = perKeyLimit;
        });
        // The provider lives as long as the test process; the cache's purge timer is on the manual clock.
        var provider = services.BuildServiceProvider();
        meterFactory = provider.GetRequiredService<IMeterFactory>();
        return Assert.IsType<MemoryReplayCache>(provider.GetRequiredService<IReplayCache>());
    }
}
