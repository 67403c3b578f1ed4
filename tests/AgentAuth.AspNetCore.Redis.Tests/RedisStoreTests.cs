using AgentAuth.AspNetCore.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentAuth.AspNetCore.Redis.Tests;

[Collection(RedisCollection.Name)]
public sealed class RedisStoreTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task Entries_are_prefixed_hashed_keys_with_a_ttl_and_no_value_in_clear()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var services = Create(redis.Configuration, o => o.KeyPrefix = prefix);
        var cache = services.GetRequiredService<IReplayCache>();

        Assert.True(await cache.TryAddAsync("sig:thumb:secret-nonce", TimeProvider.System.GetUtcNow().AddMinutes(5), "thumb"));
        Assert.True(await cache.TryAddAsync("jti:plain", TimeProvider.System.GetUtcNow().AddMinutes(5)));

        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var keys = server.Keys(pattern: prefix + "*").Select(k => (string)k!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, keys.Length);
        Assert.Equal(2, keys.Count(k => k.StartsWith(prefix + "replay:", StringComparison.Ordinal) && k.Length == prefix.Length + 7 + 64));
        Assert.Single(keys, k => k.StartsWith(prefix + "replay-quota:", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.Contains("secret-nonce", StringComparison.Ordinal) || k.Contains("plain", StringComparison.Ordinal));
        foreach (var key in keys)
        {
            var ttl = await mux.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        }
    }

    [Fact]
    public async Task An_agent_key_at_its_quota_gets_429_semantics_while_other_keys_and_replays_are_unaffected()
    {
        var services = Create(redis.Configuration, o => o.PerKeyLimit = 2);
        var cache = services.GetRequiredService<IReplayCache>();
        var expiresAt = TimeProvider.System.GetUtcNow().AddMinutes(5);

        Assert.True(await cache.TryAddAsync("v1", expiresAt, "flooder"));
        Assert.True(await cache.TryAddAsync("v2", expiresAt, "flooder"));
        var refused = await Assert.ThrowsAsync<ReplayQuotaExceededException>(() => cache.TryAddAsync("v3", expiresAt, "flooder").AsTask());
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        // A replay is judged before the quota and costs nothing; another agent key is served.
        Assert.False(await cache.TryAddAsync("v1", expiresAt, "flooder"));
        Assert.True(await cache.TryAddAsync("w1", expiresAt, "someone-else"));
        // The refused value was not recorded.
        Assert.True(await cache.TryAddAsync("v3", expiresAt, "someone-else"));
    }

    [Fact]
    public async Task With_the_quota_off_a_partitioned_check_is_a_plain_set_nx_and_writes_no_quota_set()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var services = Create(redis.Configuration, o =>
        {
            o.KeyPrefix = prefix;
            o.PerKeyLimit = null;
        });
        var cache = services.GetRequiredService<IReplayCache>();
        var expiresAt = TimeProvider.System.GetUtcNow().AddMinutes(5);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(await cache.TryAddAsync("v" + i, expiresAt, "k"));
            Assert.False(await cache.TryAddAsync("v" + i, expiresAt, "k"));
        }
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var keys = mux.GetServer(mux.GetEndPoints()[0]).Keys(pattern: prefix + "*").Select(k => (string)k!).ToArray();
        Assert.Equal(3, keys.Length);
        Assert.DoesNotContain(keys, k => k.Contains("replay-quota:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quota_slot_is_released_when_its_value_expires()
    {
        var services = Create(redis.Configuration, o => o.PerKeyLimit = 1);
        var cache = services.GetRequiredService<IReplayCache>();

        // Redis expires on its own clock: the entry lives long enough for a stalled CI machine to see the quota taken.
        Assert.True(await cache.TryAddAsync("short", TimeProvider.System.GetUtcNow().AddSeconds(4), "k"));
        await Assert.ThrowsAsync<ReplayQuotaExceededException>(() => cache.TryAddAsync("next", TimeProvider.System.GetUtcNow().AddMinutes(1), "k").AsTask());
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.True(await cache.TryAddAsync("next", TimeProvider.System.GetUtcNow().AddMinutes(1), "k"));
    }

    [Fact]
    public async Task A_redis_that_stops_answering_fails_closed_within_the_operation_timeout()
    {
        await using var paused = await PrivateRedisServer.StartAsync();
        var services = Create(paused.Configuration, o => o.OperationTimeout = TimeSpan.FromMilliseconds(1500));
        var cache = services.GetRequiredService<IReplayCache>();
        var revocations = services.GetRequiredService<IRevocationStore>();
        Assert.True(await cache.TryAddAsync("before", TimeProvider.System.GetUtcNow().AddMinutes(1), "k"));

        Assert.Equal("+OK", await paused.CommandAsync("CLIENT PAUSE 20000 ALL"));

        var add = await Assert.ThrowsAsync<ReplayCacheUnavailableException>(
            () => cache.TryAddAsync("during", TimeProvider.System.GetUtcNow().AddMinutes(1), "k").AsTask().WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.IsType<TimeoutException>(add.InnerException);
        Assert.Contains("timeout", add.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(
            () => revocations.IsRevokedAsync("jti:i:1").AsTask().WaitAsync(TimeSpan.FromSeconds(15)));
        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(
            () => revocations.RevokeAsync("jti:i:1", TimeProvider.System.GetUtcNow().AddMinutes(1)).AsTask().WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_revocation_made_through_one_instance_is_seen_by_another_until_it_expires()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var a = Create(redis.Configuration, o => o.KeyPrefix = prefix).GetRequiredService<IRevocationStore>();
        var b = Create(redis.Configuration, o => o.KeyPrefix = prefix).GetRequiredService<IRevocationStore>();

        Assert.False(await b.IsRevokedAsync("jti:https://issuer.example:t-1"));
        await a.RevokeAsync("jti:https://issuer.example:t-1", TimeProvider.System.GetUtcNow().AddSeconds(4));
        Assert.True(await b.IsRevokedAsync("jti:https://issuer.example:t-1"));
        Assert.False(await b.IsRevokedAsync("jti:https://issuer.example:t-2"));

        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.False(await b.IsRevokedAsync("jti:https://issuer.example:t-1"));
    }

    [Fact]
    public async Task Revoking_again_keeps_the_later_expiry()
    {
        var prefix = RedisServerFixture.UniquePrefix();
        var store = Create(redis.Configuration, o => o.KeyPrefix = prefix).GetRequiredService<IRevocationStore>();

        await store.RevokeAsync("tok:abc", TimeProvider.System.GetUtcNow().AddMinutes(10));
        await store.RevokeAsync("tok:abc", TimeProvider.System.GetUtcNow().AddMilliseconds(500));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(await store.IsRevokedAsync("tok:abc"));

        await store.RevokeAsync("tok:def", TimeProvider.System.GetUtcNow().AddMilliseconds(500));
        await store.RevokeAsync("tok:def", TimeProvider.System.GetUtcNow().AddMinutes(10));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(await store.IsRevokedAsync("tok:def"));
    }

    [Fact]
    public async Task An_unreachable_redis_fails_revocation_checks_closed_and_counts_them()
    {
        var services = Create($"127.0.0.1:{PrivateRedisServer.GetFreePort()},abortConnect=false,connectTimeout=200",
            o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var store = services.GetRequiredService<IRevocationStore>();
        long failures = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "agentauth.revocation_store.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();

        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(() => store.IsRevokedAsync("tok:x").AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<RevocationStoreUnavailableException>(
            () => store.RevokeAsync("tok:x", TimeProvider.System.GetUtcNow().AddMinutes(1)).AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(2, Interlocked.Read(ref failures));
    }

    [Fact]
    public async Task An_existing_multiplexer_is_used_and_left_open_for_the_application()
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var services = new ServiceCollection();
        services.AddAgentAuthRedis(mux);
        var provider = services.BuildServiceProvider();
        Assert.IsType<RedisReplayCache>(provider.GetRequiredService<IReplayCache>());
        Assert.IsType<RedisRevocationStore>(provider.GetRequiredService<IRevocationStore>());
        Assert.True(await provider.GetRequiredService<IReplayCache>().TryAddAsync("m:" + Guid.NewGuid(), DateTimeOffset.UtcNow.AddMinutes(1)));

        await provider.DisposeAsync();
        Assert.True(mux.IsConnected);
        Assert.True(await mux.GetDatabase().PingAsync() >= TimeSpan.Zero);
    }

    [Theory]
    [InlineData("KeyPrefix")]
    [InlineData("OperationTimeout")]
    [InlineData("PerKeyLimit")]
    [InlineData("Configuration")]
    public void Invalid_options_fail_at_startup_naming_the_option(string option)
    {
        var services = new ServiceCollection();
        services.AddAgentAuthRedis(option == "Configuration" ? "127.0.0.1:1,connectTimeout=notanumber" : redis.Configuration, o =>
        {
            switch (option)
            {
                case "KeyPrefix": o.KeyPrefix = "has space"; break;
                case "OperationTimeout": o.OperationTimeout = TimeSpan.Zero; break;
                case "PerKeyLimit": o.PerKeyLimit = 0; break;
            }
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisStoreOptions>>().Value);
        Assert.Contains("RedisStoreOptions." + option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_replaces_the_in_memory_stores_whatever_the_order()
    {
        var services = new ServiceCollection();
        services.AddAuthentication().AddAgentAuth(_ => { }).AddAgentAuthRedis(redis.Configuration);
        using var provider = services.BuildServiceProvider();
        Assert.IsType<RedisReplayCache>(provider.GetRequiredService<IReplayCache>());
        Assert.IsType<RedisRevocationStore>(provider.GetRequiredService<IRevocationStore>());
    }

    private ServiceProvider Create(string configuration, Action<RedisStoreOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddAgentAuthRedis(configuration, o =>
        {
            o.KeyPrefix = RedisServerFixture.UniquePrefix();
            // Healthy-server tests must not fail because a loaded CI machine stalled one round trip past the 1 s default;
            // the outage tests set their own short timeouts.
            o.OperationTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }
}
