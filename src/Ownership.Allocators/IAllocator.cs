namespace Ownership.Allocators;

/// <summary>An allocator of unmanaged memory blocks. Every block it returns is owned by the caller until freed.</summary>
public unsafe interface IAllocator
{
    /// <summary>Allocates a block of <paramref name="byteCount"/> bytes whose address is a multiple of <paramref name="alignment"/>.</summary>
    /// <param name="byteCount">The size of the block in bytes; must not be zero.</param>
    /// <param name="alignment">The alignment of the block; a power of two.</param>
    /// <returns>The block, owned by the caller: release it with <see cref="Free"/> or <see cref="Reallocate"/>.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException">The size is zero or too large, or the alignment is not a power of two.</exception>
    /// <exception cref="System.OutOfMemoryException">The memory is not available.</exception>
    [return: Owned]
    void* Allocate(nuint byteCount, nuint alignment = 16);

    /// <summary>Releases a block returned by <see cref="Allocate"/> or <see cref="Reallocate"/>. A null pointer is ignored.</summary>
    /// <param name="pointer">The block to release; unusable afterwards.</param>
    void Free([Releases] void* pointer);

    /// <summary>
    /// Moves a block to a new one of <paramref name="byteCount"/> bytes, keeping the first bytes of its contents, and releases the old block.
    /// The new block has the default alignment (16). A null pointer allocates a new block.
    /// </summary>
    /// <param name="pointer">The block to resize; released by the call, unusable afterwards.</param>
    /// <param name="byteCount">The new size in bytes; must not be zero.</param>
    /// <returns>The new block, owned by the caller.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException">The size is zero or too large.</exception>
    /// <exception cref="System.OutOfMemoryException">The memory is not available; the old block is still valid.</exception>
    [return: Owned]
    void* Reallocate([Releases] void* pointer, nuint byteCount);
}
