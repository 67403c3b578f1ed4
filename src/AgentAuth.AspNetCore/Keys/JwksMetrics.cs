using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Meter <c>AgentAuth.AspNetCore</c>: the <c>agentauth.jwks.fetches</c> counter, tagged by <c>outcome</c>, and the
/// <c>agentauth.jwks.keys_skipped</c> counter (keys of a loaded set that were not used), tagged by <c>reason</c>.
/// </summary>
internal sealed class JwksMetrics
{
    public const string MeterName = "AgentAuth.AspNetCore";
    public const string FetchesCounterName = "agentauth.jwks.fetches";
    public const string KeysSkippedCounterName = "agentauth.jwks.keys_skipped";

    private readonly Counter<long> _fetches;
    private readonly Counter<long> _keysSkipped;

    public JwksMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _fetches = meter.CreateCounter<long>(FetchesCounterName, unit: "{fetch}", description: "Remote key set fetches, by outcome.");
        _keysSkipped = meter.CreateCounter<long>(KeysSkippedCounterName, unit: "{key}",
            description: "Keys of a loaded key set that were not used (per load), by reason.");
    }

    public void Fetched(string outcome) => _fetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void KeySkipped(string reason) => _keysSkipped.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
