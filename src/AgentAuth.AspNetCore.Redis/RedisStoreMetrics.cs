using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore.Redis;

/// <summary>
/// The revocation-store instrument on the <c>AgentAuth.AspNetCore</c> meter (replay-store failures are counted by the
/// core's <c>agentauth.replay_cache.failures</c>). Every failure counted here made a request fail closed.
/// </summary>
internal sealed class RedisStoreMetrics
{
    /// <summary>Counter of revocation-store operations the store could not answer.</summary>
    public const string RevocationFailuresInstrumentName = "agentauth.revocation_store.failures";

    /// <summary>Tag naming the store.</summary>
    public const string StoreTag = "agentauth.revocation_store.store";

    /// <summary>Tag naming the failed operation: <c>check</c> or <c>revoke</c>.</summary>
    public const string OperationTag = "agentauth.revocation_store.operation";

    private readonly Counter<long> _failures;

    public RedisStoreMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ReplayCacheMetrics.MeterName);
        _failures = meter.CreateCounter<long>(
            RevocationFailuresInstrumentName,
            unit: "{failure}",
            description: "Revocation-store operations the store could not answer; each failed closed.");
    }

    public void RevocationStoreFailed(string store, string operation, string errorType)
    {
        if (!_failures.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { StoreTag, store },
            { OperationTag, operation },
            { ReplayCacheMetrics.ErrorTypeTag, errorType },
        };
        _failures.Add(1, tags);
    }
}
