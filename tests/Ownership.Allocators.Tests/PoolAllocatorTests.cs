using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

public sealed unsafe class PoolAllocatorTests
{
    private const string ThisFile = "PoolAllocatorTests.cs";

    [StructLayout(LayoutKind.Sequential)]
    private struct Triple
    {
        public int A;
        public int B;
        public int C;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BlocksAreDistinctAlignedAndSized(bool checks)
    {
        using var pool = new PoolAllocator<Triple>(blocksPerSlab: 10, checks);
        Assert.Equal(16u, pool.BlockSize);
        var seen = new HashSet<nuint>();
        var blocks = new List<nuint>();
        for (var i = 0; i < 35; i++)
        {
            var block = pool.Rent();
            Assert.Equal(0u, (nuint)block % 16);
            Assert.True(seen.Add((nuint)block));
            *block = new Triple { A = i, B = i, C = i };
            blocks.Add((nuint)block);
        }

        Assert.Equal(40, pool.Capacity);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(i, ((Triple*)blocks[i])->C);
            pool.Return((Triple*)blocks[i]);
        }
    }

    [Fact]
    public void SmallTypesStillGetPointerSizedBlocks()
    {
        using var pool = new PoolAllocator<byte>();
        Assert.Equal((nuint)sizeof(void*), pool.BlockSize);
        var a = pool.Rent();
        var b = pool.Rent();
        Assert.Equal((nuint)sizeof(void*), (nuint)b - (nuint)a);
        pool.Return(a);
        pool.Return(b);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReturnedBlocksAreReusedLastInFirstOut(bool checks)
    {
        using var pool = new PoolAllocator<long>(checks: checks);
        var a = pool.Rent();
        var b = pool.Rent();
        pool.Return(a);
        pool.Return(b);
        Assert.Equal((nuint)b, (nuint)pool.Rent());
        Assert.Equal((nuint)a, (nuint)pool.Rent());
        pool.Return(a);
        pool.Return(b);
    }

    [Fact]
    public void CheckedReturnPoisonsTheBlock()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent();
        *block = 0;
        pool.Return(block);
        Assert.True(new ReadOnlySpan<byte>(block, sizeof(long)).IndexOfAnyExcept(PoolAllocator<long>.PoisonByte) < 0);
    }

    [Fact]
    public void DoubleReturnNamesRentAndBothReturns()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent(); var rented = Source.Line();
        pool.Return(block); var returned = Source.Line();
        int again = 0;
        var violation = Violation.Expect(ViolationKind.DoubleFree, () => { again = Source.Line(); pool.Return(block); });
        Assert.Contains($"rented at {ThisFile}:{rented}, first returned at {ThisFile}:{returned}, returned again at {ThisFile}:{again}", violation.Message);
        Assert.Equal(new[] { rented, returned, again }, violation.Sites.Select(s => s.Line));
    }

    [Fact]
    public void ForeignPointerIsAnInvalidReturn()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var rented = pool.Rent();
        long local = 0;
        var foreign = &local;
        var violation = Violation.Expect(ViolationKind.InvalidFree, () => pool.Return(foreign));
        Assert.Contains("not rented from this pool", violation.Message);
        pool.Return(rented);
    }

    [Fact]
    public void MisalignedPointerIsAnInteriorReturn()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent(); var rented = Source.Line();
        var inside = (long*)((byte*)block + 4);
        var violation = Violation.Expect(ViolationKind.InteriorFree, () => pool.Return(inside));
        Assert.Contains($"4 bytes into pool block 0x{(ulong)block:X} rented at {ThisFile}:{rented}", violation.Message);

        // Nothing changed: the real block still returns normally.
        pool.Return(block);
    }

    [Fact]
    public void ReturnOfABlockNeverRentedIsInvalid()
    {
        using var pool = new PoolAllocator<long>(blocksPerSlab: 4, checks: true);
        var block = pool.Rent();
        Violation.Expect(ViolationKind.InvalidFree, () => pool.Return(block + 1));
        pool.Return(block);
    }

    [Fact]
    public void WriteAfterReturnIsCaughtWhenTheBlockIsRentedAgain()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent(); var rented = Source.Line();
        pool.Return(block); var returned = Source.Line();
        *block = 5;
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => pool.Rent());
        Assert.Contains($"rented at {ThisFile}:{rented}, returned at {ThisFile}:{returned}", violation.Message);

        // The report repaired the block: it rents normally now, and Dispose does not report it twice.
        Assert.Equal((nuint)block, (nuint)pool.Rent());
        pool.Return(block);
    }

    [Fact]
    public void AWriteIntoABlockNeverRentedIsCaughtWhenItIsRented()
    {
        using var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent();

        // One element past the block: the next block, which checked pools hand out next.
        block[1] = 7;
        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => pool.Rent());
        Assert.Contains($"pool block 0x{(ulong)(block + 1):X} never rented, was written at offset 0 while it was free", violation.Message);
        pool.Return(block);
    }

    [Fact]
    public void UnreturnedBlocksAreReportedAtDispose()
    {
        var pool = new PoolAllocator<long>(checks: true);
        pool.Rent(); var first = Source.Line();
        pool.Return(pool.Rent());
        pool.Rent(); var second = Source.Line();
        var violation = Violation.Expect(ViolationKind.Leak, pool.Dispose);
        Assert.Contains("2 pool block(s) never returned", violation.Message);
        Assert.Contains($"rented at {ThisFile}:{first}", violation.Message);
        Assert.Contains($"rented at {ThisFile}:{second}", violation.Message);
        Assert.Equal(new[] { first, second }, violation.Sites.Select(s => s.Line));

        // The memory was released anyway, and a second Dispose is quiet.
        Assert.Equal(0, pool.Capacity);
        pool.Dispose();
    }

    [Fact]
    public void WriteAfterReturnIsReportedAtDispose()
    {
        var pool = new PoolAllocator<long>(checks: true);
        var block = pool.Rent();
        pool.Return(block);
        *block = 1;
        Violation.Expect(ViolationKind.UseAfterFree, pool.Dispose);
    }

    [Fact]
    public void UseAfterDisposeThrows()
    {
        var unchecked_ = new PoolAllocator<long>();
        var a = unchecked_.Rent();
        unchecked_.Dispose();
        Assert.Throws<ObjectDisposedException>(() => unchecked_.Rent());
        Assert.Throws<ObjectDisposedException>(() => unchecked_.Return(a));

        var checked_ = new PoolAllocator<long>(checks: true);
        var b = checked_.Rent();
        checked_.Return(b);
        checked_.Dispose();
        Violation.Expect(ViolationKind.UseAfterDispose, () => checked_.Rent());
        Violation.Expect(ViolationKind.UseAfterDispose, () => checked_.Return(b));
    }

    [Fact]
    public void BadInputThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoolAllocator<long>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoolAllocator<long>(-5));
        using var pool = new PoolAllocator<long>();
        Assert.Throws<ArgumentNullException>(() => pool.Return(null));
    }
}
