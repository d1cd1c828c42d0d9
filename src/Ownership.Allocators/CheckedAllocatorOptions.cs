using System;

namespace Ownership.Allocators;

/// <summary>How a <see cref="CheckedAllocator"/> checks. The defaults suit tests and debug builds.</summary>
public sealed class CheckedAllocatorOptions
{
    /// <summary>The largest redzone accepted.</summary>
    public const int MaxRedzoneSize = 4096;

    /// <summary>Bytes of guard before and after each block, filled with <see cref="RedzoneByte"/>; 0 turns overflow checks off. Default 16.</summary>
    public int RedzoneSize { get; set; } = 16;

    /// <summary>The byte redzones are filled with. Default <c>0xFA</c>.</summary>
    public byte RedzoneByte { get; set; } = 0xFA;

    /// <summary>The byte freed memory is filled with, so reads of it stand out and writes to it are found. Default <c>0xDD</c>.</summary>
    public byte PoisonByte { get; set; } = 0xDD;

    /// <summary>How many freed bytes are kept poisoned before they go back to the inner allocator; 0 turns use-after-free checks off. Default 4 MiB.</summary>
    public long QuarantineBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Whether each allocation and release records a full stack trace (slow) besides the caller's file and line. Default off.</summary>
    public bool CaptureStackTraces { get; set; }

    internal void Validate()
    {
        if (RedzoneSize is < 0 or > MaxRedzoneSize)
        {
            throw new ArgumentOutOfRangeException(nameof(RedzoneSize), RedzoneSize, $"The redzone size must be between 0 and {MaxRedzoneSize}.");
        }

        if (QuarantineBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(QuarantineBytes), QuarantineBytes, "The quarantine size must not be negative.");
        }
    }
}
