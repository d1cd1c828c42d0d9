using System;
using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Samples.Dungeon;

/// <summary>How one kind of terrain looks and behaves.</summary>
/// <param name="Glyph">The character drawn for it.</param>
/// <param name="Color">Its foreground color, 0xRRGGBB.</param>
/// <param name="Passable">Whether creatures can walk on it.</param>
/// <param name="MoveCost">What walking onto it costs.</param>
public readonly record struct Terrain(char Glyph, uint Color, bool Passable, int MoveCost);

/// <summary>
/// The terrain kinds of the current level, in a <see cref="NativeList{T}"/> that grows as kinds are added, named by
/// generation-checked <see cref="Handle"/>s that stay valid however the list moves.
/// </summary>
/// <remarks>
/// Seed 002 (a Jai roguelike that crashed after regenerating a level): the registry's hash table stored pointers into
/// its growable terrain array, and growing the array freed the storage they pointed into. Here the table stores
/// handles, and a handle resolves to a row through a <see cref="SlotMap{T}"/> on every access, so no address is ever
/// kept. A handle of a terrain that was removed, or of a previous level, is stale and throws.
/// </remarks>
[Owned]
public sealed class TerrainRegistry : IDisposable
{
    // Dense rows, and for each row the handle that names it (to fix up the slot when a removal moves the last row).
    [Owned]
    private readonly NativeList<Terrain> _terrains;

    [Owned]
    private readonly NativeList<Handle> _handles;

    // Handle -> row.
    private readonly SlotMap<int> _rows = new();

    // A case-insensitive comparer: no lowercased key copies to allocate, or to forget to free (seed 002's second leak).
    private readonly Dictionary<string, Handle> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates an empty registry.</summary>
    /// <param name="allocator">Where the rows come from; must outlive the registry.</param>
    public TerrainRegistry(IAllocator allocator)
    {
        _terrains = new NativeList<Terrain>(0, allocator);
        _handles = new NativeList<Handle>(0, allocator);
    }

    /// <summary>How many kinds are registered.</summary>
    public int Count => _terrains.Count;

    /// <summary>The terrain <paramref name="handle"/> names.</summary>
    /// <param name="handle">A handle from <see cref="Add"/>.</param>
    /// <returns>A reference borrowed from the registry: valid until the next <see cref="Add"/>, <see cref="Remove"/> or <see cref="Clear"/>.</returns>
    /// <exception cref="OwnershipViolationException">The handle is stale (<see cref="ViolationKind.StaleHandle"/>).</exception>
    public ref Terrain this[Handle handle]
    {
        [return: Borrowed]
        get => ref _terrains[_rows[handle]];
    }

    /// <summary>Registers a kind of terrain under <paramref name="name"/>.</summary>
    /// <param name="name">A name not registered yet (case-insensitive).</param>
    /// <param name="terrain">The terrain.</param>
    /// <returns>Its handle.</returns>
    [Invalidates]
    public Handle Add(string name, Terrain terrain)
    {
        if (_byName.ContainsKey(name))
        {
            throw new ArgumentException($"Terrain '{name}' is already registered.", nameof(name));
        }

        var handle = _rows.Add(_terrains.Count);
        _terrains.Add(terrain);
        _handles.Add(handle);
        _byName.Add(name, handle);
        return handle;
    }

    /// <summary>The handle of the terrain named <paramref name="name"/>.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <returns>Its handle.</returns>
    /// <exception cref="KeyNotFoundException">No such terrain.</exception>
    public Handle Find(string name) => _byName[name];

    /// <summary>Whether <paramref name="handle"/> still names a terrain.</summary>
    /// <param name="handle">The handle.</param>
    /// <returns><c>true</c> when it does.</returns>
    public bool Contains(Handle handle) => _rows.Contains(handle);

    /// <summary>Unregisters the terrain named <paramref name="name"/>; its handle becomes stale, every other handle stays valid.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <returns><c>true</c> when there was such a terrain.</returns>
    [Invalidates]
    public bool Remove(string name)
    {
        if (!_byName.Remove(name, out var handle))
        {
            return false;
        }

        // Swap-remove: the last row moves into the hole, and its handle's slot follows it.
        var row = _rows[handle];
        var last = _terrains.Count - 1;
        if (row != last)
        {
            var moved = _handles[last];
            _terrains[row] = _terrains[last];
            _handles[row] = moved;
            _rows[moved] = row;
        }

        _terrains.RemoveAt(last);
        _handles.RemoveAt(last);
        _rows.Remove(handle);
        return true;
    }

    /// <summary>Unregisters every terrain; every handle becomes stale. The storage is kept for the next level.</summary>
    [Invalidates]
    public void Clear()
    {
        foreach (var handle in _byName.Values)
        {
            _rows.Remove(handle);
        }

        _byName.Clear();
        _terrains.Clear();
        _handles.Clear();
    }

    /// <summary>Releases the storage.</summary>
    public void Dispose()
    {
        _terrains.Dispose();
        _handles.Dispose();
    }
}
