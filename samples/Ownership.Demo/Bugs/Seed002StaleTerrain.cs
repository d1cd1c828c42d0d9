using Ownership.Allocators;

namespace Ownership.Demo.Bugs;

/// <summary>Seed 002: a reference kept into the terrain array, which moves when the array grows; and a per-level array map_free forgot.</summary>
internal static unsafe class Seed002StaleTerrain
{
    // begin buggy
    public static void RegisterTerrain(NativeList<Terrain> terrains)
    {
        terrains.Add(new Terrain('#', Passable: false));
        ref var wall = ref terrains[0];          // a reference into the list's storage
        for (var i = 0; i < 16; i++)
        {
            terrains.Add(new Terrain('.', Passable: true));   // growing moves the storage and frees the old buffer
        }

        wall.Glyph = '%';                         // written through the stale reference, into freed memory (OWN005)
    }

    public static void GenerateLevel(CheckedAllocator allocator, int cells)
    {
        var rooms = (int*)allocator.Allocate((nuint)(cells * sizeof(int)));
        var features = (int*)allocator.Allocate((nuint)(cells * sizeof(int)));
        rooms[0] = features[0] = 0;

        // map_free(): releases every per-level array... but one (OWN003)
        allocator.Free(rooms);
    }
    // end buggy

    public struct Terrain(char glyph, bool Passable)
    {
        public char Glyph = glyph;
        public bool IsPassable = Passable;
    }
}
