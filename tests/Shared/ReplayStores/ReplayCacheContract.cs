using System.Diagnostics.Metrics;
using AgentAuth.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.Testing.ReplayStores;

/// <summary>
/// A replay cache under test: the cache, the service provider it was resolved from (its clock, its meter factory) and a
/// way to let time pass for it (a fake clock moved forward, or real time for a store such as Redis that expires entries on
/// its own clock).
/// </summary>
public sealed class ReplayCacheHarness(IReplayCache cache, IServiceProvider services, Func<TimeSpan, Task> letTimePass, Func<ValueTask>? dispose = null)
    : IAsyncDisposable
{
    public IReplayCache Cache { get; } = cache;

    public IServiceProvider Services { get; } = services;

    public DateTimeOffset Now => Services.GetRequiredService<TimeProvider>().GetUtcNow();

    public Task LetTimePassAsync(TimeSpan duration) => letTimePass(duration);

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The one contract every <see cref="IReplayCache"/> of the project meets (in-memory, PostgreSQL, Redis): first use wins,
/// an entry is a replay until it expires, of 64 simultaneous copies exactly one is accepted, and a store that cannot
/// answer throws <see cref="ReplayCacheUnavailableException"/> (never "first use") and counts the failure. Each store's
/// test project derives one class from this and says how to make its store.
/// </summary>
public abstract class ReplayCacheContract
{
    private const int Copies = 64;

    /// <summary>The store's name in the <c>agentauth.replay_cache.store</c> tag.</summary>
    protected abstract string StoreName { get; }

    /// <summary>How long the entries of the expiry test live: long enough for a slow machine to check the entry is live.</summary>
    protected virtual TimeSpan Lifetime => TimeSpan.FromMinutes(5);

    /// <summary>A working store with no entries.</summary>
    protected abstract Task<ReplayCacheHarness> CreateAsync();

    /// <summary>A store that cannot answer the next add (server down, or full).</summary>
    protected abstract Task<ReplayCacheHarness> CreateUnavailableAsync();

    [Fact]
    public async Task Contract_first_use_wins_and_every_later_use_is_a_replay()
    {
        await using var store = await CreateAsync();
        var expiresAt = store.Now + Lifetime;
        var key = "sig:contract:" + Guid.NewGuid().ToString("N");

        Assert.True(await store.Cache.TryAddAsync(key, expiresAt));
        Assert.False(await store.Cache.TryAddAsync(key, expiresAt));
        Assert.False(await store.Cache.TryAddAsync(key, expiresAt + Lifetime));
        Assert.True(await store.Cache.TryAddAsync(key + "-other", expiresAt));

        var partitioned = key + ":p";
        Assert.True(await store.Cache.TryAddAsync(partitioned, expiresAt, "thumbprint-a"));
        Assert.False(await store.Cache.TryAddAsync(partitioned, expiresAt, "thumbprint-a"));
    }

    [Fact]
    public async Task Contract_a_value_is_one_entry_whether_or_not_it_is_recorded_for_a_partition()
    {
        await using var store = await CreateAsync();
        var expiresAt = store.Now + Lifetime;
        var key = "jti:contract:" + Guid.NewGuid().ToString("N");

        Assert.True(await store.Cache.TryAddAsync(key, expiresAt, "thumbprint-a"));
        Assert.False(await store.Cache.TryAddAsync(key, expiresAt));
        Assert.False(await store.Cache.TryAddAsync(key, expiresAt, "thumbprint-b"));
    }

    [Fact]
    public async Task Contract_an_entry_is_a_replay_until_it_expires_and_first_use_again_after()
    {
        await using var store = await CreateAsync();
        var key = "sig:contract:" + Guid.NewGuid().ToString("N");

        Assert.True(await store.Cache.TryAddAsync(key, store.Now + Lifetime, "thumbprint-a"));
        Assert.False(await store.Cache.TryAddAsync(key, store.Now + Lifetime, "thumbprint-a"));

        await store.LetTimePassAsync(Lifetime + (Lifetime / 4));

        Assert.True(await store.Cache.TryAddAsync(key, store.Now + Lifetime, "thumbprint-a"));
        Assert.False(await store.Cache.TryAddAsync(key, store.Now + Lifetime, "thumbprint-a"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Contract_of_64_simultaneous_copies_exactly_one_is_accepted(bool partitioned)
    {
        await using var store = await CreateAsync();
        for (int round = 0; round < 3; round++)
        {
            var key = "sig:race:" + Guid.NewGuid().ToString("N");
            var expiresAt = store.Now + Lifetime;
            var accepted = await RaceAsync(() => partitioned
                ? store.Cache.TryAddAsync(key, expiresAt, "thumbprint-race")
                : store.Cache.TryAddAsync(key, expiresAt));
            Assert.Equal(1, accepted);
        }
    }

    [Fact]
    public async Task Contract_a_store_that_cannot_answer_fails_closed_and_counts_the_failure()
    {
        await using var store = await CreateUnavailableAsync();
        using var failures = new FailureCounter(store.Services.GetRequiredService<IMeterFactory>(), StoreName);
        var expiresAt = store.Now + Lifetime;

        await Assert.ThrowsAsync<ReplayCacheUnavailableException>(
            () => store.Cache.TryAddAsync("sig:down:1", expiresAt).AsTask().WaitAsync(TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<ReplayCacheUnavailableException>(
            () => store.Cache.TryAddAsync("sig:down:2", expiresAt, "thumbprint-a").AsTask().WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.Equal(2, failures.Count);
    }

    /// <summary>Calls <paramref name="attempt"/> from 64 threads released together; returns how many returned true.</summary>
    private static async Task<int> RaceAsync(Func<ValueTask<bool>> attempt)
    {
        int accepted = 0;
        var errors = new List<Exception>();
        using var start = new Barrier(Copies);
        var threads = new Thread[Copies];
        for (int i = 0; i < Copies; i++)
        {
            threads[i] = new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    if (attempt().AsTask().GetAwaiter().GetResult())
                    {
                        Interlocked.Increment(ref accepted);
                    }
                }
                catch (Exception ex)
                {
                    lock (errors)
                    {
                        errors.Add(ex);
                    }
                }
            });
            threads[i].Start();
        }
        await Task.Run(() =>
        {
            foreach (var thread in threads)
            {
                thread.Join();
            }
        });
        Assert.Empty(errors);
        return accepted;
    }

    /// <summary>Counts <c>agentauth.replay_cache.failures</c> measurements of one store, from one service provider's meters.</summary>
    private sealed class FailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public FailureCounter(IMeterFactory factory, string store)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "agentauth.replay_cache.failures")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "agentauth.replay_cache.store" && Equals(tag.Value, store))
                    {
                        Interlocked.Add(ref _count, (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
