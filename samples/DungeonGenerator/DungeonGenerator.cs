using System;
using Ownership.Allocators;

namespace Ownership.Samples.Dungeon;

/// <summary>What one generated level looks like.</summary>
/// <param name="Rooms">Rooms carved.</param>
/// <param name="FloorCells">Passable cells.</param>
/// <param name="ReachableCells">Passable cells reachable from the first room.</param>
/// <param name="Doors">Doors placed.</param>
/// <param name="TotalMoveCost">The sum of the move costs of the reachable cells.</param>
/// <param name="Checksum">A hash of the map's glyphs, equal for equal seeds.</param>
public readonly record struct LevelSummary(int Rooms, int FloorCells, int ReachableCells, int Doors, long TotalMoveCost, long Checksum);

/// <summary>
/// Generates dungeon levels: rooms, corridors between them, doors and water, then a flood fill to check that every
/// floor cell is reachable. Everything a level needs while it is generated comes from one per-level
/// <see cref="ArenaAllocator"/>, released at once when the next level starts.
/// </summary>
/// <remarks>
/// Seed 002 (a Jai roguelike that crashed only after <c>free_game</c> → <c>init_game</c>): some fifteen per-level arrays
/// were each allocated from the heap and each had to be freed in <c>map_free</c>; one was forgotten (a leak), and freed
/// arrays kept their data pointer, so <c>map_init</c> freed them again (a double free). Here no per-level array is freed
/// one by one: <see cref="ArenaAllocator.Reset"/> releases them all, and its pointers are used only inside the
/// generation that took them.
/// </remarks>
[Owned]
public sealed unsafe class DungeonGenerator : IDisposable
{
    private const int MaxRooms = 24;

    [Owned]
    private readonly ArenaAllocator _level;

    [Owned]
    private readonly TerrainRegistry _terrain;

    /// <summary>Creates a generator for levels of <paramref name="width"/> by <paramref name="height"/> cells.</summary>
    /// <param name="width">The width of each level, at least 16.</param>
    /// <param name="height">The height of each level, at least 16.</param>
    /// <param name="allocator">Where the terrain registry's rows come from; must outlive the generator.</param>
    /// <param name="checkArena">Whether the per-level arena poisons reset memory and checks it (use after reset).</param>
    public DungeonGenerator(int width, int height, IAllocator allocator, bool checkArena = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        Width = width;
        Height = height;
        _level = new ArenaAllocator(chunkSize: 64 * 1024, checks: checkArena);
        _terrain = new TerrainRegistry(allocator);
    }

    /// <summary>The width of each level.</summary>
    public int Width { get; }

    /// <summary>The height of each level.</summary>
    public int Height { get; }

    /// <summary>The terrain kinds of the current level: handles from an earlier level are stale.</summary>
    public TerrainRegistry Terrain => _terrain;

    /// <summary>How many levels were generated.</summary>
    public int Levels { get; private set; }

    /// <summary>Generates a new level, dropping the previous one.</summary>
    /// <param name="seed">The random seed: equal seeds give equal levels.</param>
    /// <returns>What the level looks like.</returns>
    public LevelSummary Generate(int seed)
    {
        // The previous level goes at once: no per-array free to forget, no freed pointer left behind to free again.
        _level.Reset();
        _terrain.Clear();
        Levels++;

        var wall = _terrain.Add("wall", new Terrain('#', 0x808080, Passable: false, MoveCost: 0));
        var floor = _terrain.Add("floor", new Terrain('.', 0xC0C0C0, Passable: true, MoveCost: 1));
        var door = _terrain.Add("door", new Terrain('+', 0xA0522D, Passable: true, MoveCost: 2));
        var water = _terrain.Add("water", new Terrain('~', 0x1E90FF, Passable: true, MoveCost: 4));

        var random = new Random(seed);
        var cellCount = Width * Height;
        var cells = (Handle*)_level.Allocate((nuint)cellCount * (nuint)sizeof(Handle));
        new Span<Handle>(cells, cellCount).Fill(wall);

        var rooms = (Room*)_level.Allocate((nuint)MaxRooms * (nuint)sizeof(Room));
        var roomCount = PlaceRooms(random, rooms, cells, floor);
        for (var i = 1; i < roomCount; i++)
        {
            CarveCorridor(random, rooms[i - 1].Center, rooms[i].Center, cells, floor);
        }

        var doors = PlaceDoors(rooms, roomCount, cells, floor, door);
        SprinkleWater(random, cells, floor, water);

        var summary = Survey(cells, rooms[0].Center, roomCount, doors);
        return summary;
    }

    /// <summary>Releases the arena and the registry.</summary>
    public void Dispose()
    {
        _level.Dispose();
        _terrain.Dispose();
    }

    private int PlaceRooms(Random random, Room* rooms, Handle* cells, Handle floor)
    {
        var count = 0;
        for (var attempt = 0; attempt < MaxRooms * 8 && count < MaxRooms; attempt++)
        {
            var w = random.Next(4, 11);
            var h = random.Next(3, 8);
            var room = new Room(random.Next(1, Width - w - 1), random.Next(1, Height - h - 1), w, h);
            var overlaps = false;
            for (var i = 0; i < count && !overlaps; i++)
            {
                overlaps = room.Overlaps(rooms[i]);
            }

            if (overlaps)
            {
                continue;
            }

            rooms[count++] = room;
            for (var y = room.Y; y < room.Y + room.Height; y++)
            {
                new Span<Handle>(cells + (y * Width) + room.X, room.Width).Fill(floor);
            }
        }

        if (count == 0)
        {
            // A level always has a room: carve one in the middle.
            var room = new Room((Width / 2) - 2, (Height / 2) - 2, 4, 4);
            rooms[count++] = room;
            for (var y = room.Y; y < room.Y + room.Height; y++)
            {
                new Span<Handle>(cells + (y * Width) + room.X, room.Width).Fill(floor);
            }
        }

        return count;
    }

