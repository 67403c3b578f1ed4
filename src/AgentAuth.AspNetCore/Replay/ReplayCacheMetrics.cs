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

    private readonly Counter<long> _failures;

    public ReplayCacheMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _failures = meter.CreateCounter<long>(
            FailuresInstrumentName,
            unit: "{failure}",
            description: "Replay-cache operations the store could not answer; each failed closed.");
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
