using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace AgentAuth.Benchmarks.Infrastructure;

/// <summary>
/// A sampling allocation profile: the runtime raises <c>GCAllocationTick</c> about every 100 KB allocated, naming the type of
/// the object that crossed the threshold. Over many operations the counts per type estimate where the bytes go.
/// </summary>
public sealed class AllocationProfiler : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _recording;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }
        var typeIndex = eventData.PayloadNames!.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        var type = typeIndex >= 0 ? eventData.Payload[typeIndex] as string ?? "?" : "?";
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
        lock (_gate)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }

    /// <summary>Runs <paramref name="operation"/> <paramref name="count"/> times and returns bytes per operation (exact) and the sampled types.</summary>
    public async Task<string> ProfileAsync(string name, Func<Task> operation, int count)
    {
        for (var i = 0; i < 1000; i++)
        {
            await operation();
        }
        lock (_gate)
        {
            _bytes.Clear();
        }
        var before = GC.GetTotalAllocatedBytes(precise: true);
        _recording = true;
        for (var i = 0; i < count; i++)
        {
            await operation();
        }
        _recording = false;
        var perOp = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"## {name}: {perOp:0} B/op (all threads, {count} ops)"));
        lock (_gate)
        {
            var total = _bytes.Values.Sum();
            foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,5:0.0}%  ~{perOp * bytes / total,6:0} B/op  {type}"));
            }
        }
        return text.ToString();
    }
}