    private void CarveCorridor(Random random, (int X, int Y) from, (int X, int Y) to, Handle* cells, Handle floor)
    {
        // An L-shaped corridor, horizontal or vertical leg first.
        var corner = random.Next(2) == 0 ? (to.X, from.Y) : (from.X, to.Y);
        CarveLine(from, corner, cells, floor);
        CarveLine(corner, to, cells, floor);
    }

    private void CarveLine((int X, int Y) from, (int X, int Y) to, Handle* cells, Handle floor)
    {
        var x = from.X;
        var y = from.Y;
        while (true)
        {
            cells[(y * Width) + x] = floor;
            if (x == to.X && y == to.Y)
            {
                return;
            }

            // Each leg is horizontal or vertical: one of the two steps is zero.
            x += Math.Sign(to.X - x);
            y += Math.Sign(to.Y - y);
        }
    }

    private int PlaceDoors(Room* rooms, int roomCount, Handle* cells, Handle floor, Handle door)
    {
        // A door wherever a corridor enters a room: a floor cell just outside the room's edge, next to its edge cell.
        var doors = 0;
        for (var i = 0; i < roomCount; i++)
        {
            var room = rooms[i];
            for (var x = room.X; x < room.X + room.Width; x++)
            {
                doors += TryDoor(cells, x, room.Y - 1, floor, door) + TryDoor(cells, x, room.Y + room.Height, floor, door);
            }

            for (var y = room.Y; y < room.Y + room.Height; y++)
            {
                doors += TryDoor(cells, room.X - 1, y, floor, door) + TryDoor(cells, room.X + room.Width, y, floor, door);
            }
        }

        return doors;
    }

    private int TryDoor(Handle* cells, int x, int y, Handle floor, Handle door)
    {
        if (x <= 0 || y <= 0 || x >= Width - 1 || y >= Height - 1 || cells[(y * Width) + x] != floor)
        {
            return 0;
        }

        // Only in a one-cell-wide opening: walls on both sides across the corridor.
        var wallsAcross = !_terrain[cells[(y * Width) + x - 1]].Passable && !_terrain[cells[(y * Width) + x + 1]].Passable;
        var wallsAlong = !_terrain[cells[((y - 1) * Width) + x]].Passable && !_terrain[cells[((y + 1) * Width) + x]].Passable;
        if (!wallsAcross && !wallsAlong)
        {
            return 0;
        }

        cells[(y * Width) + x] = door;
        return 1;
    }

    private void SprinkleWater(Random random, Handle* cells, Handle floor, Handle water)
    {
        for (var i = 0; i < Width * Height / 40; i++)
        {
            var at = random.Next(Width * Height);
            if (cells[at] == floor)
            {
                cells[at] = water;
            }
        }
    }

    private LevelSummary Survey(Handle* cells, (int X, int Y) start, int rooms, int doors)
    {
        var cellCount = Width * Height;

        // Scratch for the flood fill, from the same per-level arena: released with the level, never one by one.
        var stack = (int*)_level.Allocate((nuint)cellCount * sizeof(int));
        var seen = (bool*)_level.Allocate((nuint)cellCount);
        new Span<bool>(seen, cellCount).Clear();

        var floorCells = 0;
        long checksum = 17;
        for (var i = 0; i < cellCount; i++)
        {
            ref readonly var terrain = ref _terrain[cells[i]];
            floorCells += terrain.Passable ? 1 : 0;
            checksum = (checksum * 31) + terrain.Glyph;
        }

        var reachable = 0;
        long moveCost = 0;
        var top = 0;
        var first = (start.Y * Width) + start.X;
        stack[top++] = first;
        seen[first] = true;
        while (top > 0)
        {
            var at = stack[--top];
            reachable++;
            moveCost += _terrain[cells[at]].MoveCost;
            int x = at % Width, y = at / Width;
            Visit(x - 1, y);
            Visit(x + 1, y);
            Visit(x, y - 1);
            Visit(x, y + 1);
        }

        return new LevelSummary(rooms, floorCells, reachable, doors, moveCost, checksum);

        void Visit(int x, int y)
        {
            var next = (y * Width) + x;
            if (x >= 0 && y >= 0 && x < Width && y < Height && !seen[next] && _terrain[cells[next]].Passable)
            {
                seen[next] = true;
                stack[top++] = next;
            }
        }
    }

    private readonly record struct Room(int X, int Y, int Width, int Height)
    {
        public (int X, int Y) Center => (X + (Width / 2), Y + (Height / 2));

        // Rooms keep a wall between them.
        public bool Overlaps(Room other) =>
            X - 1 < other.X + other.Width && other.X - 1 < X + Width && Y - 1 < other.Y + other.Height && other.Y - 1 < Y + Height;
    }
}
