using Ownership.Allocators;

namespace Ownership.Demo.Bugs;

/// <summary>The plain use after free.</summary>
internal static unsafe class UseAfterFree
{
    // begin buggy
    public static void WriteAfterFree(CheckedAllocator allocator)
    {
        var buffer = (byte*)allocator.Allocate(64);
        buffer[0] = 1;
        allocator.Free(buffer);
        buffer[0] = 2;                            // written after it was freed (OWN001)
    }
    // end buggy
}
