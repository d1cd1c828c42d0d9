using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Ownership.Allocators;

/// <summary>
/// An allocator that checks its callers, as Zig's DebugAllocator or ASan do: redzones around each block catch overflow and
/// underflow, freed memory is poisoned and quarantined to catch writes after free, and every free is matched against the
/// blocks it handed out to catch double, invalid and interior frees. Reports name the allocation and release sites.
/// Thread-safe.
/// </summary>
/// <remarks>
/// Each block is laid out as <c>[left redzone][caller's bytes][right redzone]</c> inside one block of the inner allocator.
/// The bookkeeping lives in managed memory, out of reach of the writes it is meant to catch.
/// </remarks>
[Owned]
public sealed unsafe class CheckedAllocator : IAllocator, IDisposable
{
    // How many freed blocks are remembered after they leave quarantine, so a late double free is still named as one.
    private const int ForgetAfter = 8192;

    private readonly IAllocator _inner;

    // The common inner allocator is called directly: the interface call and its argument checks are measurable here.
    private readonly bool _innerIsNative;
    private readonly nuint _redzone;
    private readonly byte _redzoneByte;
    private readonly byte _poison;
    private readonly long _quarantineLimit;
    private readonly bool _captureStackTraces;

    // A spin lock, not Monitor: sections are short, and Monitor's pair costs twice as much on the hot path.
    // The inner allocator must therefore not call back into this one (the lock is not reentrant).
    private SpinLock _gate = new(enableThreadOwnerTracking: false);

    // Block records live in one array and are named by index everywhere else, so the hot path never copies a record.
    // Freed records are reused (after ForgetAfter more frees) without clearing: allocation rewrites every field it reads.
    private Block[] _records = new Block[64];
    private int _recordsUsed;
    private readonly Stack<int> _freeRecords = new();

    private readonly PointerMap _live = new();
    private readonly SiteTable _sites = new();

    // Freed blocks, oldest first: the first _forgotten have gone back to the inner allocator and are only remembered (to name
    // a late double free); the rest are quarantined. Entries carry the block's extent, so eviction reads them in order and
    // touches a record only to report.
    private readonly BlockRing<Quarantined> _freed = new();
    private int _forgotten;

    private long _serial;
    private long _liveBytes;
    private long _peakBytes;
    private long _totalAllocations;
    private long _totalFrees;
    private long _quarantinedBytes;
    private OwnershipViolationException? _pending;
    private bool _disposed;

