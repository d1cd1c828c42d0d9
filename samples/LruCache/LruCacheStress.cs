using System;
using Ownership.Allocators;

namespace Ownership.Samples.Caching;

/// <summary>What a stress run did.</summary>
/// <param name="Puts">Entries put (new or replaced).</param>
/// <param name="Hits">Lookups that found their key.</param>
/// <param name="Misses">Lookups that did not.</param>
/// <param name="Removes">Entries removed by key.</param>
/// <param name="Clears">Times the whole cache was cleared.</param>
/// <param name="Evictions">Entries evicted to make room.</param>
/// <param name="Checksum">A sum over the bytes read back, so the reads cannot be optimized away.</param>
public readonly record struct LruStressResult(long Puts, long Hits, long Misses, long Removes, long Clears, long Evictions, long Checksum);

/// <summary>A random mix of puts, gets, removes and clears on a small cache, under a <see cref="CheckedAllocator"/>.</summary>
public static class LruCacheStress
{
    /// <summary>Runs <paramref name="iterations"/> operations with payloads from a <see cref="CheckedAllocator"/> over <paramref name="inner"/>, then asserts that nothing leaked.</summary>
    /// <param name="iterations">How many operations.</param>
    /// <param name="inner">The allocator the checked one wraps.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="OwnershipViolationException">A payload was freed twice, written after it was freed, overflowed, or leaked.</exception>
    public static LruStressResult RunStress(int iterations, IAllocator inner, int seed = 0)
    {
        using var allocator = new CheckedAllocator(inner);
        var result = Run(iterations, allocator, seed);
        allocator.Verify();
        allocator.AssertNoLeaks();
        return result;
    }

    /// <summary>Runs <paramref name="iterations"/> operations with payloads from <paramref name="allocator"/>; the cache is disposed at the end.</summary>
    /// <param name="iterations">How many operations.</param>
    /// <param name="allocator">Where payloads come from.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    public static LruStressResult Run(int iterations, IAllocator allocator, int seed = 0)
    {
        var random = new Random(seed);
        Span<byte> payload = stackalloc byte[300];
        long puts = 0, hits = 0, misses = 0, removes = 0, clears = 0, checksum = 0;
        using var cache = new LruCache(capacity: 128, allocator, checkNodes: true);
        for (var i = 0; i < iterations; i++)
        {
            // Keys from a range twice the capacity, so about half the lookups miss and puts keep evicting.
            var key = random.Next(256);
            var operation = random.Next(1000);
            if (operation < 550)
            {
                var length = random.Next(payload.Length + 1);
                payload[..length].Fill((byte)key);
                cache.Put(key, payload[..length]);
                puts++;
            }
            else if (operation < 950)
            {
                if (cache.ContainsKey(key))
                {
                    var value = cache.Get(key);
                    if (value.Length > 0 && value[0] != (byte)key)
                    {
                        throw new InvalidOperationException($"Key {key} read back {value[0]}.");
                    }

                    checksum += value.Length;
                    hits++;
                }
                else
                {
                    misses++;
                }
            }
            else if (operation < 998)
            {
                removes += cache.Remove(key) ? 1 : 0;
            }
            else
            {
                cache.Clear();
                clears++;
            }

            if (i % 1024 == 0)
            {
                cache.Validate();
            }
        }

        cache.Validate();
        return new LruStressResult(puts, hits, misses, removes, clears, cache.Evictions, checksum);
    }
}
