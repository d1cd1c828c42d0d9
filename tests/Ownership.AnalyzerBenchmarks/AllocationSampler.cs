using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>
/// For <c>--profile … --allocations</c>: the runtime's allocation samples (one GCAllocationTick event about every
/// 100 KB, naming the type being allocated), summed by type while analyzers run. A sample, not an exact count: compare
/// a run of Ownership with one of <see cref="DriverOnlyAnalyzer"/> (<c>--driver-only</c>) to see what is Ownership's.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private static readonly ConcurrentDictionary<string, long> BytesByType = new();

    /// <summary>Set while the analyzers run (see <see cref="Measurement.Run"/>), so that parsing and binding are left out.</summary>
    public static volatile bool Active;

    public static void Print(int top)
    {
        foreach (var (type, bytes) in BytesByType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"{bytes >> 10,10:N0} KiB {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            const EventKeywords gc = (EventKeywords)0x1;
            EnableEvents(source, EventLevel.Verbose, gc);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!Active || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var bytes = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
        BytesByType.AddOrUpdate(type, bytes, (_, sum) => sum + bytes);
    }
}