    /// <summary>Creates a checked allocator that takes its memory from <paramref name="inner"/>.</summary>
    /// <param name="inner">Where the memory comes from, typically <see cref="NativeAllocator.Shared"/>.</param>
    /// <param name="options">How to check; <c>null</c> for the defaults. Copied: later changes have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public CheckedAllocator(IAllocator inner, CheckedAllocatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        options ??= new CheckedAllocatorOptions();
        options.Validate();
        _inner = inner;
        _innerIsNative = inner is NativeAllocator;
        _redzone = (nuint)options.RedzoneSize;
        _redzoneByte = options.RedzoneByte;
        _poison = options.PoisonByte;
        _quarantineLimit = options.QuarantineBytes;
        _captureStackTraces = options.CaptureStackTraces;
    }

    /// <summary>A snapshot of the live, peak and total counts.</summary>
    public AllocatorStatistics Statistics
    {
        get
        {
            using (Lock())
            {
                return new AllocatorStatistics(_liveBytes, _live.Count, _peakBytes, _totalAllocations, _totalFrees, _quarantinedBytes);
            }
        }
    }

    /// <summary>Allocates a block surrounded by redzones and records the caller as its allocation site.</summary>
    /// <param name="byteCount">The size of the block in bytes; must not be zero.</param>
    /// <param name="alignment">The alignment of the block; a power of two.</param>
    /// <param name="member">Filled in by the compiler: the calling member.</param>
    /// <param name="file">Filled in by the compiler: the calling file.</param>
    /// <param name="line">Filled in by the compiler: the calling line.</param>
    /// <returns>The block, owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is zero or too large, or the alignment is not a power of two.</exception>
    /// <exception cref="OwnershipViolationException">The allocator was disposed (<see cref="ViolationKind.UseAfterDispose"/>).</exception>
    [return: Owned]
    public void* Allocate(
        nuint byteCount,
        nuint alignment = 16,
        [CallerMemberName] string member = "",
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        AllocationGuard.CheckSize(byteCount);
        AllocationGuard.CheckAlignment(alignment);
        var site = Site(member, file, line);
        using (Lock())
        {
            ThrowIfUnusable();
            return AllocateLocked(byteCount, alignment, site, owner: null);
        }
    }

    /// <summary>
    /// Frees a block: checks its redzones, poisons it and puts it in quarantine. A null pointer is ignored.
    /// A pointer this allocator never returned, an interior pointer, a second free or a corrupted redzone throws and
    /// changes nothing.
    /// </summary>
    /// <param name="pointer">The block to free.</param>
    /// <param name="member">Filled in by the compiler: the calling member.</param>
    /// <param name="file">Filled in by the compiler: the calling file.</param>
    /// <param name="line">Filled in by the compiler: the calling line.</param>
    /// <exception cref="OwnershipViolationException">The free is wrong, a redzone was overwritten, or a block leaving quarantine was written after it was freed.</exception>
    public void Free(
        [Releases] void* pointer,
        [CallerMemberName] string member = "",
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
    {
        if (pointer == null)
        {
            return;
        }

        var site = Site(member, file, line);
        using (Lock())
        {
            ThrowIfUnusable();
            var evicted = FreeLocked((nuint)pointer, site, owner: null);
            if (evicted is not null)
            {
                throw evicted;
            }
        }
    }

    /// <summary>
    /// Moves a block to a new one of <paramref name="byteCount"/> bytes (default alignment 16), copies the contents and frees
    /// the old block, which is poisoned and quarantined: a pointer kept into it is caught when written through.
    /// A null pointer allocates.
    /// </summary>
    /// <param name="pointer">The block to resize; released by the call.</param>
    /// <param name="byteCount">The new size in bytes; must not be zero.</param>
    /// <param name="member">Filled in by the compiler: the calling member.</param>
    /// <param name="file">Filled in by the compiler: the calling file.</param>
    /// <param name="line">Filled in by the compiler: the calling line.</param>
    /// <returns>The new block, owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The size is zero or too large.</exception>
    /// <exception cref="OwnershipViolationException">The old pointer cannot be freed (see <see cref="Free"/>); nothing changed.</exception>
    [return: Owned]
    public void* Reallocate(
        [Releases] void* pointer,
        nuint byteCount,
        [CallerMemberName] string member = "",
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0) =>
        ReallocateCore(pointer, byteCount, Site(member, file, line), owner: null);

    [return: Owned]
    void* IAllocator.Allocate(nuint byteCount, nuint alignment) => Allocate(byteCount, alignment, "", "", 0);

    void IAllocator.Free([Releases] void* pointer) => Free(pointer, "", "", 0);

    [return: Owned]
    void* IAllocator.Reallocate([Releases] void* pointer, nuint byteCount) => ReallocateCore(pointer, byteCount, Site("", "", 0), owner: null);

    /// <summary>Checks every live block's redzones and every quarantined block's poison; throws on the first damage found.</summary>
    /// <param name="member">Filled in by the compiler: the calling member.</param>
    /// <param name="file">Filled in by the compiler: the calling file.</param>
    /// <param name="line">Filled in by the compiler: the calling line.</param>
    /// <exception cref="OwnershipViolationException">A redzone or a freed block was written (<see cref="ViolationKind.BufferOverflow"/>,
    /// <see cref="ViolationKind.BufferUnderflow"/>, <see cref="ViolationKind.UseAfterFree"/>).</exception>
    public void Verify([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var site = Site(member, file, line);
        using (Lock())
        {
            ThrowIfUnusable();
            foreach (var index in _live.Values.OrderBy(i => _records[i].Serial))
            {
                var damage = CheckRedzones(_records[index].Extent, index, site);
                if (damage is not null)
                {
                    throw damage;
                }
            }

            for (var i = _forgotten; i < _freed.Count; i++)
            {
                var damage = CheckPoison(_freed.FromOldest(i), site);
                if (damage is not null)
                {
                    throw damage;
                }
            }
        }
    }

    /// <summary>The blocks still allocated, oldest first.</summary>
    /// <returns>One entry per live block, with its allocation site.</returns>
    public IReadOnlyList<LeakInfo> GetLeaks()
    {
        using (Lock())
        {
            return _live.Values.Select(i => _records[i]).OrderBy(b => b.Serial).Select(b => new LeakInfo(b.User, b.Size, AllocatedAt(b).ToCallSite())).ToList();
        }
    }

    /// <summary>Throws if any block is still allocated, naming each one's allocation site.</summary>
    /// <exception cref="OwnershipViolationException">Some block was never freed (<see cref="ViolationKind.Leak"/>).</exception>
    public void AssertNoLeaks()
    {
        var leaks = GetLeaks();
        if (leaks.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(leaks.Count == 1 ? "1 block leaked: " : $"{leaks.Count} blocks leaked: ");
        message.AppendJoin("; ", leaks);
        AppendStackTraces(message, leaks.Select(l => l.AllocationSite));
        throw new OwnershipViolationException(message.ToString(), leaks.Select(l => l.AllocationSite).ToList());
    }

    /// <summary>Returns every block it still holds, live or quarantined, to the inner allocator. Later calls throw; a second <c>Dispose</c> does nothing.</summary>
    public void Dispose()
    {
        using (Lock())
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var index in _live.Values)
            {
                _inner.Free(_records[index].Base);
            }

            for (var i = _forgotten; i < _freed.Count; i++)
            {
                _inner.Free(_freed.FromOldest(i).Extent.Base);
            }

            _live.Clear();
            _freed.Clear();
            _forgotten = 0;
            _records = Array.Empty<Block>();
            _recordsUsed = 0;
            _freeRecords.Clear();
            _liveBytes = 0;
            _quarantinedBytes = 0;
        }
    }

    /// <summary>Allocates on behalf of a container that frees the block itself; anyone else freeing it is a mismatched release.</summary>
    internal void* AllocateFor(object owner, nuint byteCount, nuint alignment, string ownerName)
    {
        AllocationGuard.CheckSize(byteCount);
        AllocationGuard.CheckAlignment(alignment);
        using (Lock())
        {
            ThrowIfUnusable();
            return AllocateLocked(byteCount, alignment, Site(ownerName, "", 0), owner);
        }
    }

    /// <summary>Reallocates a block of <paramref name="owner"/>; see <see cref="AllocateFor"/>.</summary>
    internal void* ReallocateFor(object owner, void* pointer, nuint byteCount, string ownerName) =>
        ReallocateCore(pointer, byteCount, Site(ownerName, "", 0), owner);

    /// <summary>Frees a block of <paramref name="owner"/>; see <see cref="AllocateFor"/>.</summary>
    internal void FreeFor(object owner, void* pointer, string ownerName)
    {
        if (pointer == null)
        {
            return;
        }

        using (Lock())
        {
            ThrowIfUnusable();
            var evicted = FreeLocked((nuint)pointer, Site(ownerName, "", 0), owner);
            if (evicted is not null)
            {
                throw evicted;
            }
        }
    }

    private void* ReallocateCore(void* pointer, nuint byteCount, in SiteInfo site, object? owner)
    {
        AllocationGuard.CheckSize(byteCount);
        using (Lock())
        {
            ThrowIfUnusable();
            if (pointer == null)
            {
                return AllocateLocked(byteCount, AllocationGuard.DefaultAlignment, site, owner);
            }

            // Check the old block before anything changes, so a bad call leaves the state as it was.
            ref var old = ref FindFreeable((nuint)pointer, site, owner);
            var oldSize = old.Size;
            var moved = AllocateLocked(byteCount, AllocationGuard.DefaultAlignment, site, owner);
            Buffer.MemoryCopy(pointer, moved, byteCount, Math.Min(oldSize, byteCount));

            // The caller must get the new block, so damage found in a block leaving quarantine is reported on the next call.
            _pending ??= FreeLocked((nuint)pointer, site, owner);
            return moved;
        }
    }

    private void* AllocateLocked(nuint byteCount, nuint alignment, in SiteInfo site, object? owner)
    {
        // The left redzone is rounded up to the alignment so the caller's bytes stay aligned when the inner block is.
        var leftPad = AllocationGuard.AlignUp(_redzone, alignment);
        var total = leftPad + byteCount + _redzone;
        var baseBlock = (byte*)(_innerIsNative ? NativeMemory.AlignedAlloc(total, alignment) : _inner.Allocate(total, alignment));
        if (baseBlock == null)
        {
            // An inner allocator that reports failure with null instead of throwing.
            throw new OutOfMemoryException($"The inner allocator returned null for {total} bytes.");
        }

        var user = baseBlock + leftPad;
        MemoryPattern.Fill(baseBlock, leftPad, _redzoneByte);
        MemoryPattern.Fill(user + byteCount, _redzone, _redzoneByte);

        var index = NewRecord();
        ref var block = ref _records[index];
        block.Base = baseBlock;
        block.User = (nuint)user;
        block.Size = byteCount;
        block.LeftPad = leftPad;
        block.AllocatedId = _sites.Intern(site);
        if (_captureStackTraces)
        {
            block.AllocatedStack = site.StackTrace;
        }

        block.Owner = owner;
        block.Serial = ++_serial;
        _live.Add((nuint)user, index);
        _liveBytes += (long)byteCount;
        _peakBytes = Math.Max(_peakBytes, _liveBytes);
        _totalAllocations++;
        return user;
    }

    /// <summary>Frees a live block into quarantine; returns (does not throw) damage found in blocks evicted from quarantine.</summary>
    private OwnershipViolationException? FreeLocked(nuint pointer, in SiteInfo site, object? owner)
    {
        // One lookup on the happy path: remove first, and put the block back if the free turns out to be wrong.
        if (!_live.Remove(pointer, out var index))
        {
            throw DiagnoseBadFree(pointer, site);
        }

        ref var block = ref _records[index];
        var refusal = CheckFreeable(index, site, owner);
        if (refusal is not null)
        {
            _live.Add(pointer, index);
            throw refusal;
        }

        _liveBytes -= (long)block.Size;
        _totalFrees++;

        MemoryPattern.Fill((byte*)pointer, block.Size, _poison);
        block.FreedId = _sites.Intern(site);
        if (_captureStackTraces)
        {
            block.FreedStack = site.StackTrace;
        }

        _freed.Enqueue(new Quarantined { Extent = block.Extent, Record = index });
        _quarantinedBytes += (long)block.Size;
        return EvictOverLimit(site);
    }

    /// <summary>The live block <paramref name="pointer"/> starts, if <paramref name="owner"/> may free it and its redzones are intact; otherwise throws.</summary>
    private ref Block FindFreeable(nuint pointer, in SiteInfo site, object? owner)
    {
        if (!_live.TryGetValue(pointer, out var index))
        {
            throw DiagnoseBadFree(pointer, site);
        }

        var refusal = CheckFreeable(index, site, owner);
        if (refusal is not null)
        {
            throw refusal;
        }

        return ref _records[index];
    }

    /// <summary>Why <paramref name="owner"/> may not free this live block (wrong owner, damaged redzone), or <c>null</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OwnershipViolationException? CheckFreeable(int index, in SiteInfo site, object? owner)
    {
        ref var block = ref _records[index];
        return ReferenceEquals(block.Owner, owner) ? CheckRedzones(block.Extent, index, site) : ReportMismatch(block, site);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private OwnershipViolationException ReportMismatch(in Block block, in SiteInfo site)
    {
        var holder = block.Owner is null ? "its caller, who must free it with CheckedAllocator.Free" : $"a {OwnerName(block.Owner)}, which frees it itself";
        return new OwnershipViolationException(
            ViolationKind.MismatchedRelease,
            $"mismatched release of 0x{(ulong)block.User:X} ({block.Size} bytes) allocated at {AllocatedAt(block)}: it belongs to {holder}, " +
            $"but was released at {site}" + StackTraces(AllocatedAt(block), site),
            AllocatedAt(block).ToCallSite(),
            new[] { site.ToCallSite() },
            null);
    }

    private OwnershipViolationException DiagnoseBadFree(nuint pointer, in SiteInfo site)
    {
        var address = $"0x{(ulong)pointer:X}";
        // Newest first: if the address was reused and freed again, the latest release is the one to name.
        if (FindFreed(pointer) is { } freed)
        {
            return new OwnershipViolationException(
                ViolationKind.DoubleFree,
                $"double free of {address} ({freed.Size} bytes) allocated at {AllocatedAt(freed)}, first freed at {FreedAt(freed)}, freed again at {site}" +
                StackTraces(AllocatedAt(freed), FreedAt(freed), site),
                AllocatedAt(freed).ToCallSite(),
                new[] { FreedAt(freed).ToCallSite(), site.ToCallSite() },
                null);
        }

        foreach (var index in _live.Values)
        {
            ref var block = ref _records[index];
            if (pointer > block.User && pointer < block.User + block.Size)
            {
                return new OwnershipViolationException(
                    ViolationKind.InteriorFree,
                    $"free of interior pointer {address}, {pointer - block.User} bytes into 0x{(ulong)block.User:X} ({block.Size} bytes) allocated at {AllocatedAt(block)}; " +
                    $"freed at {site}: free the pointer the allocator returned" + StackTraces(AllocatedAt(block), site),
                    AllocatedAt(block).ToCallSite(),
                    new[] { site.ToCallSite() },
                    null);
            }
        }

        for (var i = _forgotten; i < _freed.Count; i++)
        {
            ref var block = ref _records[_freed.FromOldest(i).Record];
            if (pointer > block.User && pointer < block.User + block.Size)
            {
                return new OwnershipViolationException(
                    ViolationKind.InteriorFree,
                    $"free of interior pointer {address}, {pointer - block.User} bytes into 0x{(ulong)block.User:X} ({block.Size} bytes) allocated at {AllocatedAt(block)}, " +
                    $"which was already freed at {FreedAt(block)}; freed again at {site}" + StackTraces(AllocatedAt(block), FreedAt(block), site),
                    AllocatedAt(block).ToCallSite(),
                    new[] { FreedAt(block).ToCallSite(), site.ToCallSite() },
                    null);
            }
        }

        return new OwnershipViolationException(
            ViolationKind.InvalidFree,
            $"invalid free of {address} at {site}: this allocator never returned that pointer" + StackTraces(site),
            null,
            new[] { site.ToCallSite() },
            null);
    }

    /// <summary>Damage to the redzones of <paramref name="extent"/>; <paramref name="record"/> is read only to name its sites.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OwnershipViolationException? CheckRedzones(in Extent extent, int record, in SiteInfo detectedAt)
    {
        var before = MemoryPattern.FindMismatch(extent.Base, extent.LeftPad, _redzoneByte);
        var after = MemoryPattern.FindMismatch((byte*)extent.User + extent.Size, _redzone, _redzoneByte);
        return before == MemoryPattern.NotFound && after == MemoryPattern.NotFound ? null : ReportRedzone(extent, record, before, after, detectedAt);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private OwnershipViolationException ReportRedzone(in Extent extent, int record, nuint before, nuint after, in SiteInfo detectedAt)
    {
        ref var block = ref _records[record];
        if (before != MemoryPattern.NotFound)
        {
            // Report the damaged byte nearest the block: the one an off-by-one underflow hits.
            var nearest = extent.LeftPad;
            while (extent.Base[nearest - 1] == _redzoneByte)
            {
                nearest--;
            }

            return new OwnershipViolationException(
                ViolationKind.BufferUnderflow,
                $"buffer underflow: the byte {extent.LeftPad - nearest + 1} before the start of 0x{(ulong)extent.User:X} ({extent.Size} bytes) allocated at {AllocatedAt(block)} " +
                $"was overwritten; detected at {detectedAt}" + StackTraces(AllocatedAt(block), detectedAt),
                AllocatedAt(block).ToCallSite(),
                null,
                detectedAt.ToCallSite());
        }

        return new OwnershipViolationException(
            ViolationKind.BufferOverflow,
            $"buffer overflow: the byte at offset {extent.Size + after} of 0x{(ulong)extent.User:X} ({extent.Size} bytes) allocated at {AllocatedAt(block)}, " +
            $"{after + 1} past its end, was overwritten; detected at {detectedAt}" + StackTraces(AllocatedAt(block), detectedAt),
            AllocatedAt(block).ToCallSite(),
            null,
            detectedAt.ToCallSite());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private OwnershipViolationException? CheckPoison(in Quarantined entry, in SiteInfo detectedAt)
    {
        ref readonly var extent = ref entry.Extent;
        var offset = MemoryPattern.FindMismatch((byte*)extent.User, extent.Size, _poison);
        return offset == MemoryPattern.NotFound && CheckRedzones(extent, entry.Record, detectedAt) is null ? null : ReportPoison(entry, offset, detectedAt);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private OwnershipViolationException ReportPoison(in Quarantined entry, nuint offset, in SiteInfo detectedAt)
    {
        ref readonly var extent = ref entry.Extent;
        ref var block = ref _records[entry.Record];
        var where = offset == MemoryPattern.NotFound ? "in its redzone" : $"at offset {offset}";
        return new OwnershipViolationException(
            ViolationKind.UseAfterFree,
            $"use after free: 0x{(ulong)extent.User:X} ({extent.Size} bytes) allocated at {AllocatedAt(block)}, freed at {FreedAt(block)}, " +
            $"was written {where} after it was freed; detected at {detectedAt}" + StackTraces(AllocatedAt(block), FreedAt(block), detectedAt),
            AllocatedAt(block).ToCallSite(),
            new[] { FreedAt(block).ToCallSite() },
            detectedAt.ToCallSite());
    }

    private OwnershipViolationException? EvictOverLimit(in SiteInfo site)
    {
        OwnershipViolationException? first = null;
        while (_quarantinedBytes > _quarantineLimit && _forgotten < _freed.Count)
        {
            ref var entry = ref _freed.FromOldest(_forgotten);
            first ??= CheckPoison(entry, site);
            FreeInner(entry.Extent.Base);
            _quarantinedBytes -= (long)entry.Extent.Size;
            _forgotten++;
        }

        // Remembered a while longer (bounded), so a late double free is still named as one; then the record is reused.
        while (_forgotten > ForgetAfter)
        {
            _freeRecords.Push(_freed.Oldest.Record);
            _freed.DropOldest();
            _forgotten--;
        }

        return first;
    }

    private Block? FindFreed(nuint pointer)
    {
        // Newest first, so a reused and freed-again address names its latest life.
        for (var i = _freed.Count - 1; i >= 0; i--)
        {
            ref var entry = ref _freed.FromOldest(i);
            if (entry.Extent.User == pointer)
            {
                return _records[entry.Record];
            }
        }

        return null;
    }

    private void FreeInner(void* pointer)
    {
        if (_innerIsNative)
        {
            NativeMemory.AlignedFree(pointer);
        }
        else
        {
            _inner.Free(pointer);
        }
    }

    private SiteInfo AllocatedAt(in Block block) => _sites[block.AllocatedId] with { StackTrace = block.AllocatedStack };

    private SiteInfo FreedAt(in Block block) => _sites[block.FreedId] with { StackTrace = block.FreedStack };

    private int NewRecord()
    {
        // Records are reused without clearing: every field is written again before use.
        if (_freeRecords.TryPop(out var reused))
        {
            return reused;
        }

        if (_recordsUsed == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        return _recordsUsed++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfUnusable()
    {
        if (_disposed || _pending is not null)
        {
            ThrowUnusable();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowUnusable()
    {
        if (_disposed)
        {
            throw new OwnershipViolationException(ViolationKind.UseAfterDispose, "use of a CheckedAllocator after it was disposed");
        }

        if (_pending is { } pending)
        {
            _pending = null;
            throw pending;
        }
    }

    private Held Lock()
    {
        var taken = false;
        _gate.Enter(ref taken);
        return new Held(this);
    }

    private SiteInfo Site(string member, string file, int line) =>
        new(member, file, line, _captureStackTraces ? new StackTrace(2, true).ToString() : null);

    private static string OwnerName(object owner)
    {
        var type = owner.GetType();
        return type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(t => t.Name))}>" : type.Name;
    }

    private static string StackTraces(params SiteInfo[] sites) => StackTraces(sites.Select(s => s.ToCallSite()));

    private static string StackTraces(IEnumerable<CallSite> sites)
    {
        var text = new StringBuilder();
        AppendStackTraces(text, sites);
        return text.ToString();
    }

    private static void AppendStackTraces(StringBuilder text, IEnumerable<CallSite> sites)
    {
        foreach (var site in sites)
        {
            if (site.StackTrace is not null)
            {
                text.Append(Environment.NewLine).Append("at ").Append(site).Append(':').Append(Environment.NewLine).Append(site.StackTrace);
            }
        }
    }

    /// <summary>Releases the lock when the <c>using</c> scope ends.</summary>
    private readonly ref struct Held(CheckedAllocator owner)
    {
        public void Dispose() => owner._gate.Exit(useMemoryBarrier: false);
    }

    /// <summary>A call site as the compiler supplied it: no allocation until a report needs a <see cref="CallSite"/>.</summary>
    private readonly record struct SiteInfo(string? Member, string? File, int Line, string? StackTrace)
    {
        public CallSite ToCallSite() =>
            new(Member is { Length: > 0 } ? Member : null, File is { Length: > 0 } ? File : null, Line, StackTrace);

        public override string ToString() => ToCallSite().ToString();
    }

    /// <summary>
    /// Call sites numbered once each. A small cache keyed by line and compared by reference makes the common case (the same
    /// literal file and member strings the compiler passes every time) a few loads; anything else falls back to a dictionary.
    /// </summary>
    private sealed class SiteTable
    {
        private readonly List<SiteInfo> _sites = new() { default };
        private readonly Dictionary<(string?, string?, int), int> _ids = new();
        private readonly (string? Member, string? File, int Line, int Id)[] _cache = new (string?, string?, int, int)[256];

        public SiteInfo this[int id] => _sites[id];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Intern(in SiteInfo site)
        {
            ref var cached = ref _cache[site.Line & 255];
            return cached.Id != 0 && cached.Line == site.Line && ReferenceEquals(cached.File, site.File) && ReferenceEquals(cached.Member, site.Member)
                ? cached.Id
                : InternSlow(site);
        }

        private int InternSlow(in SiteInfo site)
        {
            var key = (site.Member, site.File, site.Line);
            if (!_ids.TryGetValue(key, out var id))
            {
                id = _sites.Count;
                _sites.Add(site with { StackTrace = null });
                _ids.Add(key, id);
            }

            _cache[site.Line & 255] = (site.Member, site.File, site.Line, id);
            return id;
        }
    }

    /// <summary>Where a block lies: the inner block, the caller's bytes, and the left redzone between them.</summary>
    private struct Extent
    {
        public byte* Base;
        public nuint User;
        public nuint Size;
        public nuint LeftPad;
    }

    private struct Block
    {
        public byte* Base;
        public nuint User;
        public nuint Size;
        public nuint LeftPad;
        // Sites are interned: records hold no references on the hot path, so writing them needs no GC write barrier.
        public int AllocatedId;
        public int FreedId;
        public string? AllocatedStack;
        public string? FreedStack;
        public object? Owner;
        public long Serial;

        public readonly Extent Extent => new() { Base = Base, User = User, Size = Size, LeftPad = LeftPad };
    }

    private struct Quarantined
    {
        public Extent Extent;
        public int Record;
    }
}
