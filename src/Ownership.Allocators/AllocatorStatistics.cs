namespace Ownership.Allocators;

/// <summary>A snapshot of a <see cref="CheckedAllocator"/>'s bookkeeping. Sizes are the bytes callers asked for, without redzones.</summary>
/// <param name="LiveBytes">Bytes in blocks allocated and not yet freed.</param>
/// <param name="LiveBlocks">Blocks allocated and not yet freed.</param>
/// <param name="PeakBytes">The largest <paramref name="LiveBytes"/> has been.</param>
/// <param name="TotalAllocations">Blocks allocated so far (a reallocation counts as one allocation and one free).</param>
/// <param name="TotalFrees">Blocks freed so far.</param>
/// <param name="QuarantinedBytes">Freed bytes still held poisoned in quarantine.</param>
public readonly record struct AllocatorStatistics(
    long LiveBytes,
    long LiveBlocks,
    long PeakBytes,
    long TotalAllocations,
    long TotalFrees,
    long QuarantinedBytes);
