using System;
using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Samples.Blocks;

/// <summary>
/// A batch of context blocks whose contents live in one <see cref="ArenaAllocator"/>: the unit of ownership that moves
/// from the storage engine (which fills it) to the query engine (which reads it) and back (which reuses it).
/// </summary>
/// <remarks>
/// Block contents are borrowed from the batch's arena, never freed one by one; they die with the batch, or with its
/// <see cref="Reset"/>. Whoever holds the batch owns all of them, so handing the batch over hands over every block.
/// </remarks>
[Owned]
public sealed unsafe class BlockBatch : IDisposable
{
    [Owned]
    private readonly ArenaAllocator _arena;

    [Owned]
    private readonly NativeList<BlockHeader> _headers;

    // Block id -> row in _headers; the latest version wins within a batch.
    private readonly Dictionary<long, int> _index = new();

    /// <summary>Creates an empty batch.</summary>
    /// <param name="allocator">Where the block headers come from; must outlive the batch.</param>
    /// <param name="checkArena">Whether the contents' arena poisons reset memory and checks it.</param>
    public BlockBatch(IAllocator allocator, bool checkArena = false)
    {
        _arena = new ArenaAllocator(chunkSize: 16 * 1024, checks: checkArena);
        _headers = new NativeList<BlockHeader>(0, allocator);
    }

    /// <summary>How many distinct blocks the batch holds.</summary>
    public int Count => _index.Count;

    /// <summary>The content bytes the batch holds.</summary>
    public long ContentBytes { get; private set; }

    /// <summary>How many times the batch was reset for reuse.</summary>
    public int Generation { get; private set; }

    /// <summary>Copies a block into the batch; a later version of the same id replaces the earlier one.</summary>
    /// <param name="id">The block's id.</param>
    /// <param name="version">The block's version.</param>
    /// <param name="content">The bytes to copy.</param>
    [Invalidates]
    public void Append(long id, long version, ReadOnlySpan<byte> content)
    {
        var copy = (byte*)_arena.Allocate((nuint)Math.Max(content.Length, 1));
        content.CopyTo(new Span<byte>(copy, content.Length));
        _index[id] = _headers.Count;
        _headers.Add(new BlockHeader(id, version, copy, content.Length));
        ContentBytes += content.Length;
    }

    /// <summary>Whether the batch holds block <paramref name="id"/>.</summary>
    /// <param name="id">The block's id.</param>
    /// <returns><c>true</c> when it does.</returns>
    public bool Contains(long id) => _index.ContainsKey(id);

    /// <summary>The version of block <paramref name="id"/>.</summary>
    /// <param name="id">The block's id; must be in the batch.</param>
    /// <returns>Its version.</returns>
    public long VersionOf(long id) => _headers[_index[id]].Version;

    /// <summary>The content of block <paramref name="id"/>, without a copy.</summary>
    /// <param name="id">The block's id; must be in the batch.</param>
    /// <returns>The bytes, borrowed from the batch: valid until the batch is appended to, reset or disposed.</returns>
    /// <exception cref="KeyNotFoundException">The block is not in the batch.</exception>
    [return: Borrowed]
    public ReadOnlySpan<byte> ContentOf(long id)
    {
        var header = _headers[_index[id]];
        return new ReadOnlySpan<byte>(header.Content, header.Length);
    }

    /// <summary>Drops every block and keeps the arena's memory for the next fill.</summary>
    [Invalidates]
    public void Reset()
    {
        _arena.Reset();
        _headers.Clear();
        _index.Clear();
        ContentBytes = 0;
        Generation++;
    }

    /// <summary>Releases the arena and the headers.</summary>
    public void Dispose()
    {
        _headers.Dispose();
        _arena.Dispose();
    }

    /// <summary>Where one block's bytes are in the arena.</summary>
    private readonly struct BlockHeader(long id, long version, byte* content, int length)
    {
        public long Id { get; } = id;

        public long Version { get; } = version;

        public byte* Content { get; } = content;

        public int Length { get; } = length;
    }
}
