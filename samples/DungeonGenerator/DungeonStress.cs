using System;
using Ownership.Allocators;

namespace Ownership.Samples.Dungeon;

/// <summary>What a stress run did.</summary>
/// <param name="Levels">Levels generated.</param>
/// <param name="Rooms">Rooms over all levels.</param>
/// <param name="ReachableCells">Reachable cells over all levels.</param>
/// <param name="StaleHandlesCaught">Handles from a previous level that the registry refused.</param>
public readonly record struct DungeonStressResult(int Levels, long Rooms, long ReachableCells, int StaleHandlesCaught);

/// <summary>Regenerates a level again and again on one generator, the cycle that crashed seed 002.</summary>
public static class DungeonStress
{
    /// <summary>Generates <paramref name="levels"/> levels with the registry on a <see cref="CheckedAllocator"/> over <paramref name="inner"/> and a checked arena, then asserts that nothing leaked.</summary>
    /// <param name="levels">How many levels to generate (the seed's stress test ran 100).</param>
    /// <param name="inner">The allocator the checked one wraps.</param>
    /// <param name="seed">The seed of the first level; level i uses seed + i.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="OwnershipViolationException">Memory was freed twice, written after it was freed or reset, overflowed, or leaked.</exception>
    public static DungeonStressResult RunStress(int levels, IAllocator inner, int seed = 2)
    {
        using var allocator = new CheckedAllocator(inner);
        var result = Run(levels, allocator, seed);
        allocator.Verify();
        allocator.AssertNoLeaks();
        return result;
    }

    /// <summary>Generates <paramref name="levels"/> levels on one generator with the registry on <paramref name="allocator"/>; the generator is disposed at the end.</summary>
    /// <param name="levels">How many levels to generate.</param>
    /// <param name="allocator">Where the terrain registry's rows come from.</param>
    /// <param name="seed">The seed of the first level; level i uses seed + i.</param>
    /// <returns>What the run did.</returns>
    public static DungeonStressResult Run(int levels, IAllocator allocator, int seed = 2)
    {
        long rooms = 0, reachable = 0;
        var stale = 0;
        using var generator = new DungeonGenerator(80, 40, allocator, checkArena: true);
        var previousFloor = default(Handle);
        for (var level = 0; level < levels; level++)
        {
            var summary = generator.Generate(seed + level);
            if (summary.ReachableCells != summary.FloorCells)
            {
                throw new InvalidOperationException($"Level {level}: {summary.FloorCells - summary.ReachableCells} floor cells cannot be reached.");
            }

            // A handle kept from the previous level must be refused, never resolved to whatever row is there now.
            if (level > 0)
            {
                stale += generator.Terrain.Contains(previousFloor) ? 0 : 1;
            }

            previousFloor = generator.Terrain.Find("floor");
            rooms += summary.Rooms;
            reachable += summary.ReachableCells;
        }

        return new DungeonStressResult(levels, rooms, reachable, stale);
    }
}
