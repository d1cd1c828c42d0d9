using System;
using Ownership.Allocators;

namespace Ownership.Samples.Vectors;

/// <summary>
/// A flat vector store: every vector of one dimension in one native buffer, row after row, with brute-force nearest
/// neighbour search. It can be cleared and initialized again, with a different dimension, any number of times.
/// </summary>
/// <remarks>
/// Seed 001 (a Mojo vector database that double-freed after a few clear/insert cycles): <c>clear()</c> freed the flat
/// buffer without resetting the field, so the next <c>initialize()</c> freed it again; re-creating a map in
/// <c>clear()</c> instead of clearing it dropped the old one to be destroyed twice. Here every release of the buffer
/// goes through <see cref="ReleaseVectors"/>, which frees it and sets the field to <c>null</c> in the same place, and
/// the id list is cleared, never re-created.
/// </remarks>
[Owned]
public sealed unsafe class VectorStore : IDisposable
{
    private readonly IAllocator _allocator;

    // Count rows of Dimension floats; null until Initialize and after Clear.
    [Owned]
    private float* _vectors;

    // One id per row; lives as long as the store and is only ever cleared.
    [Owned]
    private readonly NativeList<long> _ids;

    private int _capacity;

    /// <summary>Creates an uninitialized store.</summary>
    /// <param name="allocator">Where the buffers come from; must outlive the store.</param>
    public VectorStore(IAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        _allocator = allocator;
        _ids = new NativeList<long>(0, allocator);
    }

    /// <summary>Whether <see cref="Initialize"/> was called since the store was created or cleared.</summary>
    public bool IsInitialized => _vectors != null;

    /// <summary>The number of floats in each vector; 0 when uninitialized.</summary>
    public int Dimension { get; private set; }

    /// <summary>The number of vectors stored.</summary>
    public int Count => _ids.Count;

    /// <summary>Makes the store ready for vectors of <paramref name="dimension"/> floats, dropping any it held.</summary>
    /// <param name="dimension">The number of floats in each vector.</param>
    /// <param name="capacity">How many vectors to make room for now; the buffer grows as needed.</param>
    [Invalidates]
    public void Initialize(int dimension, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);

        // Initializing an initialized store is allowed: the old buffer is released first, never leaked or freed twice.
        ReleaseVectors();
        _ids.Clear();
        _vectors = (float*)_allocator.Allocate(RowBytes(dimension, capacity));
        Dimension = dimension;
        _capacity = capacity;
    }

    /// <summary>Adds a copy of <paramref name="vector"/> under <paramref name="id"/>.</summary>
    /// <param name="id">The vector's id.</param>
    /// <param name="vector">Exactly <see cref="Dimension"/> floats.</param>
    /// <exception cref="InvalidOperationException">The store is not initialized.</exception>
    /// <exception cref="ArgumentException">The vector has the wrong length.</exception>
    [Invalidates]
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (_vectors == null)
        {
            throw new InvalidOperationException("Initialize the store before adding vectors.");
        }

        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"Expected {Dimension} floats, got {vector.Length}.", nameof(vector));
        }

        if (Count == _capacity)
        {
            // Reallocate releases the old buffer and returns the new one, assigned to the same field at once.
            _capacity *= 2;
            _vectors = (float*)_allocator.Reallocate(_vectors, RowBytes(Dimension, _capacity));
        }

        vector.CopyTo(new Span<float>(_vectors + ((long)Count * Dimension), Dimension));
        _ids.Add(id);
    }

    /// <summary>The vector in row <paramref name="index"/>.</summary>
    /// <param name="index">The row, in <c>[0, Count)</c>.</param>
    /// <returns>The row, borrowed from the store: valid until the next <see cref="Add"/>, <see cref="Initialize"/> or <see cref="Clear"/>.</returns>
    [return: Borrowed]
    public ReadOnlySpan<float> GetVector(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new ReadOnlySpan<float>(_vectors + ((long)index * Dimension), Dimension);
    }

    /// <summary>The id of row <paramref name="index"/>.</summary>
    /// <param name="index">The row, in <c>[0, Count)</c>.</param>
    /// <returns>The id.</returns>
    public long GetId(int index) => _ids[index];

    /// <summary>Finds the vectors nearest to <paramref name="query"/> (squared Euclidean distance), nearest first.</summary>
    /// <param name="query">Exactly <see cref="Dimension"/> floats.</param>
    /// <param name="ids">Receives the ids; its length is how many neighbours to find.</param>
    /// <param name="distances">Receives the squared distances; at least as long as <paramref name="ids"/>.</param>
    /// <returns>How many neighbours were found: the smaller of <c>ids.Length</c> and <see cref="Count"/>.</returns>
    public int Search(ReadOnlySpan<float> query, Span<long> ids, Span<float> distances)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"Expected {Dimension} floats, got {query.Length}.", nameof(query));
        }

        var found = 0;
        for (var row = 0; row < Count; row++)
        {
            var vector = new ReadOnlySpan<float>(_vectors + ((long)row * Dimension), Dimension);
            var distance = 0f;
            for (var i = 0; i < vector.Length; i++)
            {
                var d = vector[i] - query[i];
                distance += d * d;
            }

            // Insertion into the sorted top-k.
            var at = found < ids.Length ? found : ids.Length - 1;
            if (found == ids.Length && distance >= distances[at])
            {
                continue;
            }

            while (at > 0 && distances[at - 1] > distance)
            {
                distances[at] = distances[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }

            distances[at] = distance;
            ids[at] = _ids[row];
            found = Math.Min(found + 1, ids.Length);
        }

        return found;
    }

    /// <summary>Drops every vector and the dimension: the store is uninitialized, and may be initialized again with any dimension.</summary>
    [Invalidates]
    public void Clear()
    {
        ReleaseVectors();
        _ids.Clear();
        Dimension = 0;
        _capacity = 0;
    }

    /// <summary>Releases the buffers.</summary>
    public void Dispose()
    {
        ReleaseVectors();
        _ids.Dispose();
    }

    private static nuint RowBytes(int dimension, int rows) => (nuint)dimension * (nuint)rows * sizeof(float);

    /// <summary>Frees the flat buffer and forgets it, in one place, so no path frees it and keeps the pointer.</summary>
    private void ReleaseVectors()
    {
        if (_vectors != null)
        {
            _allocator.Free(_vectors);
            _vectors = null;
        }
    }
}
