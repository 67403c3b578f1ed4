using System.Diagnostics.Metrics;

namespace AgentAuth.AspNetCore;

/// <summary>
/// Meter <c>AgentAuth.AspNetCore</c>: <c>agentauth.introspection.requests</c> (calls to introspection endpoints, by
/// <c>outcome</c>: <c>active</c>, <c>inactive</c>, <c>timeout</c>, <c>http_error</c>, <c>unreachable</c>,
/// <c>invalid_response</c>, <c>no_endpoint</c>) and <c>agentauth.revocation.rejections</c> (tokens refused as revoked).
/// </summary>
internal sealed class IntrospectionMetrics
{
    public const string MeterName = "AgentAuth.AspNetCore";
    public const string RequestsCounterName = "agentauth.introspection.requests";
    public const string RevokedCounterName = "agentauth.revocation.rejections";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _revoked;

    public IntrospectionMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = meter.CreateCounter<long>(RequestsCounterName, unit: "{request}", description: "Calls to token introspection endpoints, by outcome.");
        _revoked = meter.CreateCounter<long>(RevokedCounterName, unit: "{token}", description: "Tokens refused because they are revoked.");
    }

    public void Called(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Revoked() => _revoked.Add(1);
}
