using System;
using Ownership.Allocators;
using Xunit;
using Xunit.Abstractions;

namespace Ownership.Allocators.Tests;

/// <summary>The memory a CheckedAllocator spends per live block, besides the block itself (recorded in docs/allocators.md).</summary>
public sealed unsafe class OverheadTests(ITestOutputHelper output)
{
    private sealed class ByteCountingAllocator : IAllocator
    {
        public long Requested { get; private set; }

        public void* Allocate(nuint byteCount, nuint alignment = 16)
        {
            Requested += (long)byteCount;
            return NativeAllocator.Shared.Allocate(byteCount, alignment);
        }

        public void Free(void* pointer) => NativeAllocator.Shared.Free(pointer);

        public void* Reallocate(void* pointer, nuint byteCount) => throw new NotSupportedException();
    }

    [Fact]
    public void CheckedModeOverheadPerLiveBlockIsBounded()
    {
        const int Blocks = 100_000;
        const int Size = 64;
        var inner = new ByteCountingAllocator();
        using var allocator = new CheckedAllocator(inner);
        var pointers = new nuint[Blocks];
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Blocks; i++)
        {
            pointers[i] = (nuint)allocator.Allocate(Size);
        }

        var managed = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        var inBand = (inner.Requested - ((long)Blocks * Size)) / Blocks;
        var outOfBand = managed / Blocks;
        output.WriteLine($"per live {Size}-byte block: {inBand} bytes of redzones, {outOfBand} bytes of bookkeeping");

        // Two 16-byte redzones in band; the record and its map slot out of band.
        Assert.Equal(32, inBand);
        Assert.InRange(outOfBand, 100, 256);
        foreach (var pointer in pointers)
        {
            allocator.Free((void*)pointer);
        }

        allocator.AssertNoLeaks();
    }
}
