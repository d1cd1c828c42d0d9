using Ownership.Allocators;

namespace Ownership.Demo.Bugs;

/// <summary>Seed 001: clear() frees the flat buffer but keeps the pointer; initialize() frees it again.</summary>
/// <remarks>No release method: once the bug has struck the buffer cannot be freed again; the demo's checked allocator releases it.</remarks>
internal sealed unsafe class Seed001ClearThenInitialize
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
    public void ClearThenInitialize(int dimension, int capacity)
    {
        // clear_database(): frees the flat buffer, but the field still points to it
        _allocator.Free(_vectors);

        // initialize(): "check and free before allocating" finds the stale pointer and frees it again (OWN002)
        if (_vectors != null)
        {
            _allocator.Free(_vectors);
        }

        _vectors = (float*)_allocator.Allocate((nuint)(dimension * capacity * sizeof(float)));
    }
    // end buggy
}
