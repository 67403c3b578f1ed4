using Microsoft.Extensions.Logging;

namespace AgentAuth.AspNetCore;

/// <summary>
/// The cache of one remote key set, with Microsoft.IdentityModel's ConfigurationManager defaults but its own,
/// tested timing, all read from a <see cref="TimeProvider"/>:
/// <list type="bullet">
/// <item>automatic refresh every <see cref="JwksCacheOptions.AutomaticRefreshInterval"/> plus up to 5 % jitter, in the
/// background: callers keep using the current keys meanwhile;</item>
/// <item>an unknown <c>kid</c> forces a refresh at most once per <see cref="JwksCacheOptions.RefreshInterval"/> (the first
/// one immediately), so a flood of made-up key ids costs at most one fetch per interval;</item>
/// <item>one fetch at a time (single flight); callers await it, and a caller's cancellation only stops that caller's wait;</item>
/// <item>a failed, oversized, malformed or over-<see cref="JwksCacheOptions.MaxKeys"/> response never replaces good keys:
/// the last good set is served ("stale is better than none") and the fetch is retried after <c>RefreshInterval</c>.
/// The last good set is exactly the set of the last successful fetch: a key that a successful fetch removed is gone,
/// and a later failure never brings it back (an attacker who can break the endpoint cannot undo a revocation);</item>
/// <item>a response with some unusable keys (malformed, weak, oversized, private, or a <c>kid</c> that is another key's
/// thumbprint) is a successful fetch of the others: each skipped key is logged once and counted in
/// <c>agentauth.jwks.keys_skipped</c>, so one bad key never freezes the set;</item>
/// <item>with nothing cached, a failure answers "unavailable" and further fetches back off (1 s doubling up to
/// <c>RefreshInterval</c>, with jitter), so an outage is not turned into a fetch per request.</item>
/// </list>
/// </summary>
internal sealed class JwksCache<TKey> where TKey : class
{
    /// <summary>The reason given when no keys can be obtained.</summary>
    public const string UnavailableReason = "the signing keys are temporarily unavailable";

    private static readonly TimeSpan s_firstBootstrapDelay = TimeSpan.FromSeconds(1);

    private readonly RemoteKeySource _source;
    private readonly IKeySetParser<TKey> _parser;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly JwksMetrics _metrics;
    private readonly TimeSpan _automaticRefreshInterval;
    private readonly TimeSpan _refreshInterval;
    private readonly bool _refreshOnUnknownKeyId;
    private readonly int _maxKeys;
    private readonly Lock _gate = new();

    private KeySet<TKey>? _current;
    private long _nextFetchTicks;
    private long _nextForcedRefreshTicks;
    private TimeSpan _bootstrapDelay;
    private string? _lastError;
    private Task? _inflight;
    private HashSet<KeySetSkippedEntry> _reportedSkipped = [];

    public JwksCache(
        RemoteKeySource source,
        IKeySetParser<TKey> parser,
        JwksCacheOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        JwksMetrics metrics)
    {
        _source = source;
        _parser = parser;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _automaticRefreshInterval = options.AutomaticRefreshInterval;
        _refreshInterval = options.RefreshInterval;
        _refreshOnUnknownKeyId = options.RefreshOnUnknownKeyId;
        _maxKeys = options.MaxKeys;
        _nextFetchTicks = DateTimeOffset.MinValue.UtcTicks;
        _nextForcedRefreshTicks = DateTimeOffset.MinValue.UtcTicks;
    }

    /// <summary>The configured URL, for logs.</summary>
    public string Address => _source.Address;

    /// <summary>The keys of the last successful fetch, or <see langword="null"/> when none succeeded yet.</summary>
    public KeySet<TKey>? Current => Volatile.Read(ref _current);

