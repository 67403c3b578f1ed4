using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Replay-cache instruments on the <c>AgentAuth.AspNetCore</c> meter. Every failure counted here made a request fail
/// closed, so a non-zero rate is worth an alert.
/// </summary>
internal sealed class ReplayCacheMetrics
{
    /// <summary>The meter every AgentAuth instrument belongs to.</summary>
    public const string MeterName = "AgentAuth.AspNetCore";

    /// <summary>Counter of replay-cache operations that could not be answered by the store.</summary>
    public const string FailuresInstrumentName = "agentauth.replay_cache.failures";

    /// <summary>Tag naming the store: <c>memory</c> or <c>postgresql</c>.</summary>
    public const string StoreTag = "agentauth.replay_cache.store";

    /// <summary>Tag naming the failed operation: <c>add</c>, <c>ensure_schema</c> or <c>cleanup</c>.</summary>
    public const string OperationTag = "agentauth.replay_cache.operation";

    /// <summary>Tag with the failure class (OpenTelemetry <c>error.type</c>): a SQLSTATE, <c>timeout</c>, <c>capacity_exceeded</c> or an exception type.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Gauge of the share of a bounded store's capacity in use (0 to 1); at 1 new values fail closed.</summary>
    public const string FillRatioInstrumentName = "agentauth.replay_cache.fill_ratio";

    /// <summary>Counter of values refused because their key's per-key quota was used up (answered 429).</summary>
    public const string QuotaExceededInstrumentName = "agentauth.replay_cache.quota_exceeded";

    private readonly Meter _meter;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _quotaExceeded;

    public ReplayCacheMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _failures = _meter.CreateCounter<long>(
            FailuresInstrumentName,
            unit: "{failure}",
            description: "Replay-cache operations the store could not answer; each failed closed.");
        _quotaExceeded = _meter.CreateCounter<long>(
            QuotaExceededInstrumentName,
            unit: "{value}",
            description: "Single-use values refused because their agent key holds its per-key quota (answered 429).");
    }

    /// <summary>Publishes a bounded store's fill ratio (entries / capacity), read when a listener collects.</summary>
    public void ObserveFillRatio(string store, Func<double> fillRatio)
    {
        ArgumentNullException.ThrowIfNull(fillRatio);
        _meter.CreateObservableGauge(
            FillRatioInstrumentName,
            () => new Measurement<double>(fillRatio(), new KeyValuePair<string, object?>(StoreTag, store)),
            unit: "1",
            description: "Share of the replay cache's capacity holding unexpired values; at 1 new values fail closed (503).");
    }

    public void QuotaExceeded(string store)
    {
        if (_quotaExceeded.Enabled)
        {
            _quotaExceeded.Add(1, new KeyValuePair<string, object?>(StoreTag, store));
        }
    }

    public void StoreFailed(string store, string operation, string errorType)
    {
        if (!_failures.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { StoreTag, store },
            { OperationTag, operation },
            { ErrorTypeTag, errorType },
        };
        _failures.Add(1, tags);
    }
}
