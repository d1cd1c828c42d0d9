using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ownership.Allocators;

/// <summary>
/// A bump allocator over chunks of native memory: allocation is a pointer increment, and everything is released at once by
/// <see cref="Reset"/> or <see cref="Dispose"/>. Memory it returns is borrowed from the arena, never freed one block at a time.
/// Not thread-safe.
/// </summary>
/// <remarks>
/// It does not implement <see cref="IAllocator"/>: its blocks are borrowed, not owned, and cannot be freed or resized alone.
/// With checks on, memory not yet handed out (fresh or reset) is poisoned and each allocation verifies its bytes are still
/// poison, so a write through a pointer kept past <see cref="Reset"/>, or past the end of an earlier block, is reported;
/// use after <see cref="Dispose"/> throws <see cref="OwnershipViolationException"/> instead of <see cref="ObjectDisposedException"/>.
/// </remarks>
[Owned]
public sealed unsafe class ArenaAllocator : IDisposable
{
    /// <summary>The byte unused and reset arena memory is filled with when checks are on.</summary>
    public const byte PoisonByte = 0xDD;

    // Chunks are aligned to this, so any alignment up to it costs no more than the bump round-up.
    private const nuint ChunkAlignment = 64;

    // Sizes are rounded up to this, so the cursor stays 16-aligned and the usual alignments need no round-up at all.
    private const nuint Granule = 16;

    private readonly nuint _chunkSize;
    private readonly bool _checks;

    // Standard chunks are kept across Reset for reuse; oversized ones (a single large request each) are freed by it.
    private readonly List<nuint> _chunks = new();
    private readonly List<nuint> _oversized = new();
    private int _current = -1;
    private byte* _cursor;
    private byte* _end;

    // _end when checks are off; null when every allocation must take the slow path.
    private byte* _fastEnd;
    private long _resets;
    private bool _disposed;

    /// <summary>Creates an empty arena; the first allocation takes the first chunk.</summary>
    /// <param name="chunkSize">The size of each chunk; a request larger than this gets a chunk of its own.</param>
    /// <param name="checks">Whether to poison unused memory, check it on allocation, and report use after dispose.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is zero or too large.</exception>
    public ArenaAllocator(nuint chunkSize = 65536, bool checks = false)
    {
        AllocationGuard.CheckSize(chunkSize);
        _chunkSize = AllocationGuard.AlignUp(chunkSize, Granule);
        _checks = checks;
    }

    /// <summary>Whether the checks described on the type are on.</summary>
    public bool Checks => _checks;

    /// <summary>How many bytes of native memory the arena holds in chunks.</summary>
    public long ReservedBytes { get; private set; }

    /// <summary>Allocates <paramref name="byteCount"/> bytes aligned to <paramref name="alignment"/>, valid until the next <see cref="Reset"/> or <see cref="Dispose"/>.</summary>
    /// <param name="byteCount">The size in bytes; must not be zero.</param>
    /// <param name="alignment">The alignment; a power of two.</param>
    /// <returns>Memory borrowed from the arena: do not free it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is zero or too large, or the alignment is not a power of two.</exception>
    /// <exception cref="ObjectDisposedException">The arena was disposed (without checks).</exception>
    /// <exception cref="OwnershipViolationException">With checks: the arena was disposed, or memory not yet handed out was written.</exception>
    [return: Borrowed]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void* Allocate(nuint byteCount, nuint alignment = 16)
    {
        if (byteCount - 1 >= AllocationGuard.MaxByteCount || (alignment & (alignment - 1)) != 0 || alignment - 1 >= AllocationGuard.MaxAlignment)
        {
            ThrowBadRequest(byteCount, alignment);
        }

        // One compare suffices: addresses and byteCount (at most 2^62) cannot wrap. Before the first chunk, after Dispose and
        // with checks on, _fastEnd is null, so the fast path is never taken.
        var start = alignment <= Granule ? _cursor : (byte*)AllocationGuard.AlignUp((nuint)_cursor, alignment);
        var next = start + AllocationGuard.AlignUp(byteCount, Granule);
        if (next <= _fastEnd)
        {
            _cursor = next;
            return start;
        }

        return AllocateSlow(byteCount, alignment);
    }

