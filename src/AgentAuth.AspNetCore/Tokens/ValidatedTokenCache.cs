using System.Collections.Concurrent;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Successful token validations, keyed by <see cref="Sha256Key"/>, so a token presented again skips signature
/// verification. Rules:
/// <list type="bullet">
/// <item>an entry is served only while the clock is before the token's <c>exp</c> (no clock skew: a token inside the
/// skew window is validated again in full, which a cache must never be more lenient than);</item>
/// <item>an entry lives at most <see cref="MaxEntryLifetime"/>, so a key removed from the issuer's JWKS stops being
/// honoured through the cache within that time;</item>
/// <item>only successes are cached: a failure may turn into a success after a key rotation;</item>
/// <item>at most <c>sizeLimit</c> entries: when full, expired entries are swept, then arbitrary ones until a tenth is free.</item>
/// </list>
/// </summary>
internal sealed class ValidatedTokenCache
{
    public static readonly TimeSpan MaxEntryLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Sha256Key, Entry> _entries = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _sizeLimit;
    private int _count;
    private int _sweeping;

    public ValidatedTokenCache(int sizeLimit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeLimit);
        _sizeLimit = sizeLimit;
        _timeProvider = timeProvider;
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(in Sha256Key hash, out TokenValidationOutcome outcome)
    {
        if (_entries.TryGetValue(hash, out var entry))
        {
            if (_timeProvider.GetUtcNow().UtcTicks < entry.ExpiresTicks)
            {
                outcome = entry.Outcome;
                return true;
            }
            Remove(hash, entry);
        }
        outcome = null!;
        return false;
    }

    public void Add(in Sha256Key hash, TokenValidationOutcome outcome)
    {
        if (!outcome.Succeeded)
        {
            return;
        }
        var now = _timeProvider.GetUtcNow();
        var expires = outcome.Expires;
        var cap = now + MaxEntryLifetime;
        if (cap < expires)
        {
            expires = cap;
        }
        if (expires <= now)
        {
            return;
        }
        if (Volatile.Read(ref _count) >= _sizeLimit)
        {
            MakeRoom(now.UtcTicks);
        }
        if (_entries.TryAdd(hash, new Entry(outcome, expires.UtcTicks)))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private void Remove(in Sha256Key hash, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<Sha256Key, Entry>(hash, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void MakeRoom(long nowTicks)
    {
        // One sweeper at a time; others add anyway and overshoot the limit by at most the concurrency level.
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }
        try
        {
            foreach (var pair in _entries)
            {
                if (pair.Value.ExpiresTicks <= nowTicks)
                {
                    Remove(pair.Key, pair.Value);
                }
            }
            var target = _sizeLimit - Math.Max(1, _sizeLimit / 10);
            foreach (var pair in _entries)
            {
                if (Volatile.Read(ref _count) <= target)
                {
                    break;
                }
                Remove(pair.Key, pair.Value);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed record Entry(TokenValidationOutcome Outcome, long ExpiresTicks);
}
