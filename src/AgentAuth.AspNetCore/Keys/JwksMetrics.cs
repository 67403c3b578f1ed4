using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore;

/// <summary>Meter <c>AgentAuth.AspNetCore</c>: the <c>agentauth.jwks.fetches</c> counter, tagged by <c>outcome</c>.</summary>
internal sealed class JwksMetrics
{
    public const string MeterName = "AgentAuth.AspNetCore";
    public const string FetchesCounterName = "agentauth.jwks.fetches";

    private readonly Counter<long> _fetches;

    public JwksMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _fetches = meter.CreateCounter<long>(FetchesCounterName, unit: "{fetch}", description: "Remote key set fetches, by outcome.");
    }

    public void Fetched(string outcome) => _fetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