    /// <summary>Finds a key; fetches when nothing is cached, and refreshes once (throttled) for an unknown key id.</summary>
    public ValueTask<KeySetLookup<TKey>> FindAsync(string keyId, bool matchThumbprints, CancellationToken cancellationToken)
    {
        var nowTicks = _timeProvider.GetUtcNow().UtcTicks;
        var current = Current;
        if (current is not null)
        {
            if (nowTicks >= Volatile.Read(ref _nextFetchTicks))
            {
                // Due for a refresh: start it in the background and answer from the current keys.
                _ = StartFetch(nowTicks, force: false);
            }
            if (current.TryFind(keyId, matchThumbprints, out var key, out var identity))
            {
                return new(KeySetLookup<TKey>.Found(key, identity));
            }
            if (!_refreshOnUnknownKeyId)
            {
                return new(KeySetLookup<TKey>.Unknown("no trusted key has this key id"));
            }
            var refresh = StartFetch(nowTicks, force: true);
            if (refresh is null)
            {
                KeysLog.UnknownKeyRefreshThrottled(_logger, _source.Address, _refreshInterval);
                return new(KeySetLookup<TKey>.Unknown("no trusted key has this key id"));
            }
            return AwaitAndFindAsync(refresh, keyId, matchThumbprints, cancellationToken);
        }

        // Nothing cached: join the fetch in flight, start one, or (backing off) get null. This must be decided under the
        // lock: StartFetch publishes "a fetch is running" (_nextFetchTicks = max) a moment before it sets _inflight, and a
        // caller reading both without the lock could answer "unavailable" instead of waiting for the first fetch.
        var bootstrap = StartFetch(nowTicks, force: false);
        if (bootstrap is null)
        {
            // A fetch may have completed since Current was read: use its keys rather than report an outage.
            return Current is null ? new(Unavailable()) : FindAsync(keyId, matchThumbprints, cancellationToken);
        }
        return AwaitAndFindAsync(bootstrap, keyId, matchThumbprints, cancellationToken);
    }

