using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentAuth.AspNetCore.Tests.Replay;

public sealed class MemoryReplayCacheTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }
    }

    [Fact]
    public async Task First_use_is_accepted_and_the_second_is_a_replay()
    {
        var cache = CreateCache();

        Assert.True(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync("sig:k1:nonce-1", Start.AddMinutes(10)));
        Assert.True(await cache.TryAddAsync("sig:k1:nonce-2", Start.AddMinutes(5)));
        Assert.True(await cache.TryAddAsync("sig:k2:nonce-1", Start.AddMinutes(5)));
    }

    [Fact]
    public async Task Keys_differing_only_in_case_or_length_are_distinct()
    {
        var cache = CreateCache();
        var longKey = new string('n', 10_000);

        Assert.True(await cache.TryAddAsync("jti:abc", Start.AddMinutes(5)));
        Assert.True(await cache.TryAddAsync("jti:ABC", Start.AddMinutes(5)));
        Assert.True(await cache.TryAddAsync(longKey, Start.AddMinutes(5)));
        Assert.True(await cache.TryAddAsync(longKey + "x", Start.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync(longKey, Start.AddMinutes(5)));
    }

    [Fact]
    public async Task An_entry_is_a_replay_until_its_expiry_and_reusable_from_then_on()
    {
        var cache = CreateCache();
        var expiresAt = Start.AddMinutes(5);
        Assert.True(await cache.TryAddAsync("k", expiresAt));

        _time.SetUtcNow(expiresAt.AddTicks(-1));
        Assert.False(await cache.TryAddAsync("k", expiresAt.AddMinutes(5)));

        // Expired at exactly its expiry: the slot is reused, with the new expiry.
        _time.SetUtcNow(expiresAt);
        Assert.True(await cache.TryAddAsync("k", expiresAt.AddMinutes(5)));
        Assert.False(await cache.TryAddAsync("k", expiresAt.AddMinutes(5)));

        _time.SetUtcNow(expiresAt.AddMinutes(4));
        Assert.False(await cache.TryAddAsync("k", expiresAt.AddMinutes(10)));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Concurrent_adds_of_one_key_admit_exactly_one()
    {
        var cache = CreateCache();
        var accepted = ConcurrentRace.Run(rounds: 300, callers: 64,
            round => cache.TryAddAsync("race:" + round, Start.AddMinutes(5)).AsTask().GetAwaiter().GetResult());
        AssertExactlyOnePerRound(accepted);
    }

    [Fact]
    public void Concurrent_reuse_of_an_expired_key_admits_exactly_one()
    {
        var cache = CreateCache();
        int largestCount = 0;
        // Each round the single key has just expired (the clock moves past it between rounds) and 64 callers race to replace it.
        var accepted = ConcurrentRace.Run(rounds: 300, callers: 64,
            round => cache.TryAddAsync("reused-key", Start.AddMinutes(round + 1)).AsTask().GetAwaiter().GetResult(),
            afterRound: round =>
            {
                largestCount = Math.Max(largestCount, cache.Count);
                _time.SetUtcNow(Start.AddMinutes(round + 1));
            });
        AssertExactlyOnePerRound(accepted);
        Assert.Equal(1, largestCount);
    }

    [Fact]
    public void Racing_with_an_expiry_already_past_still_admits_exactly_one()
    {
        var cache = CreateCache();
        var accepted = ConcurrentRace.Run(rounds: 100, callers: 64,
            round => cache.TryAddAsync("late:" + round, Start.AddMinutes(-1)).AsTask().GetAwaiter().GetResult());
        AssertExactlyOnePerRound(accepted);
    }

    [Fact]
    public async Task A_full_cache_fails_closed_and_never_evicts_a_live_entry()
    {
        var cache = CreateCache(sizeLimit: 3);
        Assert.True(await cache.TryAddAsync("a", Start.AddMinutes(1)));
        Assert.True(await cache.TryAddAsync("b", Start.AddMinutes(2)));
        Assert.True(await cache.TryAddAsync("c", Start.AddMinutes(3)));

        var ex = await Assert.ThrowsAsync<ReplayCacheUnavailableException>(() => cache.TryAddAsync("d", Start.AddMinutes(3)).AsTask());
        Assert.Contains("MemoryReplayCacheOptions.SizeLimit", ex.Message, StringComparison.Ordinal);

        // Replays are still detected while full: every live entry is kept.
        Assert.False(await cache.TryAddAsync("a", Start.AddMinutes(1)));
        Assert.False(await cache.TryAddAsync("b", Start.AddMinutes(2)));
        Assert.False(await cache.TryAddAsync("c", Start.AddMinutes(3)));
        Assert.Equal(3, cache.Count);

        // Once "a" expires, a new key finds room by purging it.
        _time.SetUtcNow(Start.AddMinutes(1));
        Assert.True(await cache.TryAddAsync("d", Start.AddMinutes(4)));
        Assert.Equal(3, cache.Count);
        await Assert.ThrowsAsync<ReplayCacheUnavailableException>(() => cache.TryAddAsync("e", Start.AddMinutes(4)).AsTask());
        Assert.False(await cache.TryAddAsync("b", Start.AddMinutes(2)));
        Assert.False(await cache.TryAddAsync("d", Start.AddMinutes(4)));
    }

    [Fact]
    public async Task A_full_cache_purges_every_expired_entry_at_once()
    {
        var cache = CreateCache(sizeLimit: 10);
        for (int i = 0; i < 8; i++)
        {
            Assert.True(await cache.TryAddAsync("short-" + i, Start.AddMinutes(1)));
        }
        Assert.True(await cache.TryAddAsync("long-0", Start.AddMinutes(10)));
        Assert.True(await cache.TryAddAsync("long-1", Start.AddMinutes(10)));

        _time.SetUtcNow(Start.AddMinutes(2));
        Assert.True(await cache.TryAddAsync("new", Start.AddMinutes(12)));

        Assert.Equal(3, cache.Count);
        Assert.False(await cache.TryAddAsync("long-0", Start.AddMinutes(10)));
        Assert.False(await cache.TryAddAsync("long-1", Start.AddMinutes(10)));
    }

    [Fact]
    public void Concurrent_adds_never_exceed_the_size_limit()
    {
        const int limit = 50;
        var cache = CreateCache(sizeLimit: limit);
        int refused = 0;
        var accepted = ConcurrentRace.Run(rounds: 4, callers: 64, round =>
        {
            try
            {
                return cache.TryAddAsync("k" + Environment.CurrentManagedThreadId + ":" + round, Start.AddMinutes(5)).AsTask().GetAwaiter().GetResult();
            }
            catch (ReplayCacheUnavailableException)
            {
                Interlocked.Increment(ref refused);
                return false;
            }
        });

        Assert.Equal(limit, accepted.Sum());
        Assert.Equal((4 * 64) - limit, refused);
        Assert.Equal(limit, cache.Count);
    }

    [Fact]
    public async Task The_purge_timer_removes_expired_entries_and_keeps_live_ones()
    {
        var cache = CreateCache(purgeInterval: TimeSpan.FromMinutes(1));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await cache.TryAddAsync("short-" + i, Start.AddSeconds(30)));
        }
        Assert.True(await cache.TryAddAsync("long", Start.AddMinutes(10)));
        Assert.Equal(6, cache.Count);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(6, cache.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, cache.Count);
        Assert.False(await cache.TryAddAsync("long", Start.AddMinutes(10)));
        Assert.True(await cache.TryAddAsync("short-0", Start.AddMinutes(10)));
    }

    [Fact]
    public async Task Capacity_refusals_are_counted_on_the_AgentAuth_meter()
    {
        var cache = CreateCache(sizeLimit: 1);
        var measurements = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AgentAuth.AspNetCore" && instrument.Name == "agentauth.replay_cache.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }
            lock (measurements)
            {
                measurements.Add((value, copy));
            }
        });
        listener.Start();

        Assert.True(await cache.TryAddAsync("a", Start.AddMinutes(1)));
        await Assert.ThrowsAsync<ReplayCacheUnavailableException>(() => cache.TryAddAsync("b", Start.AddMinutes(1)).AsTask());

        var measurement = Assert.Single(measurements);
        Assert.Equal(1, measurement.Value);
        Assert.Equal("memory", measurement.Tags["agentauth.replay_cache.store"]);
        Assert.Equal("add", measurement.Tags["agentauth.replay_cache.operation"]);
        Assert.Equal("capacity_exceeded", measurement.Tags["error.type"]);
    }

    [Fact]
    public async Task Null_key_and_cancelled_calls_are_rejected()
    {
        var cache = CreateCache();
        await Assert.ThrowsAsync<ArgumentNullException>(() => cache.TryAddAsync(null!, Start.AddMinutes(1)).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.TryAddAsync("k", Start.AddMinutes(1), new CancellationToken(canceled: true)).AsTask());
        Assert.True(await cache.TryAddAsync("k", Start.AddMinutes(1)));
    }

    [Theory]
    [InlineData(0, 60, "MemoryReplayCacheOptions.SizeLimit")]
    [InlineData(-5, 60, "MemoryReplayCacheOptions.SizeLimit")]
    [InlineData(10, 0, "MemoryReplayCacheOptions.PurgeInterval")]
    [InlineData(10, -1, "MemoryReplayCacheOptions.PurgeInterval")]
    public void Invalid_options_fail_with_the_option_name(int sizeLimit, int purgeSeconds, string option)
    {
        var services = new ServiceCollection();
        services.TryAddAgentAuthReplayCache();
        services.Configure<MemoryReplayCacheOptions>(o =>
        {
            o.SizeLimit = sizeLimit;
            o.PurgeInterval = TimeSpan.FromSeconds(purgeSeconds);
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IReplayCache>());
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_registration_yields_one_in_memory_cache_and_keeps_an_existing_one()
    {
        var services = new ServiceCollection();
        services.TryAddAgentAuthReplayCache();
        services.TryAddAgentAuthReplayCache();
        using (var provider = services.BuildServiceProvider())
        {
            var cache = provider.GetRequiredService<IReplayCache>();
            Assert.IsType<MemoryReplayCache>(cache);
            Assert.Same(cache, provider.GetRequiredService<IReplayCache>());
            Assert.Equal(MemoryReplayCacheOptions.DefaultSizeLimit, provider.GetRequiredService<IOptions<MemoryReplayCacheOptions>>().Value.SizeLimit);
        }

        var custom = new ServiceCollection();
        var existing = new FixedReplayCache();
        custom.AddSingleton<IReplayCache>(existing);
        custom.TryAddAgentAuthReplayCache();
        using var customProvider = custom.BuildServiceProvider();
        Assert.Same(existing, customProvider.GetRequiredService<IReplayCache>());
    }

    private static void AssertExactlyOnePerRound(int[] accepted)
    {
        for (int round = 0; round < accepted.Length; round++)
        {
            Assert.True(accepted[round] == 1, $"Round {round}: {accepted[round]} of 64 callers were told first use.");
        }
    }

    private MemoryReplayCache CreateCache(int sizeLimit = MemoryReplayCacheOptions.DefaultSizeLimit, TimeSpan? purgeInterval = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.TryAddAgentAuthReplayCache();
        services.Configure<MemoryReplayCacheOptions>(o =>
        {
            o.SizeLimit = sizeLimit;
            o.PurgeInterval = purgeInterval ?? TimeSpan.FromMinutes(1);
        });
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return Assert.IsType<MemoryReplayCache>(provider.GetRequiredService<IReplayCache>());
    }

    private sealed class FixedReplayCache : IReplayCache
    {
        public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(false);
    }
}
