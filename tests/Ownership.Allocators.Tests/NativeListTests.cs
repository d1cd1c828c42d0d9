using System;
using System.Linq;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

public sealed unsafe class NativeListTests
{
    [Fact]
    public void MutatorsBehaveLikeListOfT()
    {
        using var list = new NativeList<int>();
        for (var i = 0; i < 10; i++)
        {
            list.Add(i);
        }

        list.Insert(0, -1);
        list.Insert(11, 100);
        list.Insert(5, 50);
        list.RemoveAt(1);
        list.RemoveAt(list.Count - 1);
        Assert.Equal(new[] { -1, 1, 2, 3, 50, 4, 5, 6, 7, 8, 9 }, list.AsSpan().ToArray());
        list[0] = 7;
        list[1]++;
        Assert.Equal(7, list[0]);
        Assert.Equal(2, list[1]);
        list.Clear();
        Assert.Equal(0, list.Count);
        Assert.True(list.Capacity >= 11);
    }

    [Fact]
    public void CapacityGrowsByDoublingAndEnsureCapacityReserves()
    {
        using var list = new NativeList<long>(3);
        Assert.Equal(3, list.Capacity);
        for (var i = 0; i < 4; i++)
        {
            list.Add(i);
        }

        Assert.Equal(6, list.Capacity);
        Assert.Equal(100, list.EnsureCapacity(100));
        Assert.Equal(100, list.EnsureCapacity(10));
        Assert.Equal(new long[] { 0, 1, 2, 3 }, list.AsSpan().ToArray());
    }

    [Fact]
    public void StorageIsAligned()
    {
        using var list = new NativeList<decimal>(1);
        fixed (decimal* p = list.AsSpan())
        {
            Assert.Equal(0u, (nuint)p % 16);
        }
    }

    [Fact]
    public void OutOfRangeIndexesThrow()
    {
        using var list = new NativeList<int>();
        list.Add(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Insert(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.EnsureCapacity(-1));
        Assert.Equal(new[] { 1 }, list.AsSpan().ToArray());
    }

    [Fact]
    public void BadCapacitiesThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NativeList<int>(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NativeList<int>(int.MinValue, new CountingAllocator()));
    }

    [Fact]
    public void AnAllocatorReturningNullLeavesTheListUnchanged()
    {
        using var list = new NativeList<int>(allocator: new NullAllocator());
        Assert.Throws<OutOfMemoryException>(() => list.Add(1));
        Assert.Equal(0, list.Count);
        Assert.Equal(0, list.Capacity);
    }

    [Fact]
    public void UseAfterDisposeThrows()
    {
        var list = new NativeList<int>();
        list.Add(1);
        list.Dispose();
        Assert.Throws<ObjectDisposedException>(() => list.Add(2));
        Assert.Throws<ObjectDisposedException>(() => list[0]);
        Assert.Throws<ObjectDisposedException>(() => list.AsSpan());
        Assert.Throws<ObjectDisposedException>(() => list.Insert(0, 1));
        Assert.Throws<ObjectDisposedException>(() => list.RemoveAt(0));
        Assert.Throws<ObjectDisposedException>(list.Clear);
        Assert.Throws<ObjectDisposedException>(() => list.EnsureCapacity(5));
        list.Dispose();
    }

    [Fact]
    public void StorageGoesThroughTheGivenAllocatorAndIsReleased()
    {
        var inner = new CountingAllocator();
        var list = new NativeList<int>(allocator: inner);
        Assert.Equal(0, inner.Allocations);
        for (var i = 0; i < 1000; i++)
        {
            list.Add(i);
        }

        Assert.Equal(1, inner.Outstanding);
        list.Dispose();
        Assert.Equal(0, inner.Outstanding);
    }

    [Fact]
    public void AStalePointerIntoTheOldBufferIsCaughtOnACheckedAllocator()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using var list = new NativeList<int>(4, allocator);
        list.Add(1);
        fixed (int* stale = &list[0])
        {
            for (var i = 0; i < 4; i++)
            {
                list.Add(i);
            }

            // The list grew: stale points into the old, poisoned and quarantined buffer.
            *stale = 99;
        }

        var violation = Violation.Expect(ViolationKind.UseAfterFree, () => allocator.Verify());
        Assert.Contains("NativeList<Int32>", violation.Message);
        Assert.Equal(1, list[0]);
    }

    [Fact]
    public void FreeingTheListsBufferThroughTheAllocatorIsAMismatchedRelease()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using var list = new NativeList<int>(4, allocator);
        list.Add(1);
        fixed (int* buffer = list.AsSpan())
        {
            var p = buffer;
            int line = 0;
            var violation = Violation.Expect(ViolationKind.MismatchedRelease, () => { line = Source.Line(); allocator.Free(p); });
            Assert.Contains($"belongs to a NativeList<Int32>, which frees it itself, but was released at {Source.At(line)}", violation.Message);
            Assert.Equal("NativeList<Int32>", violation.AllocationSite!.Member);
            Assert.Equal(line, Assert.Single(violation.ReleaseSites).Line);
        }

        Assert.Equal(1, list[0]);
    }

    [Fact]
    public void AListNeverDisposedIsALeakNamedByItsType()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var list = new NativeList<int>(4, allocator);
        var violation = Violation.Expect(ViolationKind.Leak, allocator.AssertNoLeaks);
        Assert.Contains("allocated at NativeList<Int32>", violation.Message);
        list.Dispose();
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void ChecksDoNotChangeResults()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using var plain = new NativeList<int>();
        using var checkedList = new NativeList<int>(allocator: allocator);
        for (var i = 0; i < 5000; i++)
        {
            plain.Add(i * 3);
            checkedList.Add(i * 3);
        }

        Assert.True(plain.AsSpan().SequenceEqual(checkedList.AsSpan()));
        Assert.Equal(plain.Capacity, checkedList.Capacity);
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => i * 3), plain.AsSpan().ToArray());
    }
}
