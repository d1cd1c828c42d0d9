using System;
using Ownership.Allocators;

namespace Ownership.Demo.Bugs;

/// <summary>Seed 001: clear() frees the flat buffer but keeps the pointer; initialize() frees it again.</summary>
internal sealed unsafe class Seed001ClearThenInitialize : IDisposable
{
    private readonly CheckedAllocator _allocator;

    [Owned]
    private float* _vectors;

    public Seed001ClearThenInitialize(CheckedAllocator allocator, int dimension)
    {
        _allocator = allocator;
        _vectors = (float*)allocator.Allocate((nuint)(dimension * 16 * sizeof(float)));
    }

    // begin buggy
    public void Clear()
    {
        _allocator.Free(_vectors);          // frees the flat buffer, but the field still points to it (OWN009)
    }

    public void Initialize(int dimension, int capacity)
    {
        if (_vectors != null)               // "check and free before allocating" finds the stale pointer...
        {
            _allocator.Free(_vectors);      // ... and frees it again
        }

        _vectors = (float*)_allocator.Allocate((nuint)(dimension * capacity * sizeof(float)));
    }

    public void ClearThenInitialize(int dimension, int capacity)
    {
        _allocator.Free(_vectors);          // the same two steps in one method: the double free is plain to see (OWN002)
        if (_vectors != null)
        {
            _allocator.Free(_vectors);
        }

        _vectors = (float*)_allocator.Allocate((nuint)(dimension * capacity * sizeof(float)));
    }
    // end buggy

    public void Dispose()
    {
        if (_vectors != null)
        {
            _allocator.Free(_vectors);
            _vectors = null;
        }
    }
}
