using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The default <see cref="IRevocationStore"/>: a bounded, process-local map from revocation key to expiry, driven by the
/// scheme's <see cref="TimeProvider"/>. Correct for one instance; several instances need a shared store (PostgreSQL, Redis).
/// A lookup is one dictionary read and completes synchronously, so checking every request (cache hits included) allocates nothing.
/// </summary>
internal sealed class MemoryRevocationStore : IRevocationStore
{
    private readonly ConcurrentDictionary<string, long> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly int _sizeLimit;
    private readonly Lock _sweepGate = new();

    public MemoryRevocationStore(IOptions<MemoryRevocationStoreOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _sizeLimit = options.Value.SizeLimit;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_sizeLimit);
        _timeProvider = timeProvider;
    }

    internal int Count => _entries.Count;

    public ValueTask<bool> IsRevokedAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // An entry past its expiry answers "not revoked": the token it names is refused by its own exp by then.
        return new(_entries.TryGetValue(key, out var expiresTicks) && _timeProvider.GetUtcNow().UtcTicks < expiresTicks);
    }

    public ValueTask RevokeAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var nowTicks = _timeProvider.GetUtcNow().UtcTicks;
        if (expiresAt.UtcTicks <= nowTicks)
        {
            // Already expired: the token is refused anyway.
            return ValueTask.CompletedTask;
        }
        if (!_entries.ContainsKey(key) && _entries.Count >= _sizeLimit && !MakeRoom(nowTicks))
        {
            // Never drop a live revocation to make room: that would reinstate a token. The caller answers 503.
            throw new RevocationStoreUnavailableException(
                $"The in-memory revocation store holds {_sizeLimit} unexpired revocations (MemoryRevocationStoreOptions.SizeLimit).");
        }
        // Revoking again keeps the later expiry (IRevocationStore contract).
        _entries.AddOrUpdate(key, static (_, added) => added, static (_, existing, added) => Math.Max(existing, added), expiresAt.UtcTicks);
        return ValueTask.CompletedTask;
    }

    private bool MakeRoom(long nowTicks)
    {
        lock (_sweepGate)
        {
            foreach (var pair in _entries)
            {
                if (pair.Value <= nowTicks)
                {
                    _entries.TryRemove(pair);
                }
            }
            return _entries.Count < _sizeLimit;
        }
    }
}
