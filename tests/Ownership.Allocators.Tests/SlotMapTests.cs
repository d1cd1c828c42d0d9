using System;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

public sealed class SlotMapTests
{
    [Fact]
    public void AddGetRemove()
    {
        var map = new SlotMap<string>();
        var a = map.Add("a");
        var b = map.Add("b");
        Assert.Equal(2, map.Count);
        Assert.Equal("a", map[a]);
        map[b] = "B";
        Assert.True(map.TryGet(b, out var value));
        Assert.Equal("B", value);
        Assert.True(map.Remove(a));
        Assert.False(map.Remove(a));
        Assert.False(map.Contains(a));
        Assert.True(map.Contains(b));
        Assert.Equal(1, map.Count);
    }

    [Fact]
    public void AReusedSlotDoesNotRevivePriorHandles()
    {
        var map = new SlotMap<int>();
        var old = map.Add(1);
        map.Remove(old);
        var reused = map.Add(2);
        Assert.Equal(old.Index, reused.Index);
        Assert.NotEqual(old, reused);
        Assert.True(old != reused);
        Assert.False(map.TryGet(old, out var value));
        Assert.Equal(0, value);
        var violation = Violation.Expect(ViolationKind.StaleHandle, () => map[old]++);
        Assert.Contains($"stale handle {old}", violation.Message);
        Assert.Contains("was removed", violation.Message);
        Assert.Equal(2, map[reused]);
    }

    [Fact]
    public void HandlesNeverIssuedAreStale()
    {
        var map = new SlotMap<int>();
        map.Add(1);
        Violation.Expect(ViolationKind.StaleHandle, () => map[default]++);
        Violation.Expect(ViolationKind.StaleHandle, () => map[new Handle(5, 1)]++);
        Violation.Expect(ViolationKind.StaleHandle, () => map[new Handle(-1, 1)]++);
        Assert.False(map.Contains(new Handle(0, 2)));
        Assert.False(map.Remove(default));
    }

    [Fact]
    public void HandlesCompareByIndexAndGeneration()
    {
        Assert.Equal(new Handle(1, 3), new Handle(1, 3));
        Assert.True(new Handle(1, 3) == new Handle(1, 3));
        Assert.NotEqual(new Handle(1, 3), new Handle(1, 5));
        Assert.NotEqual(new Handle(1, 3), new Handle(2, 3));
        Assert.Equal(new Handle(1, 3).GetHashCode(), new Handle(1, 3).GetHashCode());
        Assert.False(new Handle(1, 3).Equals((object)"x"));
    }

    [Fact]
    public void ReferencesPointAtTheStoredValue()
    {
        var map = new SlotMap<(int X, int Y)>();
        var h = map.Add((1, 2));
        ref var v = ref map[h];
        v.X = 10;
        Assert.Equal((10, 2), map[h]);
    }
}
