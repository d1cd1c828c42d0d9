using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Ownership.Allocators;

namespace Ownership.Benchmarks.Allocators;

/// <summary>A 64-byte allocation from an arena against NativeMemory.Alloc and Free (target: at least 10x faster).</summary>
[MemoryDiagnoser]
public unsafe class ArenaBenchmarks
{
    private const int Batch = 1000;
    private ArenaAllocator _arena = null!;
    private ArenaAllocator _checkedArena = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Big enough for a whole batch, so the measured path is the bump, not chunk acquisition.
        _arena = new ArenaAllocator(128 * 1024);
        _checkedArena = new ArenaAllocator(128 * 1024, checks: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _arena.Dispose();
        _checkedArena.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void NativeMemoryAllocFree()
    {
        for (var i = 0; i < Batch; i++)
        {
            var p = NativeMemory.Alloc(64);
            *(byte*)p = 1;
            NativeMemory.Free(p);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ArenaAllocate()
    {
        for (var i = 0; i < Batch; i++)
        {
            *(byte*)_arena.Allocate(64) = 1;
        }

        _arena.Reset();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void CheckedArenaAllocate()
    {
        for (var i = 0; i < Batch; i++)
        {
            *(byte*)_checkedArena.Allocate(64) = 1;
        }

        _checkedArena.Reset();
    }
}
