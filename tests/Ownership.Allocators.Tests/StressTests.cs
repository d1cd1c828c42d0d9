using System;
using System.Collections.Generic;
using System.Linq;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

/// <summary>
/// A million random operations per allocator, compared step by step with a simple model. Correct programs must see the same
/// results checked and unchecked, and the checked versions must raise no false alarm. Seeds are fixed so failures replay.
/// </summary>
public sealed unsafe class StressTests
{
    private const int Operations = 1_000_000;
    private const int Seed = 20261121;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AllocatorMatchesModel(bool checks)
    {
        using var checkedAllocator = checks ? new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 1 << 20 }) : null;
        IAllocator allocator = checkedAllocator ?? (IAllocator)NativeAllocator.Shared;
        var random = new Random(Seed);
        var live = new List<(nuint Pointer, int Size, byte Fill)>();
        long liveBytes = 0;
        for (var op = 0; op < Operations; op++)
        {
            var choice = random.Next(100);
            if (live.Count == 0 || (choice < 45 && live.Count < 1000))
            {
                var size = random.Next(1, 512);
                var alignment = (nuint)1 << random.Next(0, 9);
                var fill = (byte)random.Next(256);
                var p = (byte*)allocator.Allocate((nuint)size, alignment);
                Assert.True((nuint)p % alignment == 0, "misaligned block");
                new Span<byte>(p, size).Fill(fill);
                live.Add(((nuint)p, size, fill));
                liveBytes += size;
            }
            else if (choice < 85)
            {
                var i = random.Next(live.Count);
                var (p, size, fill) = live[i];
                AssertFilled(p, size, fill);
                allocator.Free((void*)p);
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
                liveBytes -= size;
            }
            else
            {
                var i = random.Next(live.Count);
                var (p, size, fill) = live[i];
                var newSize = random.Next(1, 1024);
                var q = (byte*)allocator.Reallocate((void*)p, (nuint)newSize);
                Assert.True((nuint)q % 16 == 0, "reallocated block below the default alignment");
                AssertFilled((nuint)q, Math.Min(size, newSize), fill);
                new Span<byte>(q, newSize).Fill(fill);
                live[i] = ((nuint)q, newSize, fill);
                liveBytes += newSize - size;
            }

            if (checkedAllocator is not null && op % 50_000 == 0)
            {
                checkedAllocator.Verify();
                Assert.Equal(liveBytes, checkedAllocator.Statistics.LiveBytes);
                Assert.Equal(live.Count, checkedAllocator.Statistics.LiveBlocks);
            }
        }

        foreach (var (p, size, fill) in live)
        {
            AssertFilled(p, size, fill);
            allocator.Free((void*)p);
        }

        if (checkedAllocator is not null)
        {
            checkedAllocator.Verify();
            checkedAllocator.AssertNoLeaks();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ArenaMatchesModel(bool checks)
    {
        using var arena = new ArenaAllocator(4096, checks);
        var random = new Random(Seed);
        var live = new List<(nuint Pointer, int Size, byte Fill)>();
        for (var op = 0; op < Operations; op++)
        {
            if (random.Next(1000) == 0)
            {
                // Before a reset every block must still hold what was written: no two blocks overlap.
                foreach (var (p, size, fill) in live)
                {
                    AssertFilled(p, size, fill);
                }

                arena.Reset();
                live.Clear();
                continue;
            }

            var request = random.Next(100) == 0 ? random.Next(4096, 10_000) : random.Next(1, 200);
            var alignment = (nuint)1 << random.Next(0, 8);
            var pattern = (byte)random.Next(256);
            var block = (byte*)arena.Allocate((nuint)request, alignment);
            Assert.True((nuint)block % alignment == 0, "misaligned block");
            new Span<byte>(block, request).Fill(pattern);
            live.Add(((nuint)block, request, pattern));
        }

        foreach (var (p, size, fill) in live)
        {
            AssertFilled(p, size, fill);
        }
    }

    private struct Payload
    {
        public long Id;
        public long Check;
        public int Extra;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PoolMatchesModel(bool checks)
    {
        var pool = new PoolAllocator<Payload>(blocksPerSlab: 256, checks);
        var random = new Random(Seed);
        var rented = new List<nuint>();
        var distinct = new HashSet<nuint>();
        long next = 0;
        for (var op = 0; op < Operations; op++)
        {
            if (rented.Count == 0 || (random.Next(2) == 0 && rented.Count < 3000))
            {
                var block = pool.Rent();
                Assert.True((nuint)block % 16 == 0, "misaligned block");
                Assert.True(distinct.Add((nuint)block), "a block was rented twice");
                *block = new Payload { Id = next, Check = ~next, Extra = (int)next };
                next++;
                rented.Add((nuint)block);
            }
            else
            {
                var i = random.Next(rented.Count);
                var block = (Payload*)rented[i];
                Assert.Equal(~block->Id, block->Check);
                distinct.Remove((nuint)block);
                pool.Return(block);
                rented[i] = rented[^1];
                rented.RemoveAt(rented.Count - 1);
            }
        }

        foreach (var block in rented)
        {
            pool.Return((Payload*)block);
        }

        // With checks, Dispose throws if anything was still rented or written after return: it must stay quiet.
        pool.Dispose();
        Assert.Equal(0, pool.Capacity);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NativeListMatchesListOfT(bool checks)
    {
        using var checkedAllocator = checks ? new CheckedAllocator(NativeAllocator.Shared, new CheckedAllocatorOptions { QuarantineBytes = 1 << 18 }) : null;
        var random = new Random(Seed);
        var model = new List<int>();
        using (var list = new NativeList<int>(random.Next(0, 8), checkedAllocator))
        {
            for (var op = 0; op < Operations; op++)
            {
                var choice = random.Next(1000);
                var value = random.Next();
                if (choice < 600 || model.Count == 0)
                {
                    list.Add(value);
                    model.Add(value);
                }
                else if (choice < 700)
                {
                    var index = random.Next(model.Count + 1);
                    list.Insert(index, value);
                    model.Insert(index, value);
                }
                else if (choice < 800)
                {
                    var index = random.Next(model.Count);
                    list.RemoveAt(index);
                    model.RemoveAt(index);
                }
                else if (choice < 990)
                {
                    var index = random.Next(model.Count);
                    Assert.Equal(model[index], list[index]);
                    list[index] = value;
                    model[index] = value;
                }
                else if (choice < 997 || model.Count > 4000)
                {
                    list.Clear();
                    model.Clear();
                }
                else
                {
                    var capacity = random.Next(0, 5000);
                    Assert.True(list.EnsureCapacity(capacity) >= capacity);
                }

                Assert.Equal(model.Count, list.Count);
                if (op % 10_000 == 0)
                {
                    Assert.True(list.AsSpan().SequenceEqual(ModelSpan(model)));
                    checkedAllocator?.Verify();
                }
            }

            Assert.True(list.AsSpan().SequenceEqual(ModelSpan(model)));
        }

        checkedAllocator?.Verify();
        checkedAllocator?.AssertNoLeaks();
    }

    [Fact]
    public void SlotMapMatchesModel()
    {
        var map = new SlotMap<long>();
        var random = new Random(Seed);
        var model = new Dictionary<Handle, long>();
        var handles = new List<Handle>();
        var stale = new List<Handle>();
        for (var op = 0; op < Operations; op++)
        {
            var choice = random.Next(100);
            if (handles.Count == 0 || (choice < 40 && handles.Count < 2000))
            {
                long value = random.Next();
                var handle = map.Add(value);
                Assert.False(model.ContainsKey(handle), "a live handle was issued twice");
                model.Add(handle, value);
                handles.Add(handle);
            }
            else if (choice < 70)
            {
                var i = random.Next(handles.Count);
                var handle = handles[i];
                Assert.True(map.Remove(handle));
                model.Remove(handle);
                handles[i] = handles[^1];
                handles.RemoveAt(handles.Count - 1);
                if (stale.Count < 1000)
                {
                    stale.Add(handle);
                }
                else
                {
                    stale[random.Next(stale.Count)] = handle;
                }
            }
            else if (choice < 90)
            {
                var handle = handles[random.Next(handles.Count)];
                Assert.Equal(model[handle], map[handle]);
                map[handle]++;
                model[handle]++;
            }
            else if (stale.Count > 0)
            {
                // A removed handle never comes back to life, even when its slot holds a new value.
                var handle = stale[random.Next(stale.Count)];
                Assert.False(map.Contains(handle));
                Assert.False(map.TryGet(handle, out _));
                Assert.False(map.Remove(handle));
            }

            Assert.Equal(model.Count, map.Count);
        }

        foreach (var (handle, value) in model)
        {
            Assert.True(map.TryGet(handle, out var stored));
            Assert.Equal(value, stored);
        }

        var staleHandle = stale[0];
        Violation.Expect(ViolationKind.StaleHandle, () => map[staleHandle]++);
    }

    private static ReadOnlySpan<int> ModelSpan(List<int> list) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list);

    private static void AssertFilled(nuint pointer, int size, byte fill)
    {
        // The message is built only on failure: this runs millions of times.
        var bad = new ReadOnlySpan<byte>((void*)pointer, size).IndexOfAnyExcept(fill);
        if (bad >= 0)
        {
            Assert.Fail($"block 0x{pointer:X} was corrupted at offset {bad}");
        }
    }
}
