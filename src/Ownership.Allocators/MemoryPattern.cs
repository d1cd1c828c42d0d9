using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ownership.Allocators;

/// <summary>Fills and checks byte patterns (redzones, poison) over ranges that may exceed a span's length.</summary>
internal static unsafe class MemoryPattern
{
    /// <summary>Returned by <see cref="FindMismatch"/> when every byte matches.</summary>
    public static readonly nuint NotFound = nuint.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(byte* start, nuint length, byte value)
    {
        // Redzones and small blocks are the common case: a few overlapping 16-byte stores beat a call to memset.
        if (length >= 16 && length <= 64)
        {
            var pattern = Vector128.Create(value);
            for (nuint i = 0; i + 16 < length; i += 16)
            {
                pattern.Store(start + i);
            }

            pattern.Store(start + length - 16);
            return;
        }

        NativeMemory.Fill(start, length, value);
    }

    /// <summary>The offset of the first byte in the range that differs from <paramref name="expected"/>, or <see cref="NotFound"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint FindMismatch(byte* start, nuint length, byte expected)
    {
        // The same fast case as Fill: compare 16-byte pieces, and find the exact offset only when one differs.
        if (length >= 16 && length <= 64)
        {
            var pattern = Vector128.Create(expected);
            var same = true;
            for (nuint i = 0; i + 16 < length; i += 16)
            {
                same &= Vector128.Load(start + i) == pattern;
            }

            same &= Vector128.Load(start + length - 16) == pattern;
            if (same)
            {
                return NotFound;
            }
        }

        return FindMismatchSlow(start, length, expected);
    }

    private static nuint FindMismatchSlow(byte* start, nuint length, byte expected)
    {
        nuint offset = 0;
        while (offset < length)
        {
            // Spans are int-sized: walk huge ranges in pieces.
            int piece = (int)Math.Min(length - offset, (nuint)int.MaxValue);
            int found = new ReadOnlySpan<byte>(start + offset, piece).IndexOfAnyExcept(expected);
            if (found >= 0)
            {
                return offset + (nuint)found;
            }

            offset += (nuint)piece;
        }

        return NotFound;
    }
}
