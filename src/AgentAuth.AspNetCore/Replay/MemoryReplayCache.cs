using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The default <see cref="IReplayCache"/>: a bounded, process-local map from key digest to expiry. Correct for a
/// single instance only; several instances need a shared store (AgentAuth.AspNetCore.PostgreSql).
/// </summary>
/// <remarks>
/// <para>Atomicity: a new key is added with <see cref="ConcurrentDictionary{TKey,TValue}.TryAdd"/>; an expired entry
/// for the same key is replaced with <see cref="ConcurrentDictionary{TKey,TValue}.TryUpdate"/> against the exact entry
/// that was seen, so of any number of concurrent callers exactly one gets <see langword="true"/>.</para>
/// <para>Bounded and fail-closed: at <see cref="MemoryReplayCacheOptions.SizeLimit"/> entries the cache first removes
/// expired ones; if none have expired it throws <see cref="ReplayCacheUnavailableException"/>. It never evicts a live
/// entry, which would reopen the replay window for that value.</para>
/// <para>Time comes only from the injected <see cref="TimeProvider"/>; an entry is expired once now ≥ its expiry.</para>
/// </remarks>
internal sealed class MemoryReplayCache : IReplayCache, IDisposable
{
    internal const string StoreName = "memory";

    private readonly ConcurrentDictionary<ReplayKeyHash, Entry> _entries = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ReplayCacheMetrics _metrics;
    private readonly int _sizeLimit;
    private readonly ITimer _purgeTimer;
    private readonly Lock _purgeGate = new();

    // Entries counted against the limit, including slots reserved by adds in flight (ConcurrentDictionary.Count takes every lock).
    private int _count;
    // Lower bound of the earliest expiry in the map: a full cache scans for expired entries only once one can exist.
    private long _earliestExpiryTicks = long.MaxValue;
    // Makes every stored Entry distinct, so TryUpdate replaces exactly the expired entry a caller saw, never a newer one.
    private long _version;
    private int _full;

    public MemoryReplayCache(
        IOptions<MemoryReplayCacheOptions> options,
        TimeProvider timeProvider,
        ILogger<MemoryReplayCache> logger,
        ReplayCacheMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(metrics);

        var value = options.Value;
        _sizeLimit = value.SizeLimit;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _purgeTimer = timeProvider.CreateTimer(
            static state => ((MemoryReplayCache)state!).PurgeExpired(),
            this,
            value.PurgeInterval,
            value.PurgeInterval);
    }

    private enum AddResult
    {
        Added,
        Present,
        Full,
    }

    /// <summary>Entries currently counted against the size limit.</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        switch (TryAdd(ReplayKeyHash.Compute(key), expiresAt.UtcTicks))
        {
            case AddResult.Added:
                return new ValueTask<bool>(true);
            case AddResult.Present:
                return new ValueTask<bool>(false);
            default:
                _metrics.StoreFailed(StoreName, "add", "capacity_exceeded");
                return ValueTask.FromException<bool>(new ReplayCacheUnavailableException(
                    $"The in-memory replay cache is full ({_sizeLimit} unexpired entries); the value was not recorded. Raise MemoryReplayCacheOptions.SizeLimit."));
        }
    }

    /// <summary>Removes every expired entry now. Runs on the purge timer.</summary>
    internal void PurgeExpired()
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        lock (_purgeGate)
        {
            PurgeCore(now);
        }
    }

    public void Dispose() => _purgeTimer.Dispose();

    private AddResult TryAdd(ReplayKeyHash key, long expiresAtTicks)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        // An entry born expired would let every concurrent caller take it over: keep it live at least until after now.
        if (expiresAtTicks <= now)
        {
            expiresAtTicks = now + 1;
        }
        var entry = new Entry(expiresAtTicks, Interlocked.Increment(ref _version));
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.ExpiresAtTicks > now)
                {
                    return AddResult.Present;
                }
                // Expired: reuse the slot, but only if it still holds the entry just read.
                if (_entries.TryUpdate(key, entry, existing))
                {
                    LowerEarliestExpiry(expiresAtTicks);
                    return AddResult.Added;
                }
                continue;
            }

            if (!TryReserveSlot(now))
            {
                return AddResult.Full;
            }
            if (_entries.TryAdd(key, entry))
            {
                LowerEarliestExpiry(expiresAtTicks);
                return AddResult.Added;
            }
            // Another caller added the key first; give the slot back and judge its entry.
            Interlocked.Decrement(ref _count);
        }
    }

    private bool TryReserveSlot(long now)
    {
        if (Reserve())
        {
            return true;
        }

        PurgeIfAnyExpired(now);
        if (Reserve())
        {
            return true;
        }

        if (Interlocked.Exchange(ref _full, 1) == 0)
        {
            MemoryReplayCacheLog.CacheFull(_logger, _sizeLimit);
        }
        return false;
    }

    private bool Reserve()
    {
        if (Interlocked.Increment(ref _count) <= _sizeLimit)
        {
            if (Volatile.Read(ref _full) == 1 && Interlocked.Exchange(ref _full, 0) == 1)
            {
                MemoryReplayCacheLog.CacheRecovered(_logger);
            }
            return true;
        }
        Interlocked.Decrement(ref _count);
        return false;
    }

    private void PurgeIfAnyExpired(long now)
    {
        // When nothing can have expired, a full cache refuses at once instead of scanning every entry per request.
        if (now < Volatile.Read(ref _earliestExpiryTicks))
        {
            return;
        }
        lock (_purgeGate)
        {
            if (now >= Volatile.Read(ref _earliestExpiryTicks))
            {
                PurgeCore(now);
            }
        }
    }

    private void PurgeCore(long now)
    {
        // Reset before scanning: adds racing with the scan lower it again, survivors lower it below.
        Volatile.Write(ref _earliestExpiryTicks, long.MaxValue);
        long earliest = long.MaxValue;
        int removed = 0;
        foreach (var pair in _entries)
        {
            long expiresAt = pair.Value.ExpiresAtTicks;
            if (expiresAt <= now)
            {
                if (_entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                    removed++;
                    continue;
                }
                // Replaced meanwhile by a new entry: account for the current one instead.
                if (!_entries.TryGetValue(pair.Key, out var current))
                {
                    continue;
                }
                expiresAt = current.ExpiresAtTicks;
            }
            if (expiresAt < earliest)
            {
                earliest = expiresAt;
            }
        }
        LowerEarliestExpiry(earliest);
        if (removed > 0)
        {
            int remaining = Volatile.Read(ref _count);
            MemoryReplayCacheLog.Purged(_logger, removed, remaining);
        }
    }

    private void LowerEarliestExpiry(long ticks)
    {
        long current = Volatile.Read(ref _earliestExpiryTicks);
        while (ticks < current)
        {
            long seen = Interlocked.CompareExchange(ref _earliestExpiryTicks, ticks, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private readonly record struct Entry(long ExpiresAtTicks, long Version);
}
