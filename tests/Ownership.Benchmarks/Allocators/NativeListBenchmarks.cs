using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Ownership.Allocators;

namespace Ownership.Benchmarks.Allocators;

/// <summary>NativeList&lt;int&gt;.Add against List&lt;int&gt;.Add, growth included (target: at most 1.5x slower).</summary>
[MemoryDiagnoser]
public class NativeListBenchmarks
{
    private const int Count = 10_000;

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int ListAdd()
    {
        var list = new List<int>();
        for (var i = 0; i < Count; i++)
        {
            list.Add(i);
        }

        return list.Count;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int NativeListAdd()
    {
        using var list = new NativeList<int>();
        for (var i = 0; i < Count; i++)
        {
            list.Add(i);
        }

        return list.Count;
    }
}
