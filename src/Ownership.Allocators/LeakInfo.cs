namespace Ownership.Allocators;

/// <summary>A block still allocated: where it is, how big, and who allocated it.</summary>
/// <param name="Address">The block's address.</param>
/// <param name="ByteCount">The block's size in bytes.</param>
/// <param name="AllocationSite">Where it was allocated.</param>
public sealed record LeakInfo(nuint Address, nuint ByteCount, CallSite AllocationSite)
{
    /// <summary>The form used in reports: <c>0x1F00 (64 bytes) allocated at Foo.cs:12</c>.</summary>
    public override string ToString() => $"0x{(ulong)Address:X} ({ByteCount} bytes) allocated at {AllocationSite}";
}
