using System;
using System.Collections.Generic;
using System.Linq;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

/// <summary>The checked allocator's address map (open addressing, backward-shift deletion) against a Dictionary.</summary>
public sealed class PointerMapTests
{
    [Fact]
    public void MatchesDictionaryUnderRandomInsertsAndRemovals()
    {
        var map = new PointerMap();
        var model = new Dictionary<nuint, int>();
        var random = new Random(5);
        for (var op = 0; op < 200_000; op++)
        {
            // Keys collide often (few distinct values, 16-byte aligned like real blocks) to exercise probe runs and shifts.
            var key = (nuint)(random.Next(1, 3000) * 16);
            if (random.Next(2) == 0)
            {
                if (model.TryAdd(key, op))
                {
                    map.Add(key, op);
                }
                else
                {
                    Assert.Throws<InvalidOperationException>(() => map.Add(key, op));
                }
            }
            else
            {
                Assert.Equal(model.Remove(key, out var expected), map.Remove(key, out var actual));
                Assert.Equal(expected, actual);
            }

            Assert.Equal(model.Count, map.Count);
        }

        foreach (var (key, value) in model)
        {
            Assert.True(map.TryGetValue(key, out var found));
            Assert.Equal(value, found);
        }

        Assert.Equal(model.Values.OrderBy(v => v), map.Values.OrderBy(v => v));
        Assert.False(map.TryGetValue(16 * 5000, out _));
        map.Clear();
        Assert.Equal(0, map.Count);
        Assert.Empty(map.Values);
    }
}
