using System;
using System.Linq;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

/// <summary>The invariants of the small unsafe helpers the checked allocator relies on.</summary>
public sealed unsafe class InternalsTests
{
    [Fact]
    public void FillWritesExactlyItsRange()
    {
        var buffer = new byte[160];
        fixed (byte* start = buffer)
        {
            for (var length = 0; length <= 100; length++)
            {
                Array.Fill(buffer, (byte)0x11);
                MemoryPattern.Fill(start + 30, (nuint)length, 0xAB);

                // The vectorized path uses overlapping 16-byte stores: none may spill outside [30, 30 + length).
                Assert.All(buffer.Take(30), b => Assert.Equal(0x11, b));
                Assert.All(buffer.Skip(30).Take(length), b => Assert.Equal(0xAB, b));
                Assert.All(buffer.Skip(30 + length), b => Assert.Equal(0x11, b));
            }
        }
    }

    [Fact]
    public void FindMismatchReportsTheFirstDifferentByteAtEveryLengthAndPosition()
    {
        var buffer = new byte[160];
        fixed (byte* start = buffer)
        {
            for (var length = 0; length <= 100; length++)
            {
                Array.Fill(buffer, (byte)0xDD);

                // Bytes just outside the range differ, and must not be seen.
                buffer[29] = 0;
                buffer[30 + length] = 0;
                Assert.Equal(MemoryPattern.NotFound, MemoryPattern.FindMismatch(start + 30, (nuint)length, 0xDD));
                for (var position = 0; position < length; position++)
                {
                    buffer[30 + position] = 1;
                    Assert.Equal((nuint)position, MemoryPattern.FindMismatch(start + 30, (nuint)length, 0xDD));
                    buffer[30 + position] = 0xDD;
                }
            }
        }
    }

    [Fact]
    public void RingKeepsFirstInFirstOutOrderAcrossGrowthAndWrapAround()
    {
        var ring = new BlockRing<int>();
        var next = 0;
        var oldest = 0;
        for (var round = 0; round < 50; round++)
        {
            // Uneven adds and drops move the head around the buffer and force growth while it is wrapped.
            for (var i = 0; i < 7; i++)
            {
                ring.Enqueue(next++);
            }

            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(oldest++, ring.Oldest);
                ring.DropOldest();
            }

            Assert.Equal(next - oldest, ring.Count);
            for (var i = 0; i < ring.Count; i++)
            {
                Assert.Equal(oldest + i, ring.FromOldest(i));
            }
        }

        ring.Clear();
        Assert.Equal(0, ring.Count);
    }
}
