using System;
using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Samples.Blocks;

/// <summary>
/// The write side: blocks are put into the current memtable batch, which <see cref="Flush"/> hands over to the caller
/// whole. Batches the query engine is done with come back through <see cref="Reclaim"/> and are reused.
/// </summary>
/// <remarks>
/// Seed 004 (a Zig database with arena-allocated blocks): ownership of blocks moved between the storage engine and the
/// query engine through a <c>transfer_ownership</c> that left the source usable, so blocks were read after they had
/// been handed away, and buffers were freed by a <c>defer</c> while a deserializer still read them. Here a batch has
/// one owner at a time, stated in the signatures: <see cref="Flush"/> returns it <c>[Owned]</c>,
/// <see cref="QueryEngine.Ingest"/> and <see cref="Reclaim"/> take it <c>[Transfers]</c>, and reads are
/// <c>[Borrowed]</c> spans invalidated by whatever may reset the batch.
/// </remarks>
[Owned]
public sealed class StorageEngine : IDisposable
{
    private readonly IAllocator _allocator;
    private readonly bool _checkArenas;

    [Owned]
    private BlockBatch _memtable;

    // Reclaimed batches, reset and ready to become the next memtable; each is owned by the engine.
    private readonly Stack<BlockBatch> _spare = new();
    private long _nextVersion = 1;

    /// <summary>Creates an engine with an empty memtable.</summary>
    /// <param name="allocator">Where the batches' headers come from; must outlive the engine.</param>
    /// <param name="checkArenas">Whether the batches' arenas check use after reset.</param>
    public StorageEngine(IAllocator allocator, bool checkArenas = false)
    {
        _allocator = allocator;
        _checkArenas = checkArenas;
        _memtable = new BlockBatch(allocator, checkArenas);
    }

    /// <summary>How many blocks the memtable holds.</summary>
    public int MemtableCount => _memtable.Count;

    /// <summary>How many batches were created (not reused) so far.</summary>
    public int BatchesCreated { get; private set; } = 1;

    /// <summary>How many reclaimed batches wait to be reused.</summary>
    public int SpareCount => _spare.Count;

    /// <summary>Writes a block into the memtable, with the next version number.</summary>
    /// <param name="id">The block's id.</param>
    /// <param name="content">The bytes to copy.</param>
    /// <returns>The version written.</returns>
    public long Put(long id, ReadOnlySpan<byte> content)
    {
        var version = _nextVersion++;
        _memtable.Append(id, version, content);
        return version;
    }

    /// <summary>Hands the memtable over to the caller and starts a new one.</summary>
    /// <returns>The full batch, owned by the caller from now on.</returns>
    [return: Owned]
    public BlockBatch Flush()
    {
        var full = _memtable;
        _memtable = TakeSpare();
        return full;
    }

    /// <summary>Takes back a batch the caller is done with; it is reset and reused as a later memtable.</summary>
    /// <param name="batch">The batch; the caller must not use it again.</param>
    public void Reclaim([Transfers] BlockBatch batch)
    {
        batch.Reset();
        _spare.Push(batch);
    }

    /// <summary>Releases the memtable and every spare batch.</summary>
    public void Dispose()
    {
        _memtable.Dispose();
        while (_spare.Count > 0)
        {
            _spare.Pop().Dispose();
        }
    }

    [return: Owned]
    private BlockBatch TakeSpare()
    {
        if (_spare.Count > 0)
        {
            return _spare.Pop();
        }

        BatchesCreated++;
        return new BlockBatch(_allocator, _checkArenas);
    }
}

/// <summary>
/// The read side: owns the batches it was handed, newest last, and answers lookups from them without copying. When it
/// holds too many, the oldest goes back to whoever takes it, usually <see cref="StorageEngine.Reclaim"/>.
/// </summary>
[Owned]
public sealed class QueryEngine : IDisposable
{
    // Owned batches, oldest first.
    private readonly List<BlockBatch> _batches = new();

    /// <summary>How many batches the engine owns.</summary>
    public int BatchCount => _batches.Count;

    /// <summary>Takes ownership of a batch; its blocks shadow older versions.</summary>
    /// <param name="batch">The batch; the caller must not use it again.</param>
    [Invalidates]
    public void Ingest([Transfers] BlockBatch batch) => _batches.Add(batch);

    /// <summary>Gives up the oldest batch.</summary>
    /// <returns>The batch, owned by the caller from now on.</returns>
    /// <exception cref="InvalidOperationException">The engine holds no batch.</exception>
    [Invalidates]
    [return: Owned]
    public BlockBatch EvictOldest()
    {
        if (_batches.Count == 0)
        {
            throw new InvalidOperationException("The query engine holds no batch.");
        }

        var oldest = _batches[0];
        _batches.RemoveAt(0);
        return oldest;
    }

    /// <summary>Whether any batch holds block <paramref name="id"/>.</summary>
    /// <param name="id">The block's id.</param>
    /// <returns><c>true</c> when one does.</returns>
    public bool Contains(long id) => FindBatch(id) >= 0;

    /// <summary>The newest content of block <paramref name="id"/>, without a copy (the zero-copy read path).</summary>
    /// <param name="id">The block's id; must be held.</param>
    /// <returns>The bytes, borrowed from the engine: valid until the next <see cref="Ingest"/> or <see cref="EvictOldest"/>.</returns>
    /// <exception cref="KeyNotFoundException">No batch holds the block.</exception>
    [return: Borrowed]
    public ReadOnlySpan<byte> Find(long id)
    {
        var at = FindBatch(id);
        if (at < 0)
        {
            throw new KeyNotFoundException($"Block {id} is not held.");
        }

        return _batches[at].ContentOf(id);
    }

    /// <summary>Copies the newest content of block <paramref name="id"/> out, for a caller that keeps it past the next eviction.</summary>
    /// <param name="id">The block's id; must be held.</param>
    /// <param name="allocator">Where the copy comes from.</param>
    /// <returns>The copy, owned by the caller.</returns>
    /// <exception cref="KeyNotFoundException">No batch holds the block.</exception>
    [return: Owned]
    public OwnedBlock Clone(long id, IAllocator allocator) => new(id, Find(id), allocator);

    /// <summary>Releases every batch it owns.</summary>
    public void Dispose()
    {
        foreach (var batch in _batches)
        {
            batch.Dispose();
        }

        _batches.Clear();
    }

    private int FindBatch(long id)
    {
        for (var i = _batches.Count - 1; i >= 0; i--)
        {
            if (_batches[i].Contains(id))
            {
                return i;
            }
        }

        return -1;
    }
}
