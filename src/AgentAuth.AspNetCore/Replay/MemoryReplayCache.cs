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
/// <para>Partitioned: a value recorded for an agent key (<see cref="TryAddAsync(string, DateTimeOffset, string, CancellationToken)"/>)
/// counts against that key's quota (<see cref="MemoryReplayCacheOptions.PerKeyLimit"/>) as well as the size limit. A key at
/// its quota gets <see cref="ReplayQuotaExceededException"/> (429), so one agent flooding nonces cannot fill the cache and
/// turn every other agent's requests into 503s.</para>
/// <para>Time comes only from the injected <see cref="TimeProvider"/>; an entry is expired once now ≥ its expiry.</para>
/// </remarks>
internal sealed class MemoryReplayCache : IReplayCache, IDisposable
{
    internal const string StoreName = "memory";

    private readonly ConcurrentDictionary<Sha256Key, Entry> _entries = new();
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ReplayCacheMetrics _metrics;
    private readonly int _sizeLimit;
    private readonly int _perKeyLimit;
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
        _perKeyLimit = value.EffectivePerKeyLimit;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _purgeTimer = timeProvider.CreateTimer(
            static state => ((MemoryReplayCache)state!).PurgeExpired(),
            this,
            value.PurgeInterval,
            value.PurgeInterval);
        metrics.ObserveFillRatio(StoreName, () => (double)Math.Clamp(Volatile.Read(ref _count), 0, _sizeLimit) / _sizeLimit);
    }

    private enum AddResult
    {
        Added,
        Present,
        Full,
        QuotaExceeded,
    }

    /// <summary>Entries currently counted against the size limit.</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>Unexpired entries recorded for <paramref name="partition"/> (0 when it has none).</summary>
    internal int PartitionCount(string partition) =>
        _partitions.TryGetValue(partition, out var p) ? Math.Max(0, Volatile.Read(ref p.Count)) : 0;

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        TryAddCoreAsync(key, expiresAt, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, string partition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return TryAddCoreAsync(key, expiresAt, partition, cancellationToken);
    }

    private ValueTask<bool> TryAddCoreAsync(string key, DateTimeOffset expiresAt, string? partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        switch (TryAdd(Sha256Key.Compute(key), expiresAt.UtcTicks, partition, out var retryAfter))
        {
            case AddResult.Added:
                return new ValueTask<bool>(true);
            case AddResult.Present:
                return new ValueTask<bool>(false);
            case AddResult.QuotaExceeded:
                _metrics.QuotaExceeded(StoreName);
                return ValueTask.FromException<bool>(new ReplayQuotaExceededException(
                    $"The key holds {_perKeyLimit} unexpired single-use values, its quota in the in-memory replay cache; the value was not recorded.",
                    retryAfter));
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

    private AddResult TryAdd(Sha256Key key, long expiresAtTicks, string? partitionName, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        long now = _timeProvider.GetUtcNow().UtcTicks;
        // An entry born expired would let every concurrent caller take it over: keep it live at least until after now.
        if (expiresAtTicks <= now)
        {
            expiresAtTicks = now + 1;
        }
        while (true)
        {
            var found = _entries.TryGetValue(key, out var existing);
            if (found && existing.ExpiresAtTicks > now)
            {
                return AddResult.Present;
            }

            // A value is charged to its key before it is stored; a replay (above) costs the key nothing.
            Partition? partition = null;
            if (partitionName is not null && !TryReservePartitionSlot(partitionName, now, out partition, out retryAfter))
            {
                return AddResult.QuotaExceeded;
            }
            var entry = new Entry(expiresAtTicks, Interlocked.Increment(ref _version), partition);

            if (found)
            {
                // Expired: reuse the slot, but only if it still holds the entry just read.
                if (_entries.TryUpdate(key, entry, existing))
                {
                    existing.Partition?.Release();
                    LowerEarliestExpiry(entry);
                    return AddResult.Added;
                }
                partition?.Release();
                continue;
            }

            if (!TryReserveSlot(now))
            {
                partition?.Release();
                return AddResult.Full;
            }
            if (_entries.TryAdd(key, entry))
            {
                LowerEarliestExpiry(entry);
                return AddResult.Added;
            }
            // Another caller added the key first; give the slots back and judge its entry.
            Interlocked.Decrement(ref _count);
            partition?.Release();
        }
    }

    private bool TryReservePartitionSlot(string name, long now, out Partition? partition, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var purged = false;
        while (true)
        {
            partition = _partitions.GetOrAdd(name, static _ => new Partition());
            switch (partition.TryReserve(_perKeyLimit))
            {
                case Partition.ReserveResult.Reserved:
                    return true;
                case Partition.ReserveResult.Removed:
                    // Emptied and removed by a purge after it was looked up: look it up (or create it) again.
                    continue;
            }
            long earliest = Volatile.Read(ref partition.EarliestExpiryTicks);
            if (!purged && earliest <= now)
            {
                // At quota with an expired entry of this key still counted: purge once. Only this key's own expiries
                // trigger the scan, so a key at its quota cannot make every request scan the whole cache.
                purged = true;
                PurgeIfAnyExpired(now);
                continue;
            }
            retryAfter = earliest > now && earliest != long.MaxValue ? TimeSpan.FromTicks(earliest - now) : TimeSpan.FromSeconds(1);
            if (Interlocked.Exchange(ref partition.QuotaLogged, 1) == 0)
            {
                ReplayLog.ReplayQuotaReached(_logger, name, _perKeyLimit);
            }
            partition = null;
            return false;
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
            ReplayLog.CacheFull(_logger, _sizeLimit);
        }
        return false;
    }

    private bool Reserve()
    {
        if (Interlocked.Increment(ref _count) <= _sizeLimit)
        {
            if (Volatile.Read(ref _full) == 1 && Interlocked.Exchange(ref _full, 0) == 1)
            {
                ReplayLog.CacheRecovered(_logger);
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
        foreach (var partition in _partitions)
        {
            Volatile.Write(ref partition.Value.EarliestExpiryTicks, long.MaxValue);
        }
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
                    pair.Value.Partition?.Release();
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
            if (pair.Value.Partition is { } owner)
            {
                Partition.Lower(ref owner.EarliestExpiryTicks, expiresAt);
            }
        }
        LowerEarliestExpiry(earliest);
        RemoveEmptyPartitions();
        if (removed > 0)
        {
            int remaining = Volatile.Read(ref _count);
            ReplayLog.Purged(_logger, removed, remaining);
        }
    }

    /// <summary>Drops partitions that hold nothing, so keys seen once do not accumulate.</summary>
    private void RemoveEmptyPartitions()
    {
        foreach (var pair in _partitions)
        {
            if (pair.Value.TryRetire())
            {
                _partitions.TryRemove(pair);
            }
        }
    }

    private void LowerEarliestExpiry(Entry entry)
    {
        LowerEarliestExpiry(entry.ExpiresAtTicks);
        if (entry.Partition is { } partition)
        {
            Partition.Lower(ref partition.EarliestExpiryTicks, entry.ExpiresAtTicks);
        }
    }

    private void LowerEarliestExpiry(long ticks) => Partition.Lower(ref _earliestExpiryTicks, ticks);

    private readonly record struct Entry(long ExpiresAtTicks, long Version, Partition? Partition);

    /// <summary>The live entries of one agent key. A count of <see cref="Retired"/> marks a partition removed from the map.</summary>
    private sealed class Partition
    {
        private const int Retired = int.MinValue;

        public int Count;
        // Lower bound of the earliest expiry among this key's entries, for Retry-After.
        public long EarliestExpiryTicks = long.MaxValue;
        // 1 once the quota warning was logged: once per partition, so a sustained flood logs one line, not one per request.
        public int QuotaLogged;

        public enum ReserveResult
        {
            Reserved,
            AtQuota,
            Removed,
        }

        public ReserveResult TryReserve(int limit)
        {
            while (true)
            {
                int count = Volatile.Read(ref Count);
                if (count == Retired)
                {
                    return ReserveResult.Removed;
                }
                if (count >= limit)
                {
                    return ReserveResult.AtQuota;
                }
                if (Interlocked.CompareExchange(ref Count, count + 1, count) == count)
                {
                    return ReserveResult.Reserved;
                }
            }
        }

        public void Release() => Interlocked.Decrement(ref Count);

        /// <summary>Marks an empty partition removed; an add that raced it sees <see cref="ReserveResult.Removed"/> and looks up a new one.</summary>
        public bool TryRetire() => Interlocked.CompareExchange(ref Count, Retired, 0) == 0;

        /// <summary>Lowers <paramref name="target"/> to <paramref name="ticks"/> if that is earlier, lock-free (the cache-wide and per-partition earliest expiry alike).</summary>
        public static void Lower(ref long target, long ticks)
        {
            long current = Volatile.Read(ref target);
            while (ticks < current)
            {
                long seen = Interlocked.CompareExchange(ref target, ticks, current);
                if (seen == current)
                {
                    return;
                }
                current = seen;
            }
        }
    }
}
