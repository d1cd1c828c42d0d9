using System;
using System.Linq;
using System.Threading.Tasks;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

public sealed unsafe class CheckedAllocatorTests
{
    private static readonly string ThisFile = "CheckedAllocatorTests.cs";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(4096)]
    public void EveryBlockIsAlignedAndFramedByRedzones(int alignment)
    {
        var options = new CheckedAllocatorOptions { RedzoneSize = 24 };
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, options);
        for (nuint size = 1; size < 300; size += 7)
        {
            var p = (byte*)allocator.Allocate(size, (nuint)alignment);
            Assert.Equal(0u, (nuint)p % (nuint)alignment);

            // The left redzone is at least RedzoneSize bytes of RedzoneByte, and so is the right one.
            for (var i = 1; i <= 24; i++)
            {
                Assert.Equal(options.RedzoneByte, p[-i]);
                Assert.Equal(options.RedzoneByte, p[size + (nuint)i - 1]);
            }

            new Span<byte>(p, (int)size).Fill(0x11);
            allocator.Free(p);
        }

        allocator.Verify();
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void AnOddRedzoneGuardsExactlyItsBytes()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { RedzoneSize = 5 });
        var p = (byte*)allocator.Allocate(7, 8);
        Assert.Equal(0u, (nuint)p % 8);

        // The last byte of the 5-byte right redzone is still guarded.
        allocator.Verify();
        p[7 + 4] = 0;
        var violation = Violation.Expect(ViolationKind.BufferOverflow, () => allocator.Verify());
        Assert.Contains("5 past its end", violation.Message);
    }

    [Fact]
    public void AfterDisposeNothingIsLiveAndQueriesStillAnswer()
    {
        var allocator = new CheckedAllocator(NativeAllocator.Shared);
        allocator.Allocate(10);
        allocator.Dispose();
        Assert.Empty(allocator.GetLeaks());
        allocator.AssertNoLeaks();
        Assert.Equal(0, allocator.Statistics.LiveBytes);
        Assert.Equal(1, allocator.Statistics.TotalAllocations);
    }

    [Fact]
    public void FreedMemoryIsPoisonedWhileQuarantined()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { PoisonByte = 0xAB });
        var p = (byte*)allocator.Allocate(100);
        new Span<byte>(p, 100).Fill(7);
        allocator.Free(p);

        // Reading freed memory is undefined for callers; here it proves the poison went down while the block is still held.
        Assert.True(new ReadOnlySpan<byte>(p, 100).IndexOfAnyExcept((byte)0xAB) < 0);
        Assert.Equal(100, allocator.Statistics.QuarantinedBytes);
    }

    [Fact]
    public void StatisticsTrackLivePeakAndTotals()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var a = allocator.Allocate(100);
        var b = allocator.Allocate(50);
        allocator.Free(a);
        var c = allocator.Reallocate(b, 200);
        var stats = allocator.Statistics;
        Assert.Equal(200, stats.LiveBytes);
        Assert.Equal(1, stats.LiveBlocks);
        Assert.Equal(250, stats.PeakBytes);
        Assert.Equal(3, stats.TotalAllocations);
        Assert.Equal(2, stats.TotalFrees);
        allocator.Free(c);
        Assert.Equal(0, allocator.Statistics.LiveBytes);
    }

    [Fact]
    public void DoubleFreeNamesAllocationAndBothReleases()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = allocator.Allocate(64); var allocated = Source.Line();
        allocator.Free(p); var firstFree = Source.Line();
        int secondFree = 0;
        var violation = Violation.Expect(ViolationKind.DoubleFree, () => { secondFree = Source.Line(); allocator.Free(p); });

        Assert.Contains($"double free of 0x{(ulong)p:X} (64 bytes)", violation.Message);
        Assert.Contains($"allocated at {ThisFile}:{allocated}, first freed at {ThisFile}:{firstFree}, freed again at {ThisFile}:{secondFree}", violation.Message);
        Assert.Equal(allocated, violation.AllocationSite!.Line);
        Assert.Equal(new[] { firstFree, secondFree }, violation.ReleaseSites.Select(s => s.Line));
        Assert.EndsWith(ThisFile, violation.AllocationSite.FilePath);
        Assert.Equal(nameof(DoubleFreeNamesAllocationAndBothReleases), violation.AllocationSite.Member);
        Assert.Equal(1, allocator.Statistics.TotalFrees);
    }

    [Fact]
    public void DoubleFreeIsStillNamedAfterTheBlockLeftQuarantine()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 0 });
        var p = allocator.Allocate(32);
        allocator.Free(p);
        Assert.Equal(0, allocator.Statistics.QuarantinedBytes);
        Violation.Expect(ViolationKind.DoubleFree, () => allocator.Free(p));
    }

    [Fact]
    public void FreeOfAPointerItNeverReturnedIsInvalid()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var foreign = NativeAllocator.Shared.Allocate(16);
        try
        {
            int line = 0;
            var violation = Violation.Expect(ViolationKind.InvalidFree, () => { line = Source.Line(); allocator.Free(foreign); });
            Assert.Contains($"invalid free of 0x{(ulong)foreign:X} at {ThisFile}:{line}", violation.Message);
            Assert.Null(violation.AllocationSite);
            Assert.Equal(line, Assert.Single(violation.ReleaseSites).Line);
        }
        finally
        {
            NativeAllocator.Shared.Free(foreign);
        }
    }

    [Fact]
    public void FreeOfAnInteriorPointerNamesTheBlock()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(64); var allocated = Source.Line();
        var violation = Violation.Expect(ViolationKind.InteriorFree, () => allocator.Free(p + 8));
        Assert.Contains($"8 bytes into 0x{(ulong)p:X} (64 bytes) allocated at {ThisFile}:{allocated}", violation.Message);

        // Nothing changed: the block is still live and frees normally.
        Assert.Equal(1, allocator.Statistics.LiveBlocks);
        allocator.Free(p);
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void OverflowIsCaughtAtFreeWithBothSites()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(10); var allocated = Source.Line();
        p[10] = 1;
        int freed = 0;
        var violation = Violation.Expect(ViolationKind.BufferOverflow, () => { freed = Source.Line(); allocator.Free(p); });
        Assert.Contains($"allocated at {ThisFile}:{allocated}", violation.Message);
        Assert.Contains($"1 past its end", violation.Message);
        Assert.Contains($"detected at {ThisFile}:{freed}", violation.Message);
        Assert.Equal(freed, violation.DetectionSite!.Line);

        // The block stays live so the caller can repair and free it.
        Assert.Equal(1, allocator.Statistics.LiveBlocks);
        p[10] = new CheckedAllocatorOptions().RedzoneByte;
        allocator.Free(p);
    }

    [Fact]
    public void OverflowIsCaughtByVerify()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(33); var allocated = Source.Line();
        p[33 + 5] = 0;
        var violation = Violation.Expect(ViolationKind.BufferOverflow, () => allocator.Verify());
        Assert.Equal(allocated, violation.AllocationSite!.Line);
        Assert.Contains("offset 38", violation.Message);
    }

    [Fact]
    public void UnderflowIsCaught()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(16); var allocated = Source.Line();
        p[-1] = 0;
        var violation = Violation.Expect(ViolationKind.BufferUnderflow, () => allocator.Free(p));
        Assert.Contains($"the byte 1 before the start of 0x{(ulong)p:X} (16 bytes) allocated at {ThisFile}:{allocated}", violation.Message);
    }

    [Fact]
    public void WriteAfterFreeIsCaughtByVerify()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(64); var allocated = Source.Line();
        allocator.Free(p); var freed = Source.Line();
        p[20] = 42;
        int verified = 0;
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => { verified = Source.Line(); allocator.Verify(); });
        Assert.Contains(
            $"use after free: 0x{(ulong)p:X} (64 bytes) allocated at {ThisFile}:{allocated}, freed at {ThisFile}:{freed}, was written at offset 20 after it was freed; detected at {ThisFile}:{verified}",
            violation.Message);
        Assert.Equal(new[] { allocated, freed, verified }, violation.Sites.Select(s => s.Line));
    }

    [Fact]
    public void WriteAfterFreeIsCaughtWhenTheBlockLeavesQuarantine()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 100 });
        var p = (byte*)allocator.Allocate(64);
        allocator.Free(p);
        p[63] = 1;
        var q = allocator.Allocate(64);

        // Freeing q pushes the quarantine over 100 bytes, so p is checked and released.
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => allocator.Free(q));
        Assert.Contains("offset 63", violation.Message);
        Assert.Equal(64, allocator.Statistics.QuarantinedBytes);
        Assert.Equal(0, allocator.Statistics.LiveBlocks);
    }

    [Fact]
    public void DamageFoundDuringReallocateIsReportedByTheNextCall()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 100 });
        var p = (byte*)allocator.Allocate(64);
        allocator.Free(p);
        p[0] = 1;
        var q = allocator.Allocate(64);

        // Reallocate must hand back the new block, so the damage it found while evicting p waits for the next call.
        var r = allocator.Reallocate(q, 128);
        Assert.NotEqual(0u, (nuint)r);
        Violation.Expect(ViolationKind.UseAfterFree, () => allocator.Free(r));
        allocator.Free(r);
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void QuarantineStaysWithinItsBound()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 1000 });
        for (var i = 0; i < 500; i++)
        {
            allocator.Free(allocator.Allocate((nuint)(1 + (i % 97))));
            Assert.InRange(allocator.Statistics.QuarantinedBytes, 0, 1000);
        }
    }

    [Fact]
    public void LeaksNameEachAllocationSite()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var a = allocator.Allocate(64); var first = Source.Line();
        var b = allocator.Allocate(8); var second = Source.Line();
        allocator.Free(allocator.Allocate(4));

        var leaks = allocator.GetLeaks();
        Assert.Equal(new[] { (nuint)a, (nuint)b }, leaks.Select(l => l.Address));
        Assert.Equal(new nuint[] { 64, 8 }, leaks.Select(l => l.ByteCount));
        Assert.Equal(new[] { first, second }, leaks.Select(l => l.AllocationSite.Line));

        var violation = Violation.Expect(ViolationKind.Leak, allocator.AssertNoLeaks);
        Assert.Contains($"2 blocks leaked: 0x{(ulong)a:X} (64 bytes) allocated at {ThisFile}:{first}; 0x{(ulong)b:X} (8 bytes) allocated at {ThisFile}:{second}", violation.Message);
        Assert.Equal(new[] { first, second }, violation.Sites.Select(s => s.Line));
    }

    [Fact]
    public void DisposeReleasesLiveAndQuarantinedBlocksToTheInnerAllocator()
    {
        var inner = new CountingAllocator();
        var allocator = new CheckedAllocator(inner);
        allocator.Allocate(10);
        allocator.Free(allocator.Allocate(20));
        Assert.Equal(2, inner.Outstanding);
        allocator.Dispose();
        Assert.Equal(0, inner.Outstanding);
        allocator.Dispose();
    }

    [Fact]
    public void UseAfterDisposeThrows()
    {
        var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = allocator.Allocate(8);
        allocator.Dispose();
        Violation.Expect(ViolationKind.UseAfterDispose, () => allocator.Allocate(8));
        Violation.Expect(ViolationKind.UseAfterDispose, () => allocator.Free(p));
        Violation.Expect(ViolationKind.UseAfterDispose, () => allocator.Reallocate(p, 16));
        Violation.Expect(ViolationKind.UseAfterDispose, () => allocator.Verify());
    }

    [Fact]
    public void ReallocateKeepsContentsAndPoisonsTheOldBlock()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(16);
        for (var i = 0; i < 16; i++)
        {
            p[i] = (byte)i;
        }

        var q = (byte*)allocator.Reallocate(p, 64); var moved = Source.Line();
        Assert.NotEqual((nuint)p, (nuint)q);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal((byte)i, q[i]);
        }

        // A pointer kept into the old block now writes into quarantine, and Verify names the move as the release.
        p[0] = 1;
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => allocator.Verify());
        Assert.Equal(moved, violation.ReleaseSites.Single().Line);
        allocator.Free(q);
    }

    [Fact]
    public void ReallocateOfABadPointerChangesNothing()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = (byte*)allocator.Allocate(16);
        Violation.Expect(ViolationKind.InteriorFree, () => allocator.Reallocate(p + 1, 32));
        Assert.Equal(1, allocator.Statistics.TotalAllocations);
        allocator.Free(p);
        Violation.Expect(ViolationKind.DoubleFree, () => allocator.Reallocate(p, 32));
        Assert.Equal(0, allocator.Statistics.LiveBlocks);
    }

    [Fact]
    public void ReallocateOfNullAllocates()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = allocator.Reallocate(null, 24);
        Assert.Equal(24, allocator.Statistics.LiveBytes);
        allocator.Free(p);
    }

    [Fact]
    public void FreeOfNullIsIgnored()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        allocator.Free(null);
        Assert.Equal(0, allocator.Statistics.TotalFrees);
    }

    [Theory]
    [InlineData(0ul, 16ul)]
    [InlineData(ulong.MaxValue, 16ul)]
    [InlineData(ulong.MaxValue - 8, 16ul)]
    [InlineData(16ul, 0ul)]
    [InlineData(16ul, 3ul)]
    [InlineData(16ul, 48ul)]
    [InlineData(16ul, 1ul << 40)]
    public void BadRequestsThrowAndChangeNothing(ulong size, ulong alignment)
    {
        var inner = new CountingAllocator();
        using var allocator = new CheckedAllocator(inner);
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Allocate((nuint)size, (nuint)alignment));
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeAllocator.Shared.Allocate((nuint)size, (nuint)alignment));
        Assert.Equal(default, allocator.Statistics);
        Assert.Equal(0, inner.Allocations);
    }

    [Fact]
    public void ReallocateToZeroThrowsAndKeepsTheBlock()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var p = allocator.Allocate(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Reallocate(p, 0));
        Assert.Equal(1, allocator.Statistics.LiveBlocks);
        allocator.Free(p);
    }

    [Fact]
    public void AnInnerAllocatorReturningNullIsOutOfMemory()
    {
        using var allocator = new CheckedAllocator(new NullAllocator());
        Assert.Throws<OutOfMemoryException>(() => allocator.Allocate(8));
        Assert.Equal(default, allocator.Statistics);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => new CheckedAllocator(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { RedzoneSize = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = -1 }));
    }

    [Fact]
    public void WithoutRedzonesOrQuarantineBlocksAreStillTracked()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { RedzoneSize = 0, QuarantineBytes = 0 });
        var p = (byte*)allocator.Allocate(8);
        p[8] = 0;
        allocator.Verify();
        allocator.Free(p);
        Violation.Expect(ViolationKind.DoubleFree, () => allocator.Free(p));
    }

    [Fact]
    public void StackTracesAreCapturedWhenAsked()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { CaptureStackTraces = true });
        var p = allocator.Allocate(8);
        allocator.Free(p);
        var violation = Violation.Expect(ViolationKind.DoubleFree, () => allocator.Free(p));
        Assert.Contains(nameof(StackTracesAreCapturedWhenAsked), violation.AllocationSite!.StackTrace);
        Assert.Contains(nameof(StackTracesAreCapturedWhenAsked), violation.Message);
        Assert.All(violation.ReleaseSites, s => Assert.NotNull(s.StackTrace));
    }

    [Fact]
    public void StackTracesAreOffByDefault()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        allocator.Allocate(8);
        Assert.Null(allocator.GetLeaks().Single().AllocationSite.StackTrace);
    }

    [Fact]
    public void CallsThroughTheInterfaceAreCheckedWithAnUnknownSite()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        IAllocator through = allocator;
        var p = through.Allocate(8);
        through.Free(p);
        var violation = Violation.Expect(ViolationKind.DoubleFree, () => through.Free(p));
        Assert.False(violation.AllocationSite!.IsKnown);
        Assert.Contains("unknown site", violation.Message);
    }

    [Fact]
    public void CheckedOverCheckedNests()
    {
        using var outer = new CheckedAllocator(NativeAllocator.Shared);
        using var allocator = new CheckedAllocator(outer);
        var p = (byte*)allocator.Allocate(40, 64);
        Assert.Equal(0u, (nuint)p % 64);
        allocator.Free(p);
        allocator.Dispose();
        outer.AssertNoLeaks();
    }

    [Fact]
    public void TwoThreadsHammeringOneAllocatorRaiseNoFalseAlarm()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 256 * 1024 });
        const int OpsPerThread = 100_000;
        void Work(int seed)
        {
            var random = new Random(seed);
            var live = new System.Collections.Generic.List<(nuint Pointer, int Size, byte Fill)>();
            for (var op = 0; op < OpsPerThread; op++)
            {
                if (live.Count == 0 || (live.Count < 200 && random.Next(2) == 0))
                {
                    var size = random.Next(1, 200);
                    var fill = (byte)random.Next(256);
                    var p = (byte*)allocator.Allocate((nuint)size);
                    new Span<byte>(p, size).Fill(fill);
                    live.Add(((nuint)p, size, fill));
                }
                else
                {
                    var i = random.Next(live.Count);
                    var (p, size, fill) = live[i];
                    Assert.True(new ReadOnlySpan<byte>((byte*)p, size).IndexOfAnyExcept(fill) < 0, "another thread wrote into this block");
                    allocator.Free((void*)p);
                    live[i] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
            }

            foreach (var (p, _, _) in live)
            {
                allocator.Free((void*)p);
            }
        }

        Parallel.Invoke(() => Work(1), () => Work(2));
        allocator.Verify();
        allocator.AssertNoLeaks();
        var stats = allocator.Statistics;
        Assert.Equal(stats.TotalAllocations, stats.TotalFrees);
        Assert.True(stats.TotalAllocations >= OpsPerThread, "both threads allocated");
    }
}
