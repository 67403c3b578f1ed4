using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using AgentAuth.HttpSignatures;
using AgentAuth.HttpSignatures.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentAuth.AspNetCore.Integrations.Tests;

/// <summary>
/// The scheme's telemetry as an application collects it: the OpenTelemetry SDK with the one-line setup of
/// docs/getting-started.md (meter and activity source <c>AgentAuth.AspNetCore</c>) and the in-memory exporter, through
/// real requests on Kestrel: a success, a failure and a replay-store outage.
/// </summary>
[Collection(ProcessWideTelemetryCollection.Name)]
public sealed class OpenTelemetryTests : IAsyncLifetime
{
    private const string PublicOrigin = "https://api.example";
    private const string AspNetCoreRequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private readonly SignatureKey _agentKey = SignatureKey.GenerateEd25519("agent-1");
    private readonly List<Activity> _activities = [];
    private readonly List<Metric> _metrics = [];
    private readonly SwitchableReplayCache _replayCache = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IReplayCache>(_replayCache);
        builder.Services.AddAuthentication(AgentAuthDefaults.AuthenticationScheme).AddAgentAuth(options =>
        {
            options.PublicOrigin = PublicOrigin;
            options.AgentKeys.JsonWebKeySet = "{\"keys\":[" + _agentKey.ExportPublicJwkJson() + "]}";
        });
        // The documented setup (docs/getting-started.md), plus the in-memory exporters and ASP.NET Core's own source for nesting.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource("AgentAuth.AspNetCore", "Microsoft.AspNetCore").AddInMemoryExporter(_activities))
            .WithMetrics(metrics => metrics.AddMeter("AgentAuth.AspNetCore").AddInMemoryExporter(_metrics));
        _app = builder.Build();
        _app.UseAgentAuth();
        _app.MapGet("/data", () => "ok").RequireAuthorization(policy => policy.AddAuthenticationSchemes(AgentAuthDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _agentKey.Dispose();
    }

    [Fact]
    public async Task Success_failure_and_store_outage_are_traced_under_the_request_span_and_counted()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Sign(_agentKey))).StatusCode);

        using var otherKey = SignatureKey.GenerateEd25519("agent-1");
        var forged = Sign(otherKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(forged)).StatusCode);

        _replayCache.Down = true;
        using var outage = await SendAsync(Sign(_agentKey));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.StatusCode);

        // ASP.NET Core stops a request's span after the response is written, so the client can hold the last response
        // before the server has exported that request's span: wait for all three (ForceFlush cannot export a running span).
        await WaitForRequestSpansAsync(3);
        Assert.True(_app.Services.GetRequiredService<TracerProvider>().ForceFlush());
        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush());

        // Traces: one AgentAuth.Authenticate span per request, child of ASP.NET Core's request span.
        var spans = _activities.Where(a => a.OperationName == "AgentAuth.Authenticate").ToArray();
        Assert.Equal(3, spans.Length);
        foreach (var span in spans)
        {
            Assert.Equal("AgentAuth.AspNetCore", span.Source.Name);
            var parent = Assert.Single(_activities, a => a.SpanId == span.ParentSpanId);
            Assert.Equal(AspNetCoreRequestActivity, parent.OperationName);
            Assert.Equal(span.TraceId, parent.TraceId);
            Assert.Equal("httpsig", span.GetTagItem("agentauth.mode"));
        }
        Assert.Equal("success", spans[0].GetTagItem("agentauth.result"));
        Assert.Equal(ActivityStatusCode.Unset, spans[0].Status);

        Assert.Equal("failure", spans[1].GetTagItem("agentauth.result"));
        Assert.Equal(ActivityStatusCode.Error, spans[1].Status);
        Assert.Equal("invalid_signature", spans[1].StatusDescription);
        Assert.Equal("invalid_signature", spans[1].GetTagItem("agentauth.error"));

        Assert.Equal(ActivityStatusCode.Error, spans[2].Status);
        Assert.Equal("temporarily_unavailable", spans[2].StatusDescription);

        // No credential reaches a span: neither the signature nor its input appear in any tag or status.
        var signature = forged.Single(h => h.Key == "Signature").Value;
        foreach (var span in spans)
        {
            Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string s && (s.Contains(signature, StringComparison.Ordinal) || s.Contains("sig1=", StringComparison.Ordinal)));
        }

        // Metrics: agentauth.authentications by result, mode and error; the duration histogram on the same tags.
        var counts = Points(Assert.Single(_metrics, m => m.Name == "agentauth.authentications"));
        Assert.Equal(1, counts[("success", "httpsig", "none")]);
        Assert.Equal(1, counts[("failure", "httpsig", "invalid_signature")]);
        Assert.Equal(1, counts[("failure", "httpsig", "temporarily_unavailable")]);
        var duration = Assert.Single(_metrics, m => m.Name == "agentauth.authentication.duration");
        Assert.Equal(MetricType.Histogram, duration.MetricType);
        Assert.Equal("s", duration.Unit);
    }

    private async Task WaitForRequestSpansAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (RequestSpans() < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(count, RequestSpans());

        int RequestSpans()
        {
            // The exporter appends from the server's threads: index, not enumerate (no version check), and skip a slot
            // that is counted but not yet written.
            var found = 0;
            for (var i = 0; i < _activities.Count; i++)
            {
                found += _activities[i]?.OperationName == AspNetCoreRequestActivity ? 1 : 0;
            }
            return found;
        }
    }

    private static Dictionary<(string, string, string), long> Points(Metric metric)
    {
        var points = new Dictionary<(string, string, string), long>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            string result = "", mode = "", error = "";
            foreach (var tag in point.Tags)
            {
                switch (tag.Key)
                {
                    case "agentauth.result": result = (string)tag.Value!; break;
                    case "agentauth.mode": mode = (string)tag.Value!; break;
                    case "agentauth.error": error = (string)tag.Value!; break;
                }
            }
            points[(result, mode, error)] = point.GetSumLong();
        }
        return points;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Sign(SignatureKey key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, PublicOrigin + "/data");
        var headers = new HttpMessageSigner().Sign(new HttpRequestMessageAdapter(message), "sig1",
            [SignatureComponent.Method, SignatureComponent.Authority, SignatureComponent.Path],
            new SignatureParameters { Nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) }, key);
        return [new("Signature-Input", headers.SignatureInput), new("Signature", headers.Signature)];
    }

    private async Task<HttpResponseMessage> SendAsync(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/data");
        foreach (var header in headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        return await _client.SendAsync(request);
    }

    /// <summary>A replay cache that answers until <see cref="Down"/>, then fails as an unreachable store does.</summary>
    private sealed class SwitchableReplayCache : IReplayCache
    {
        private readonly HashSet<string> _seen = [];

        public bool Down { get; set; }

        public ValueTask<bool> TryAddAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        {
            if (Down)
            {
                return ValueTask.FromException<bool>(new ReplayCacheUnavailableException("The test store is down."));
            }
            lock (_seen)
            {
                return new ValueTask<bool>(_seen.Add(key));
            }
        }
    }
}
