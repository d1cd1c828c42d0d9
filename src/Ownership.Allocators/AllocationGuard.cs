using System;
using System.Runtime.CompilerServices;

namespace Ownership.Allocators;

/// <summary>The argument checks every allocator shares, so each rejects bad input the same way before touching any state.</summary>
internal static class AllocationGuard
{
    /// <summary>The default alignment of <see cref="IAllocator.Allocate"/> and of reallocated blocks.</summary>
    public const nuint DefaultAlignment = 16;

    /// <summary>The largest request any allocator accepts; anything larger cannot be a real size, only an overflowed one.</summary>
    public static readonly nuint MaxByteCount = (nuint)nint.MaxValue / 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckSize(nuint byteCount, [CallerArgumentExpression(nameof(byteCount))] string? name = null)
    {
        if (byteCount == 0 || byteCount > MaxByteCount)
        {
            ThrowSize(byteCount, name);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckAlignment(nuint alignment, [CallerArgumentExpression(nameof(alignment))] string? name = null)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > MaxAlignment)
        {
            ThrowAlignment(alignment, name);
        }
    }

    /// <summary>The largest alignment accepted: a page is as far as any real use goes, and it keeps padding arithmetic far from overflow.</summary>
    public const nuint MaxAlignment = 1 << 16;

    /// <summary>Rounds <paramref name="value"/> up to a multiple of the power of two <paramref name="alignment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint AlignUp(nuint value, nuint alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static void ThrowSize(nuint byteCount, string? name) =>
        throw new ArgumentOutOfRangeException(
            name,
            byteCount,
            byteCount == 0 ? "The size must not be zero." : $"The size must not exceed {MaxByteCount} bytes; a larger value is an overflowed computation.");

    private static void ThrowAlignment(nuint alignment, string? name) =>
        throw new ArgumentOutOfRangeException(name, alignment, $"The alignment must be a power of two no greater than {MaxAlignment}.");
}
