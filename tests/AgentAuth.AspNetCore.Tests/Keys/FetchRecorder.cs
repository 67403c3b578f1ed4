using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AgentAuth.AspNetCore.Tests.Keys;

/// <summary>Records this test's <c>agentauth.jwks.fetches</c> measurements (its own meter factory, so parallel tests do not mix).</summary>
internal sealed class FetchRecorder : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _outcomes = new();

    public FetchRecorder()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new JwksMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == JwksMetrics.FetchesCounterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    _outcomes.Enqueue((string)tag.Value!);
                }
            }
        });
        _listener.Start();
    }

    public JwksMetrics Metrics { get; }

    public IReadOnlyList<string> Outcomes => _outcomes.ToArray();

    public Task WaitForFetchesAsync(int count) => JwksCacheFixture.WaitUntilAsync(() => _outcomes.Count >= count);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
