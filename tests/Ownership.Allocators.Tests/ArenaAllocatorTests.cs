using System;
using System.Collections.Generic;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

public sealed unsafe class ArenaAllocatorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AllocationsAreAlignedAndDisjoint(bool checks)
    {
        using var arena = new ArenaAllocator(1024, checks);
        var blocks = new List<(nuint Start, nuint Size)>();
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var size = (nuint)random.Next(1, 300);
            var alignment = (nuint)1 << random.Next(0, 9);
            var p = (byte*)arena.Allocate(size, alignment);
            Assert.Equal(0u, (nuint)p % alignment);
            blocks.Add(((nuint)p, size));
        }

        blocks.Sort();
        for (var i = 1; i < blocks.Count; i++)
        {
            Assert.True(blocks[i - 1].Start + blocks[i - 1].Size <= blocks[i].Start, "two arena blocks overlap");
        }
    }

    [Fact]
    public void SmallAllocationsBumpWithinAChunk()
    {
        using var arena = new ArenaAllocator();
        var a = (byte*)arena.Allocate(64);
        var b = (byte*)arena.Allocate(64);
        var c = (byte*)arena.Allocate(1, 1);
        var d = (byte*)arena.Allocate(8, 8);
        Assert.Equal((nuint)(a + 64), (nuint)b);
        Assert.Equal((nuint)(b + 64), (nuint)c);

        // Sizes round up to 16 bytes, which keeps the cursor aligned for the common case.
        Assert.Equal((nuint)(c + 16), (nuint)d);
        Assert.Equal(65536, arena.ReservedBytes);
    }

    [Fact]
    public void OversizedRequestsGetTheirOwnChunkAndKeepTheCurrentOne()
    {
        using var arena = new ArenaAllocator(256);
        var a = (byte*)arena.Allocate(16);
        var big = (byte*)arena.Allocate(1000, 128);
        Assert.Equal(0u, (nuint)big % 128);
        new Span<byte>(big, 1000).Fill(1);
        var b = (byte*)arena.Allocate(16);
        Assert.Equal((nuint)(a + 16), (nuint)b);
        Assert.True(arena.ReservedBytes >= 256 + 1000);

        // Reset frees the oversized chunk and keeps the standard one.
        arena.Reset();
        Assert.Equal(256, arena.ReservedBytes);
    }

    [Fact]
    public void ResetReusesTheSameMemory()
    {
        using var arena = new ArenaAllocator(512);
        var first = arena.Allocate(100);
        for (var i = 0; i < 20; i++)
        {
            arena.Allocate(100);
        }

        var reserved = arena.ReservedBytes;
        arena.Reset();
        Assert.Equal((nuint)first, (nuint)arena.Allocate(100));
        for (var i = 0; i < 20; i++)
        {
            arena.Allocate(100);
        }

        Assert.Equal(reserved, arena.ReservedBytes);
    }

    [Fact]
    public void CheckedResetPoisonsMemory()
    {
        using var arena = new ArenaAllocator(4096, checks: true);
        var p = (byte*)arena.Allocate(100);
        new Span<byte>(p, 100).Fill(3);
        arena.Reset();

        // Reading after Reset is a bug in callers; here it proves the poison.
        Assert.True(new ReadOnlySpan<byte>(p, 100).IndexOfAnyExcept(ArenaAllocator.PoisonByte) < 0);
    }

    [Fact]
    public void CheckedArenaCatchesAWriteThroughAPointerKeptPastReset()
    {
        using var arena = new ArenaAllocator(4096, checks: true);
        var stale = (byte*)arena.Allocate(64);
        arena.Reset();
        stale[10] = 1;
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => arena.Allocate(64));
        Assert.Contains($"0x{(ulong)(stale + 10):X}", violation.Message);
        Assert.Contains("Reset()", violation.Message);
    }

    [Fact]
    public void CheckedArenaCatchesAnOverflowIntoMemoryNotYetHandedOut()
    {
        using var arena = new ArenaAllocator(4096, checks: true);
        var p = (byte*)arena.Allocate(16);
        p[16] = 1;
        Violation.Expect(ViolationKind.BufferOverflow, () => arena.Allocate(16));
    }

    [Fact]
    public void CheckedArenaReportsUseAfterDispose()
    {
        var arena = new ArenaAllocator(checks: true);
        arena.Allocate(8);
        arena.Dispose();
        Violation.Expect(ViolationKind.UseAfterDispose, () => arena.Allocate(8));
        Violation.Expect(ViolationKind.UseAfterDispose, arena.Reset);
        arena.Dispose();
    }

    [Fact]
    public void UncheckedArenaThrowsObjectDisposedAfterDispose()
    {
        var arena = new ArenaAllocator();
        arena.Allocate(8);
        arena.Dispose();
        Assert.Throws<ObjectDisposedException>(() => arena.Allocate(8));
        Assert.Throws<ObjectDisposedException>(arena.Reset);
        Assert.Equal(0, arena.ReservedBytes);
    }

    [Theory]
    [InlineData(0ul, 16ul)]
    [InlineData(ulong.MaxValue, 16ul)]
    [InlineData(8ul, 0ul)]
    [InlineData(8ul, 12ul)]
    [InlineData(8ul, 1ul << 20)]
    public void BadRequestsThrowAndChangeNothing(ulong size, ulong alignment)
    {
        using var arena = new ArenaAllocator(256);
        var a = (byte*)arena.Allocate(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Allocate((nuint)size, (nuint)alignment));
        Assert.Equal((nuint)(a + 16), (nuint)(byte*)arena.Allocate(8));
    }

    [Fact]
    public void ZeroChunkSizeIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaAllocator(0));
    }

    [Fact]
    public void HugeButValidRequestsFailCleanly()
    {
        using var arena = new ArenaAllocator(256);
        Assert.Throws<OutOfMemoryException>(() => arena.Allocate((nuint)1 << 50));
        Assert.NotEqual(0u, (nuint)arena.Allocate(8));
    }
}
