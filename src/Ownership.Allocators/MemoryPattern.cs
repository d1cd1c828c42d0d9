using System;
using System.Runtime.InteropServices;

namespace Ownership.Allocators;

/// <summary>Fills and checks byte patterns (redzones, poison) over ranges that may exceed a span's length.</summary>
internal static unsafe class MemoryPattern
{
    /// <summary>Returned by <see cref="FindMismatch"/> when every byte matches.</summary>
    public static readonly nuint NotFound = nuint.MaxValue;

    public static void Fill(byte* start, nuint length, byte value) => NativeMemory.Fill(start, length, value);

    /// <summary>The offset of the first byte in the range that differs from <paramref name="expected"/>, or <see cref="NotFound"/>.</summary>
    public static nuint FindMismatch(byte* start, nuint length, byte expected)
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
