using System.Runtime.InteropServices;

namespace Ownership.Allocators;

/// <summary>The allocator backed by <see cref="NativeMemory.AlignedAlloc"/>: no checks and no overhead beyond argument validation.</summary>
public sealed unsafe class NativeAllocator : IAllocator
{
    private NativeAllocator()
    {
    }

    /// <summary>The one instance; it holds no state, so it is safe to share across threads.</summary>
    public static NativeAllocator Shared { get; } = new();

    /// <inheritdoc/>
    [return: Owned]
    public void* Allocate(nuint byteCount, nuint alignment = 16)
    {
        AllocationGuard.CheckSize(byteCount);
        AllocationGuard.CheckAlignment(alignment);
        return NativeMemory.AlignedAlloc(byteCount, alignment);
    }

    /// <inheritdoc/>
    public void Free([Releases] void* pointer) => NativeMemory.AlignedFree(pointer);

    /// <inheritdoc/>
    [return: Owned]
    public void* Reallocate([Releases] void* pointer, nuint byteCount)
    {
        AllocationGuard.CheckSize(byteCount);
        return NativeMemory.AlignedRealloc(pointer, byteCount, AllocationGuard.DefaultAlignment);
    }
}