    /// <summary>Returns the current keys, fetching them first when nothing is cached; <see langword="null"/> with a reason when unavailable.</summary>
    public async ValueTask<(KeySet<TKey>? Keys, string? Reason)> GetKeysAsync(CancellationToken cancellationToken)
    {
        var nowTicks = _timeProvider.GetUtcNow().UtcTicks;
        var current = Current;
        if (current is not null)
        {
            if (nowTicks >= Volatile.Read(ref _nextFetchTicks))
            {
                _ = StartFetch(nowTicks, force: false);
            }
            return (current, null);
        }
        var fetch = StartFetch(nowTicks, force: false);
        if (fetch is not null)
        {
            await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        current = Current;
        return current is null ? (null, UnavailableReason) : (current, null);
    }

    private async ValueTask<KeySetLookup<TKey>> AwaitAndFindAsync(Task fetch, string keyId, bool matchThumbprints, CancellationToken cancellationToken)
    {
        // The shared fetch ignores this caller's token; only the wait is cancelled.
        await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        var current = Current;
        if (current is null)
        {
            return Unavailable();
        }
        if (current.TryFind(keyId, matchThumbprints, out var key, out var identity))
        {
            return KeySetLookup<TKey>.Found(key, identity);
        }
        return KeySetLookup<TKey>.Unknown("no trusted key has this key id");
    }

    /// <summary>
    /// Joins the fetch in flight, or starts one when allowed: a normal fetch when due (or, with nothing cached, when
    /// the bootstrap back-off has passed), a forced fetch when the unknown-key throttle allows. Null when not allowed.
    /// </summary>
    private Task? StartFetch(long nowTicks, bool force)
    {
        lock (_gate)
        {
            if (_inflight is { } running)
            {
                return running;
            }
            if (force)
            {
                if (nowTicks < _nextForcedRefreshTicks)
                {
                    return null;
                }
                _nextForcedRefreshTicks = nowTicks + _refreshInterval.Ticks;
                KeysLog.UnknownKeyRefresh(_logger, _source.Address);
            }
            else if (nowTicks < _nextFetchTicks)
            {
                return null;
            }
            // Block further automatic starts until this fetch sets the next time.
            Volatile.Write(ref _nextFetchTicks, long.MaxValue);
            var fetch = FetchAsync();
            if (!fetch.IsCompleted)
            {
                _inflight = fetch;
            }
            return fetch;
        }
    }

    private async Task FetchAsync()
    {
        // Leave the caller's synchronous context before any work, so the lock above is never held across I/O.
        await Task.Yield();
        string outcome;
        string? reason;
        KeySet<TKey>? parsed = null;
        try
        {
            var document = await _source.FetchKeySetAsync(CancellationToken.None).ConfigureAwait(false);
            if (_parser.TryParse(document, _maxKeys, out parsed, out var error))
            {
                outcome = JwksFetchOutcomes.Success;
                reason = null;
            }
            else
            {
                outcome = JwksFetchOutcomes.InvalidDocument;
                reason = error;
            }
        }
        catch (KeySourceException ex)
        {
            outcome = ex.Outcome;
            reason = ex.Message;
        }
#pragma warning disable CA1031 // A background fetch must never fault: any failure becomes "keys unavailable / stale".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = JwksFetchOutcomes.Error;
            reason = ex.GetType().Name;
        }
        _metrics.Fetched(outcome);

        var now = _timeProvider.GetUtcNow().UtcTicks;
        lock (_gate)
        {
            if (parsed is not null)
            {
                // The new set replaces the old one whole: what it dropped is revoked, whatever later fetches do.
                Volatile.Write(ref _current, parsed);
                _lastError = null;
                _bootstrapDelay = TimeSpan.Zero;
                Volatile.Write(ref _nextFetchTicks, now + _automaticRefreshInterval.Ticks + Jitter(_automaticRefreshInterval / 20));
            }
            else
            {
                _lastError = reason;
                TimeSpan retryAfter;
                if (_current is not null)
                {
                    retryAfter = _refreshInterval < _automaticRefreshInterval ? _refreshInterval : _automaticRefreshInterval;
                }
                else
                {
                    _bootstrapDelay = _bootstrapDelay == TimeSpan.Zero ? s_firstBootstrapDelay : _bootstrapDelay * 2;
                    if (_bootstrapDelay > _refreshInterval)
                    {
                        _bootstrapDelay = _refreshInterval;
                    }
                    retryAfter = _bootstrapDelay + TimeSpan.FromTicks(Jitter(_bootstrapDelay / 10));
                }
                Volatile.Write(ref _nextFetchTicks, now + retryAfter.Ticks);
                KeysLog.FetchFailed(_logger, _source.Address, outcome, reason ?? outcome, _current?.Count ?? 0, retryAfter);
            }
            _inflight = null;
        }
        if (parsed is not null)
        {
            ReportSkipped(parsed.Skipped);
            KeysLog.KeysRefreshed(_logger, _source.Address, parsed.Count);
        }
    }

    /// <summary>
    /// Counts every skipped key of a successful fetch and logs each one once: a key skipped again by the next refresh
    /// is not logged again (fetches are single-flight, so this runs on one thread at a time).
    /// </summary>
    private void ReportSkipped(IReadOnlyList<KeySetSkippedEntry> skipped)
    {
        if (skipped.Count == 0 && _reportedSkipped.Count == 0)
        {
            return;
        }
        var reported = new HashSet<KeySetSkippedEntry>(skipped.Count);
        foreach (var entry in skipped)
        {
            _metrics.KeySkipped(entry.Kind);
            if (!_reportedSkipped.Contains(entry))
            {
                KeysLog.RemoteKeySkipped(_logger, _source.Address, entry.Index, entry.KeyId, entry.Kind, entry.Reason);
            }
            reported.Add(entry);
        }
        _reportedSkipped = reported;
    }

    private KeySetLookup<TKey> Unavailable()
    {
        // A reference read is atomic; no lock on this per-request path.
        var error = Volatile.Read(ref _lastError);
        // The details (status codes, URLs) go to the log only; the client learns that keys are unavailable.
        KeysLog.KeysUnavailable(_logger, _source.Address, error ?? "no fetch succeeded yet");
        return KeySetLookup<TKey>.Unavailable(UnavailableReason);
    }

    private static long Jitter(TimeSpan max) => max <= TimeSpan.Zero ? 0 : Random.Shared.NextInt64(max.Ticks);
}
