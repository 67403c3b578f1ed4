using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Metrics (meter <c>AgentAuth.AspNetCore</c>) and tracing (activity source <c>AgentAuth.AspNetCore</c>) of the scheme:
/// authentications by result, mode and error code, and the time one authentication takes.
/// </summary>
internal sealed class AgentAuthMetrics
{
    public const string MeterName = "AgentAuth.AspNetCore";

    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> _authentications;
    private readonly Histogram<double> _duration;

    public AgentAuthMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _authentications = meter.CreateCounter<long>("agentauth.authentications", unit: "{authentication}",
            description: "Authentications by result (success, failure, none), mode and error code.");
        _duration = meter.CreateHistogram<double>("agentauth.authentication.duration", unit: "s",
            description: "Time to authenticate one request, including signature and token verification.");
    }

    /// <summary>Whether anyone listens to the duration histogram: only then does a request read the clock for it.</summary>
    public bool DurationEnabled => _duration.Enabled;

    /// <summary>Records one authentication; <paramref name="startTimestamp"/> is null when the duration was not listened to at its start.</summary>
    public void Record(string result, string? mode, string? error, long? startTimestamp, TimeProvider timeProvider)
    {
        // Nothing to build when no listener is attached (the usual case without OpenTelemetry): every request calls this.
        var counted = _authentications.Enabled;
        var timed = startTimestamp.HasValue && _duration.Enabled;
        if (!counted && !timed)
        {
            return;
        }
        var tags = new TagList
        {
            { "agentauth.result", result },
            { "agentauth.mode", mode ?? "none" },
            { "agentauth.error", error ?? "none" },
        };
        if (counted)
        {
            _authentications.Add(1, tags);
        }
        if (timed)
        {
            _duration.Record(timeProvider.GetElapsedTime(startTimestamp.GetValueOrDefault()).TotalSeconds, tags);
        }
    }
}
