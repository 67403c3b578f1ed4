using System.Collections.Concurrent;
using AgentAuth.AspNetCore;

namespace AgentAuth.AspNetCore.Tests.DPoP;

/// <summary>A correct, atomic in-memory <see cref="IReplayCache"/> for tests: add-if-absent, expired entries may be re-added.</summary>
internal sealed class TestReplayCache : IReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public TestReplayCache(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public IReadOnlyDictionary<string, DateTimeOffset> Entries => _entries;

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var now = _timeProvider.GetUtcNow();
        while (true)
        {
            if (_entries.TryAdd(key, expiresAt))
            {
                return ValueTask.FromResult(true);
            }
            if (!_entries.TryGetValue(key, out var existing))
            {
                continue;
            }
            if (existing > now)
            {
                return ValueTask.FromResult(false);
            }
            // Expired: replace only the exact entry we saw, so two racing callers cannot both win.
            if (_entries.TryUpdate(key, expiresAt, existing))
            {
                return ValueTask.FromResult(true);
            }
        }
    }
}

/// <summary>An <see cref="IReplayCache"/> whose store is down.</summary>
internal sealed class UnavailableReplayCache : IReplayCache
{
    public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        throw new ReplayCacheUnavailableException("store offline");
}
