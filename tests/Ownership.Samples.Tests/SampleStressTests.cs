using System;
using System.Diagnostics;
using Ownership.Allocators;
using Ownership.Samples.Blocks;
using Ownership.Samples.Caching;
using Ownership.Samples.Dungeon;
using Ownership.Samples.Vectors;
using Xunit;

namespace Ownership.Samples.Tests;

/// <summary>Each sample's stress loop runs under a CheckedAllocator and ends in AssertNoLeaks; each is sized to take a few seconds at most.</summary>
public class SampleStressTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Fact]
    public void LruCache_survives_puts_evictions_removes_and_clears_without_leaks()
    {
        var result = Timed(() => LruCacheStress.RunStress(200_000, NativeAllocator.Shared));

        Assert.True(result.Evictions > 1000, $"only {result.Evictions} evictions");
        Assert.True(result.Hits > 1000 && result.Misses > 1000, $"{result.Hits} hits, {result.Misses} misses");
        Assert.True(result.Clears > 0 && result.Removes > 0);
    }

    [Fact]
    public void VectorStore_survives_clear_and_reinitialize_cycles_with_changing_dimension_without_leaks()
    {
        var result = Timed(() => VectorStoreStress.RunStress(cycles: 100, NativeAllocator.Shared));

        Assert.Equal(100, result.Cycles);
        Assert.Equal(100 * 200, result.Vectors);
        Assert.True(result.PeakBytes > 0);
    }

    [Fact]
    public void DungeonGenerator_regenerates_100_levels_without_leaks_and_refuses_old_handles()
    {
        var result = Timed(() => DungeonStress.RunStress(levels: 100, NativeAllocator.Shared));

        Assert.Equal(100, result.Levels);
        Assert.Equal(99, result.StaleHandlesCaught);
        Assert.True(result.Rooms >= 100);
    }

    [Fact]
    public void BlockStore_moves_batches_between_engines_and_reuses_them_without_leaks()
    {
        var result = Timed(() => BlockStoreStress.RunStress(flushes: 1000, NativeAllocator.Shared));

        // The query engine keeps four batches; every later flush sends the oldest back.
        Assert.Equal(1000 - 4, result.Reclaims);
        Assert.True(result.BatchesCreated <= 6, $"{result.BatchesCreated} batches created: reclaimed ones were not reused");
        Assert.True(result.Reads > 1000 && result.Clones > 0);
    }

    [Fact]
    public void Equal_seeds_give_equal_levels()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using (var first = new DungeonGenerator(60, 30, allocator, checkArena: true))
        using (var second = new DungeonGenerator(60, 30, allocator))
        {
            Assert.Equal(first.Generate(7), second.Generate(7));
            Assert.NotEqual(first.Generate(8).Checksum, second.Generate(9).Checksum);
        }

        allocator.AssertNoLeaks();
    }

    [Fact]
    public void A_stale_terrain_handle_throws_instead_of_reading_another_level()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using (var generator = new DungeonGenerator(40, 20, allocator))
        {
            generator.Generate(1);
            var water = generator.Terrain.Find("water");
            generator.Generate(2);

            var violation = Assert.Throws<OwnershipViolationException>(() => generator.Terrain[water]);
            Assert.Equal(ViolationKind.StaleHandle, violation.Kind);
        }

        allocator.AssertNoLeaks();
    }

    [Fact]
    public void Terrain_registry_keeps_other_handles_valid_across_removal_and_growth()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using (var registry = new TerrainRegistry(allocator))
        {
            var handles = new Handle[50];
            for (var i = 0; i < handles.Length; i++)
            {
                handles[i] = registry.Add("t" + i, new Terrain((char)('a' + (i % 26)), (uint)i, i % 2 == 0, i));
            }

            Assert.True(registry.Remove("t3"));
            Assert.False(registry.Contains(handles[3]));
            for (var i = 0; i < handles.Length; i++)
            {
                if (i != 3)
                {
                    Assert.Equal(i, registry[handles[i]].MoveCost);
                }
            }
        }

        allocator.Verify();
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void A_leaked_vector_store_is_reported_with_its_allocation()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        var store = new VectorStore(allocator);
        store.Initialize(8, 4);
        store.Add(1, new float[8]);

        // The store is never disposed: the flat buffer and the id list are still live.
        var violation = Assert.Throws<OwnershipViolationException>(allocator.AssertNoLeaks);
        Assert.Equal(ViolationKind.Leak, violation.Kind);
        Assert.Equal(2, allocator.GetLeaks().Count);
        store.Dispose();
        allocator.AssertNoLeaks();
    }

    [Fact]
    public void Lru_cache_returns_the_payload_it_was_given_and_evicts_the_least_recently_used()
    {
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using (var cache = new LruCache(capacity: 2, allocator, checkNodes: true))
        {
            cache.Put(1, new byte[] { 1, 1 });
            cache.Put(2, new byte[] { 2 });
            Assert.Equal(new byte[] { 1, 1 }, cache.Get(1).ToArray());
            cache.Put(3, new byte[] { 3, 3, 3 });

            Assert.False(cache.ContainsKey(2));
            Assert.True(cache.ContainsKey(1) && cache.ContainsKey(3));
            Assert.Equal(1, cache.Evictions);
            Assert.Equal(5, cache.PayloadBytes);
            cache.Validate();
        }

        allocator.AssertNoLeaks();
    }

    private static T Timed<T>(Func<T> run)
    {
        var clock = Stopwatch.StartNew();
        var result = run();
        Assert.True(clock.Elapsed < Budget, $"took {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }
}
