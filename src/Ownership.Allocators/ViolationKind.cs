namespace Ownership.Allocators;

/// <summary>The kind of ownership rule a program broke, as detected at run time.</summary>
public enum ViolationKind
{
    /// <summary>A block was released twice.</summary>
    DoubleFree,

    /// <summary>A pointer was released that the allocator never returned.</summary>
    InvalidFree,

    /// <summary>A pointer into the middle of a block was released instead of the block's start.</summary>
    InteriorFree,

    /// <summary>Bytes past the end of a block were written.</summary>
    BufferOverflow,

    /// <summary>Bytes before the start of a block were written.</summary>
    BufferUnderflow,

    /// <summary>Memory was written after it was released.</summary>
    UseAfterFree,

    /// <summary>A block was never released.</summary>
    Leak,

    /// <summary>A <see cref="Handle"/> was used after its slot was removed.</summary>
    StaleHandle,

    /// <summary>A block was released through a different owner or deallocator than the one it belongs to.</summary>
    MismatchedRelease,

    /// <summary>An allocator or container was used after it was disposed.</summary>
    UseAfterDispose,
}
