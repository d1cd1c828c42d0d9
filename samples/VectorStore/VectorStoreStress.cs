using System;
using Ownership.Allocators;

namespace Ownership.Samples.Vectors;

/// <summary>What a stress run did.</summary>
/// <param name="Cycles">Initialize/insert/search/clear cycles run.</param>
/// <param name="Vectors">Vectors inserted over all cycles.</param>
/// <param name="Searches">Searches run.</param>
/// <param name="PeakBytes">The most memory the store held at once.</param>
public readonly record struct VectorStressResult(int Cycles, long Vectors, long Searches, long PeakBytes);

/// <summary>Repeated clear and re-initialize cycles with a changing dimension, the pattern that crashed seed 001 on its second cycle.</summary>
public static class VectorStoreStress
{
    private const int MaxDimension = 128;

    private static readonly int[] Dimensions = { 4, 16, 3, 64, 8, MaxDimension, 1, 32 };

    /// <summary>Runs <paramref name="cycles"/> cycles under a <see cref="CheckedAllocator"/> over <paramref name="inner"/>, then asserts that nothing leaked.</summary>
    /// <param name="cycles">How many cycles.</param>
    /// <param name="inner">The allocator the checked one wraps.</param>
    /// <param name="vectorsPerCycle">How many vectors each cycle inserts.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="OwnershipViolationException">A buffer was freed twice, written after it was freed, overflowed, or leaked.</exception>
    public static VectorStressResult RunStress(int cycles, IAllocator inner, int vectorsPerCycle = 200, int seed = 1)
    {
        using var allocator = new CheckedAllocator(inner);
        var result = Run(cycles, allocator, vectorsPerCycle, seed);
        allocator.Verify();
        allocator.AssertNoLeaks();
        return result with { PeakBytes = allocator.Statistics.PeakBytes };
    }

    /// <summary>Runs <paramref name="cycles"/> cycles on one store with buffers from <paramref name="allocator"/>; the store is disposed at the end.</summary>
    /// <param name="cycles">How many cycles.</param>
    /// <param name="allocator">Where the buffers come from.</param>
    /// <param name="vectorsPerCycle">How many vectors each cycle inserts.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>What the run did.</returns>
    public static VectorStressResult Run(int cycles, IAllocator allocator, int vectorsPerCycle = 200, int seed = 1)
    {
        var random = new Random(seed);
        var vector = new float[MaxDimension];
        Span<long> ids = stackalloc long[5];
        Span<float> distances = stackalloc float[5];
        long vectors = 0, searches = 0;
        using var store = new VectorStore(allocator);
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var dimension = Dimensions[cycle % Dimensions.Length];

            // Every third cycle re-initializes without clearing first: Initialize must release the old buffer itself.
            if (cycle % 3 != 2)
            {
                store.Clear();
            }

            store.Initialize(dimension, capacity: 8);
            for (var i = 0; i < vectorsPerCycle; i++)
            {
                var row = vector.AsSpan(0, dimension);
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] = (float)random.NextDouble();
                }

                store.Add(((long)cycle << 32) | (uint)i, row);
                vectors++;
            }

            // Every stored vector's nearest neighbour is itself, at distance 0.
            for (var probe = 0; probe < 10; probe++)
            {
                var index = random.Next(store.Count);
                var found = store.Search(store.GetVector(index), ids, distances);
                searches++;
                if (found != ids.Length || distances[0] != 0f || store.GetId(index) != ids[0] && distances[1] != 0f)
                {
                    throw new InvalidOperationException($"Cycle {cycle}: the nearest neighbour of row {index} is not itself.");
                }
            }
        }

        store.Clear();
        return new VectorStressResult(cycles, vectors, searches, 0);
    }
}
