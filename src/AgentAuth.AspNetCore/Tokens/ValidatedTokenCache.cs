using System.Collections.Concurrent;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Successful token validations, keyed by the token's text (<see cref="TokenKeyComparer"/>), so a token presented again
/// skips signature verification. The key is the validated token's own string, which the cached outcome holds anyway, and
/// only tokens that validated are stored, so a client cannot fill the cache with text of its choosing. Rules:
/// <list type="bullet">
/// <item>an entry is served only while the clock is before the token's <c>exp</c> (no clock skew: a token inside the
/// skew window is validated again in full, which a cache must never be more lenient than);</item>
/// <item>an entry lives at most <see cref="MaxEntryLifetime"/>, so a key removed from the issuer's JWKS stops being
/// honoured through the cache within that time;</item>
/// <item>an introspected token's entry lives no longer than its introspection answer may be trusted
/// (<see cref="TokenValidationOutcome.CacheUntil"/>);</item>
/// <item>a hit is still checked against the <see cref="IRevocationStore"/> by the validator, with the key the outcome carries;</item>
/// <item>only successes are cached: a failure may turn into a success after a key rotation;</item>
/// <item>at most <c>sizeLimit</c> entries: when full, expired entries are swept, then arbitrary ones until a tenth is free.</item>
/// </list>
/// </summary>
internal sealed class ValidatedTokenCache
{
    public static readonly TimeSpan MaxEntryLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(new TokenKeyComparer());
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly TimeProvider _timeProvider;
    private readonly int _sizeLimit;
    private int _count;
    private int _sweeping;

    public ValidatedTokenCache(int sizeLimit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeLimit);
        _sizeLimit = sizeLimit;
        _timeProvider = timeProvider;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Looks the token up by its text (a slice of the header is fine: nothing is copied).</summary>
    public bool TryGet(ReadOnlySpan<char> token, out TokenValidationOutcome outcome)
    {
        if (_bySpan.TryGetValue(token, out var key, out var entry))
        {
            if (_timeProvider.GetUtcNow().UtcTicks < entry.ExpiresTicks)
            {
                outcome = entry.Outcome;
                return true;
            }
            Remove(key, entry);
        }
        outcome = null!;
        return false;
    }

    public void Add(string token, TokenValidationOutcome outcome)
    {
        if (!outcome.Succeeded)
        {
            return;
        }
        var now = _timeProvider.GetUtcNow();
        // CacheUntil is exp, or earlier when an introspection answer only vouches for the token that long.
        var expires = outcome.CacheUntil;
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
        if (_entries.TryAdd(token, new Entry(outcome, expires.UtcTicks)))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private void Remove(string token, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(token, entry)))
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
