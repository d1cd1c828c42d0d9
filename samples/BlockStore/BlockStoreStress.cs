using System;
using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Samples.Blocks;

/// <summary>What a stress run did.</summary>
/// <param name="Flushes">Batches handed from storage to query.</param>
/// <param name="Reclaims">Batches handed back from query to storage.</param>
/// <param name="BatchesCreated">Batches created; the rest of the flushes reused reclaimed ones.</param>
/// <param name="Reads">Zero-copy reads.</param>
/// <param name="Clones">Blocks copied out and freed.</param>
public readonly record struct BlockStressResult(int Flushes, int Reclaims, int BatchesCreated, long Reads, long Clones);

/// <summary>Blocks written, flushed to the query engine, read, copied out, and their batches reclaimed, over and over.</summary>
public static class BlockStoreStress
{
    private const int MaxQueryBatches = 4;

    /// <summary>Runs <paramref name="flushes"/> write/flush/read/reclaim rounds under a <see cref="CheckedAllocator"/> over <paramref name="inner"/>, then asserts that nothing leaked.</summary>
    /// <param name="flushes">How many rounds.</param>
    /// <param name="inner">The allocator the checked one wraps.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="OwnershipViolationException">Memory was freed twice, written after it was freed or reset, overflowed, or leaked.</exception>
    public static BlockStressResult RunStress(int flushes, IAllocator inner, int seed = 4)
    {
        using var allocator = new CheckedAllocator(inner);
        var result = Run(flushes, allocator, seed);
        allocator.Verify();
        allocator.AssertNoLeaks();
        return result;
    }

    /// <summary>Runs <paramref name="flushes"/> rounds with every native buffer from <paramref name="allocator"/>; both engines are disposed at the end.</summary>
    /// <param name="flushes">How many rounds.</param>
    /// <param name="allocator">Where headers and copied-out blocks come from.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    public static BlockStressResult Run(int flushes, IAllocator allocator, int seed = 4)
    {
        var random = new Random(seed);
        var content = new byte[512];
        var latest = new Dictionary<long, byte>();
        var reclaims = 0;
        long reads = 0, clones = 0;
        using var storage = new StorageEngine(allocator, checkArenas: true);
        using var query = new QueryEngine();
        for (var round = 0; round < flushes; round++)
        {
            for (var i = 0; i < 64; i++)
            {
                var id = random.Next(2048);
                var length = random.Next(1, content.Length);
                var tag = (byte)random.Next(256);
                content.AsSpan(0, length).Fill(tag);
                storage.Put(id, content.AsSpan(0, length));
                latest[id] = tag;
            }

            // Storage -> query: the batch is the query engine's now.
            var batch = storage.Flush();
            query.Ingest(batch);

            for (var i = 0; i < 32; i++)
            {
                var id = random.Next(2048);
                if (!query.Contains(id))
                {
                    continue;
                }

                var bytes = query.Find(id);
                if (bytes[0] != latest[id] || bytes[^1] != latest[id])
                {
                    throw new InvalidOperationException($"Block {id} read {bytes[0]}, expected {latest[id]}.");
                }

                reads++;
                if (i % 8 == 0)
                {
                    // A copy that outlives the batches it came from.
                    using var copy = query.Clone(id, allocator);
                    clones += copy.GetContent()[0] == latest[id] ? 1 : 0;
                }
            }

            // Query -> storage: the oldest batch is reset and becomes a later memtable.
            if (query.BatchCount > MaxQueryBatches)
            {
                var oldest = query.EvictOldest();
                storage.Reclaim(oldest);
                reclaims++;

                // Blocks only the evicted batch held are gone; forget them so the checks above stay exact.
                foreach (var id in new List<long>(latest.Keys))
                {
                    if (!query.Contains(id))
                    {
                        latest.Remove(id);
                    }
                }
            }
        }

        return new BlockStressResult(flushes, reclaims, storage.BatchesCreated, reads, clones);
    }
}
