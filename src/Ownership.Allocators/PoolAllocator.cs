using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ownership.Allocators;

/// <summary>
/// A pool of fixed-size blocks for <typeparamref name="T"/>, carved from slabs of native memory: renting and returning are a
/// few instructions on a free list. Blocks are released with <see cref="Return"/>, never with another allocator. Not thread-safe.
/// </summary>
/// <remarks>
/// With checks on, the pool keeps its free list out of the blocks, poisons returned blocks and verifies the poison when they
/// are rented again, and reports double returns, foreign and misaligned pointers, and (at <see cref="Dispose"/>) blocks never
/// returned. With checks off none of that costs anything: rent and return touch only the free list.
/// </remarks>
/// <typeparam name="T">The type each block holds.</typeparam>
[Owned]
public sealed unsafe class PoolAllocator<T> : IDisposable
    where T : unmanaged
{
    /// <summary>The byte returned blocks are filled with when checks are on.</summary>
    public const byte PoisonByte = 0xDD;

    // Slabs are cache-line aligned, so every block is aligned to the largest power of two dividing the block size (up to 64).
    private const nuint SlabAlignment = 64;

    private readonly int _blocksPerSlab;
    private readonly bool _checks;
    private readonly nuint _blockSize;
    private readonly List<nuint> _slabs = new();

    // Unchecked free list: the most recently returned block is kept apart in _hot, the others are linked through their
    // first bytes from _free. A block rented and returned in turn then never touches its own memory or the list.
    private byte* _hot;
    private byte* _free;

    // True when Return must leave the fast path: checks are on or the pool is disposed.
    private bool _slowReturn;
    private bool _disposed;

    // Checked state, kept out of the blocks so poison covers every byte.
    private readonly Stack<nuint>? _checkedFree;
    private readonly Dictionary<nuint, BlockRecord>? _records;

    /// <summary>Creates an empty pool; the first <see cref="Rent"/> takes the first slab.</summary>
    /// <param name="blocksPerSlab">How many blocks each slab of native memory holds.</param>
    /// <param name="checks">Whether to check returns and poison returned blocks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blocksPerSlab"/> is not positive, or a slab would be too large.</exception>
    public PoolAllocator(int blocksPerSlab = 1024, bool checks = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocksPerSlab);

        // A block must hold T and, while free, the free-list link; sizes of 16 and more get 16-byte alignment.
        var size = (nuint)Math.Max(sizeof(T), sizeof(void*));
        _blockSize = AllocationGuard.AlignUp(size, size >= 16 ? 16u : (nuint)sizeof(void*));
        if ((nuint)blocksPerSlab > AllocationGuard.MaxByteCount / _blockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(blocksPerSlab), blocksPerSlab, "A slab of that many blocks would be too large.");
        }

        _blocksPerSlab = blocksPerSlab;
        _checks = checks;
        _slowReturn = checks;
        if (checks)
        {
            _checkedFree = new Stack<nuint>();
            _records = new Dictionary<nuint, BlockRecord>();
        }
    }

    /// <summary>The size in bytes of each block (at least <c>sizeof(T)</c>, rounded up for alignment and the free-list link).</summary>
    public nuint BlockSize => _blockSize;

    /// <summary>How many blocks the pool's slabs hold in total, rented or free.</summary>
    public long Capacity => (long)_slabs.Count * _blocksPerSlab;

    /// <summary>Whether the checks described on the type are on.</summary>
    public bool Checks => _checks;

    /// <summary>Rents a block. Its contents are unspecified.</summary>
    /// <param name="member">Filled in by the compiler: the calling member (recorded with checks on).</param>
    /// <param name="file">Filled in by the compiler: the calling file (recorded with checks on).</param>
    /// <param name="line">Filled in by the compiler: the calling line (recorded with checks on).</param>
    /// <returns>A block owned by the caller until it is given back with <see cref="Return"/>.</returns>
    /// <exception cref="ObjectDisposedException">The pool was disposed (without checks).</exception>
    /// <exception cref="OwnershipViolationException">With checks: the pool was disposed, or the block was written after it was last returned.</exception>
    [return: Owned("pool")]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T* Rent([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        // With checks on, or after Dispose, _hot and _free stay null and every call takes the slow path.
        var block = _hot;
        if (block != null)
        {
            _hot = null;
            return (T*)block;
        }

        block = _free;
        if (block != null)
        {
            _free = *(byte**)block;
            return (T*)block;
        }

        return RentSlow(member, file, line);
    }

    /// <summary>Gives a block back to the pool.</summary>
    /// <param name="block">A block from <see cref="Rent"/> of this pool; unusable afterwards.</param>
    /// <param name="member">Filled in by the compiler: the calling member (recorded with checks on).</param>
    /// <param name="file">Filled in by the compiler: the calling file (recorded with checks on).</param>
    /// <param name="line">Filled in by the compiler: the calling line (recorded with checks on).</param>
    /// <exception cref="ArgumentNullException"><paramref name="block"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed (without checks).</exception>
    /// <exception cref="OwnershipViolationException">With checks: a double return, a pointer from elsewhere, a pointer inside a block, or use after dispose.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return([Releases("pool")] T* block, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (block == null || _slowReturn)
        {
            ReturnSlow(block, member, file, line);
            return;
        }

        // Keep LIFO order: the returned block becomes the hot one, the previous hot block joins the list.
        var previous = _hot;
        _hot = (byte*)block;
        if (previous != null)
        {
            *(byte**)previous = _free;
            _free = previous;
        }
    }

    /// <summary>
    /// Releases every slab. With checks on, throws <see cref="OwnershipViolationException"/> of kind <see cref="ViolationKind.Leak"/>
    /// naming the rent site of each block never returned (or <see cref="ViolationKind.UseAfterFree"/> if a returned block was written);
    /// the memory is released either way. A second <c>Dispose</c> does nothing.
    /// </summary>
    /// <exception cref="OwnershipViolationException">With checks: blocks were never returned, or a returned block was written.</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        var violation = _checks ? FindViolationAtDispose() : null;
        foreach (var slab in _slabs)
        {
            NativeMemory.AlignedFree((void*)slab);
        }

        _slabs.Clear();
        _hot = null;
        _free = null;
        _checkedFree?.Clear();
        _records?.Clear();
        _disposed = true;
        _slowReturn = true;
        if (violation is not null)
        {
            throw violation;
        }
    }

    private T* RentSlow(string member, string file, int line)
    {
        ThrowIfDisposed();
        if (!_checks)
        {
            AddSlab();
            var block = _free;
            _free = *(byte**)block;
            return (T*)block;
        }

        if (_checkedFree!.Count == 0)
        {
            AddSlab();
        }

        var pointer = _checkedFree.Peek();
        ref var record = ref CollectionsMarshal.GetValueRefOrNullRef(_records!, pointer);
        var damage = MemoryPattern.FindMismatch((byte*)pointer, _blockSize, PoisonByte);
        if (damage != MemoryPattern.NotFound)
        {
            // Report once: restore the poison so the block is usable again and Dispose does not report it a second time.
            MemoryPattern.Fill((byte*)pointer, _blockSize, PoisonByte);
            var site = new CallSite(member, file, line);
            throw new OwnershipViolationException(
                ViolationKind.UseAfterFree,
                $"use after return: pool block 0x{pointer:X} {History(record)}, " +
                $"was written at offset {damage} while it was free; detected when rented again at {site}",
                record.Rented,
                record.Returned is null ? null : new[] { record.Returned },
                site);
        }

        _checkedFree.Pop();
        record = new BlockRecord(State.Rented, new CallSite(member, file, line), null);
        return (T*)pointer;
    }

    private void ReturnSlow(T* block, string member, string file, int line)
    {
        ArgumentNullException.ThrowIfNull(block);
        ThrowIfDisposed();
        var pointer = (nuint)block;
        var site = new CallSite(member, file, line);
        ref var record = ref CollectionsMarshal.GetValueRefOrNullRef(_records!, pointer);
        if (Unsafe.IsNullRef(ref record))
        {
            throw DiagnoseForeign(pointer, site);
        }

        if (record.State != State.Rented)
        {
            throw record.State == State.Returned
                ? new OwnershipViolationException(
                    ViolationKind.DoubleFree,
                    $"double return of pool block 0x{pointer:X} rented at {record.Rented}, first returned at {record.Returned}, returned again at {site}",
                    record.Rented,
                    new[] { record.Returned!, site },
                    null)
                : new OwnershipViolationException(
                    ViolationKind.InvalidFree,
                    $"return of pool block 0x{pointer:X} at {site}, which was never rented",
                    null,
                    new[] { site },
                    null);
        }

        record = new BlockRecord(State.Returned, record.Rented, site);
        MemoryPattern.Fill((byte*)pointer, _blockSize, PoisonByte);
        _checkedFree!.Push(pointer);
    }

    private OwnershipViolationException DiagnoseForeign(nuint pointer, CallSite site)
    {
        foreach (var slab in _slabs)
        {
            var offset = pointer - slab;
            if (pointer >= slab && offset < (nuint)_blocksPerSlab * _blockSize)
            {
                // Inside a slab but not on a block boundary: a pointer into a block, not the block itself.
                var start = pointer - (offset % _blockSize);
                var owner = _records![start];
                return new OwnershipViolationException(
                    ViolationKind.InteriorFree,
                    $"return of interior pointer 0x{pointer:X}, {offset % _blockSize} bytes into pool block 0x{start:X}" +
                    (owner.Rented is null ? "" : $" rented at {owner.Rented}") + $"; returned at {site}",
                    owner.Rented,
                    new[] { site },
                    null);
            }
        }

        return new OwnershipViolationException(
            ViolationKind.InvalidFree,
            $"return of 0x{pointer:X} at {site}: it was not rented from this pool",
            null,
            new[] { site },
            null);
    }

    private OwnershipViolationException? FindViolationAtDispose()
    {
        var leaked = _records!.Where(r => r.Value.State == State.Rented).OrderBy(r => r.Key).ToList();
        if (leaked.Count > 0)
        {
            var message = new StringBuilder($"{leaked.Count} pool block(s) never returned: ");
            message.AppendJoin("; ", leaked.Select(r => $"0x{r.Key:X} rented at {r.Value.Rented}"));
            return new OwnershipViolationException(message.ToString(), leaked.Select(r => r.Value.Rented!).ToList());
        }

        foreach (var (pointer, record) in _records!)
        {
            var damage = record.State == State.Returned ? MemoryPattern.FindMismatch((byte*)pointer, _blockSize, PoisonByte) : MemoryPattern.NotFound;
            if (damage != MemoryPattern.NotFound)
            {
                return new OwnershipViolationException(
                    ViolationKind.UseAfterFree,
                    $"use after return: pool block 0x{pointer:X} {History(record)}, " +
                    $"was written at offset {damage} while it was free; detected at Dispose",
                    record.Rented,
                    new[] { record.Returned! },
                    null);
            }
        }

        return null;
    }

    // A free block was either returned (name both sites) or never rented (a stray write from elsewhere).
    private static string History(in BlockRecord record) =>
        record.Rented is null ? "never rented" : $"rented at {record.Rented}, returned at {record.Returned}";

    private void AddSlab()
    {
        var slabBytes = (nuint)_blocksPerSlab * _blockSize;
        var slab = (byte*)NativeMemory.AlignedAlloc(slabBytes, SlabAlignment);
        _slabs.Add((nuint)slab);
        if (_checks)
        {
            MemoryPattern.Fill(slab, slabBytes, PoisonByte);

            // Pushed last to first so blocks are rented in address order, as the unchecked free list does.
            for (var i = _blocksPerSlab - 1; i >= 0; i--)
            {
                var block = (nuint)(slab + ((nuint)i * _blockSize));
                _records!.Add(block, new BlockRecord(State.Free, null, null));
                _checkedFree!.Push(block);
            }

            return;
        }

        // Thread the new blocks onto the free list in address order.
        for (var i = 0; i < _blocksPerSlab; i++)
        {
            var block = slab + ((nuint)i * _blockSize);
            *(byte**)block = i + 1 < _blocksPerSlab ? block + _blockSize : _free;
        }

        _free = slab;
    }

    private void ThrowIfDisposed()
    {
        if (!_disposed)
        {
            return;
        }

        if (_checks)
        {
            throw new OwnershipViolationException(ViolationKind.UseAfterDispose, $"use of a PoolAllocator<{typeof(T).Name}> after it was disposed");
        }

        throw new ObjectDisposedException(GetType().Name);
    }

    private enum State : byte
    {
        Free,
        Rented,
        Returned,
    }

    private readonly record struct BlockRecord(State State, CallSite? Rented, CallSite? Returned);
}