    /// <summary>Invalidates everything allocated so far and makes the memory available again. Keeps standard chunks, frees oversized ones.</summary>
    /// <exception cref="ObjectDisposedException">The arena was disposed (without checks).</exception>
    /// <exception cref="OwnershipViolationException">With checks: the arena was disposed.</exception>
    [Invalidates]
    public void Reset()
    {
        ThrowIfDisposed();
        foreach (var chunk in _oversized)
        {
            ReservedBytes -= (long)(*(nuint*)chunk);
            NativeMemory.AlignedFree((void*)chunk);
        }

        _oversized.Clear();
        if (_checks)
        {
            // Poison only what was handed out; the rest of each chunk is still poison from when it was taken.
            for (var i = 0; i <= _current; i++)
            {
                var chunk = (byte*)_chunks[i];
                var used = i == _current ? (nuint)(_cursor - chunk) : _chunkSize;
                MemoryPattern.Fill(chunk, used, PoisonByte);
            }
        }

        _resets++;
        _current = _chunks.Count > 0 ? 0 : -1;
        _cursor = _current == 0 ? (byte*)_chunks[0] : null;
        _end = _current == 0 ? _cursor + _chunkSize : null;
        _fastEnd = _checks ? null : _end;
    }

    /// <summary>Releases every chunk. Later use throws; a second <c>Dispose</c> does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var chunk in _chunks)
        {
            NativeMemory.AlignedFree((void*)chunk);
        }

        foreach (var chunk in _oversized)
        {
            NativeMemory.AlignedFree((void*)chunk);
        }

        _chunks.Clear();
        _oversized.Clear();
        _cursor = null;
        _end = null;
        _fastEnd = null;
        _current = -1;
        ReservedBytes = 0;
        _disposed = true;
    }

    private void* AllocateSlow(nuint byteCount, nuint alignment)
    {
        ThrowIfDisposed();
        byteCount = AllocationGuard.AlignUp(byteCount, Granule);
        var start = (byte*)AllocationGuard.AlignUp((nuint)_cursor, alignment);
        if (_cursor == null || start > _end || byteCount > (nuint)(_end - start))
        {
            // A fresh chunk starts 64-aligned, so only alignments above that can need padding in it.
            var worstPadding = alignment > ChunkAlignment ? alignment - ChunkAlignment : 0;
            if (byteCount + worstPadding > _chunkSize)
            {
                return AllocateOversized(byteCount, alignment);
            }

            NextChunk();
            start = (byte*)AllocationGuard.AlignUp((nuint)_cursor, alignment);
        }

        if (_checks)
        {
            CheckUntouched(start, byteCount);
        }

        _cursor = start + byteCount;
        return start;
    }

    private void NextChunk()
    {
        if (_current + 1 == _chunks.Count)
        {
            var chunk = (byte*)NativeMemory.AlignedAlloc(_chunkSize, ChunkAlignment);
            if (_checks)
            {
                MemoryPattern.Fill(chunk, _chunkSize, PoisonByte);
            }

            _chunks.Add((nuint)chunk);
            ReservedBytes += (long)_chunkSize;
        }

        _current++;
        _cursor = (byte*)_chunks[_current];
        _end = _cursor + _chunkSize;
        _fastEnd = _checks ? null : _end;
    }

    private void* AllocateOversized(nuint byteCount, nuint alignment)
    {
        // A dedicated chunk: its first bytes record its size (for ReservedBytes), the block follows at the alignment.
        var header = AllocationGuard.AlignUp((nuint)sizeof(nuint), Math.Max(alignment, ChunkAlignment));
        var size = header + byteCount;
        var chunk = (byte*)NativeMemory.AlignedAlloc(size, Math.Max(alignment, ChunkAlignment));
        *(nuint*)chunk = size;
        _oversized.Add((nuint)chunk);
        ReservedBytes += (long)size;
        if (_checks)
        {
            MemoryPattern.Fill(chunk + header, byteCount, PoisonByte);
        }

        return chunk + header;
    }

    private void CheckUntouched(byte* start, nuint byteCount)
    {
        var offset = MemoryPattern.FindMismatch(start, byteCount, PoisonByte);
        if (offset == MemoryPattern.NotFound)
        {
            return;
        }

        var (kind, cause) = _resets > 0
            ? (ViolationKind.UseAfterFree, "a write through a pointer kept past Reset(), or past the end of an earlier allocation")
            : (ViolationKind.BufferOverflow, "a write past the end of an earlier allocation");
        throw new OwnershipViolationException(
            kind,
            $"arena memory at 0x{(ulong)(start + offset):X} was written before it was handed out: {cause} (detected after {_resets} reset(s))");
    }

    private void ThrowIfDisposed()
    {
        if (!_disposed)
        {
            return;
        }

        if (_checks)
        {
            throw new OwnershipViolationException(ViolationKind.UseAfterDispose, "use of an ArenaAllocator after it was disposed");
        }

        throw new ObjectDisposedException(nameof(ArenaAllocator));
    }

    private static void ThrowBadRequest(nuint byteCount, nuint alignment)
    {
        AllocationGuard.CheckSize(byteCount);
        AllocationGuard.CheckAlignment(alignment);
    }
}
