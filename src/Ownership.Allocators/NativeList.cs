using System;
using System.Runtime.CompilerServices;

namespace Ownership.Allocators;

/// <summary>
/// A growable list of <typeparamref name="T"/> in unmanaged memory from an <see cref="IAllocator"/>. Every mutator that can
/// move the storage invalidates references, spans and pointers taken from it before. Not thread-safe.
/// </summary>
/// <remarks>
/// On a <see cref="CheckedAllocator"/> the old buffer is poisoned and quarantined when the list grows, so a write through a
/// stale pointer is reported by <see cref="CheckedAllocator.Verify"/>, and freeing the list's buffer through the allocator is a
/// <see cref="ViolationKind.MismatchedRelease"/>.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
[Owned]
public sealed unsafe class NativeList<T> : IDisposable
    where T : unmanaged
{
    private const int MinimumGrowth = 4;

    // The largest element count whose byte size is still a valid allocation request.
    private static readonly int MaxCapacity = (int)Math.Min(int.MaxValue, (long)(AllocationGuard.MaxByteCount / (nuint)sizeof(T)));

    private readonly IAllocator _allocator;
    private readonly CheckedAllocator? _checked;

    [Owned]
    private T* _items;
    private int _count;
    private int _capacity;
    private bool _disposed;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">How many elements to make room for now; 0 allocates nothing until the first add.</param>
    /// <param name="allocator">Where the storage comes from; <c>null</c> for <see cref="NativeAllocator.Shared"/>. Must outlive the list.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or too large.</exception>
    public NativeList(int capacity = 0, IAllocator? allocator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _allocator = allocator ?? NativeAllocator.Shared;
        _checked = _allocator as CheckedAllocator;
        if (capacity > 0)
        {
            Resize(capacity);
        }
    }

    /// <summary>The number of elements.</summary>
    public int Count => _count;

    /// <summary>The number of elements the current storage holds before it must grow.</summary>
    public int Capacity => _capacity;

    /// <summary>A reference to the element at <paramref name="index"/>, valid until the next mutator or <see cref="Dispose"/>.</summary>
    /// <param name="index">The element's position.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    public ref T this[int index]
    {
        [return: Borrowed]
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)_count)
            {
                ThrowIndex(index);
            }

            return ref _items[index];
        }
    }

    /// <summary>Adds <paramref name="item"/> at the end, growing the storage (which moves it) when full.</summary>
    /// <param name="item">The element to add.</param>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [Invalidates]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        var count = _count;
        if ((uint)count < (uint)_capacity)
        {
            _items[count] = item;
            _count = count + 1;
            return;
        }

        AddWithGrowth(item);
    }

    /// <summary>Inserts <paramref name="item"/> at <paramref name="index"/>, shifting later elements up.</summary>
    /// <param name="index">Where to insert, in <c>[0, Count]</c>.</param>
    /// <param name="item">The element to insert.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count]</c>.</exception>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [Invalidates]
    public void Insert(int index, T item)
    {
        ThrowIfDisposed();
        if ((uint)index > (uint)_count)
        {
            ThrowIndex(index);
        }

        if (_count == _capacity)
        {
            Grow(_count + 1);
        }

        var tail = _count - index;
        Buffer.MemoryCopy(_items + index, _items + index + 1, (long)tail * sizeof(T), (long)tail * sizeof(T));
        _items[index] = item;
        _count++;
    }

    /// <summary>Removes the element at <paramref name="index"/>, shifting later elements down.</summary>
    /// <param name="index">The position to remove, in <c>[0, Count)</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [Invalidates]
    public void RemoveAt(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            ThrowIndex(index);
        }

        var tail = _count - index - 1;
        Buffer.MemoryCopy(_items + index + 1, _items + index, (long)tail * sizeof(T), (long)tail * sizeof(T));
        _count--;
    }

    /// <summary>Removes every element; keeps the storage.</summary>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [Invalidates]
    public void Clear()
    {
        ThrowIfDisposed();
        _count = 0;
    }

    /// <summary>Makes sure the storage holds at least <paramref name="capacity"/> elements, growing (and moving) it if needed.</summary>
    /// <param name="capacity">The number of elements to make room for.</param>
    /// <returns>The new <see cref="Capacity"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or too large.</exception>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [Invalidates]
    public int EnsureCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ThrowIfDisposed();
        if (capacity > _capacity)
        {
            Grow(capacity);
        }

        return _capacity;
    }

    /// <summary>The elements as a span, valid until the next mutator or <see cref="Dispose"/>.</summary>
    /// <returns>A span over the list's storage.</returns>
    /// <exception cref="ObjectDisposedException">The list was disposed.</exception>
    [return: Borrowed]
    public Span<T> AsSpan()
    {
        ThrowIfDisposed();
        return new Span<T>(_items, _count);
    }

    /// <summary>Releases the storage to the allocator. Later use throws; a second <c>Dispose</c> does nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_items != null)
        {
            if (_checked is not null)
            {
                _checked.FreeFor(this, _items, OwnerName);
            }
            else
            {
                _allocator.Free(_items);
            }
        }

        _items = null;
        _count = 0;
        _capacity = 0;
        _disposed = true;
    }

    // One string instance, so the checked allocator records the same site text for every growth.
    private static readonly string OwnerName = $"NativeList<{typeof(T).Name}>";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddWithGrowth(T item)
    {
        ThrowIfDisposed();
        Grow(_count + 1);
        _items[_count] = item;
        _count++;
    }

    private void Grow(int needed)
    {
        if (needed > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(needed), needed, $"A NativeList<{typeof(T).Name}> holds at most {MaxCapacity} elements.");
        }

        // Doubling keeps Add amortized O(1).
        var doubled = (int)Math.Min((long)_capacity * 2, MaxCapacity);
        Resize(Math.Max(Math.Max(doubled, MinimumGrowth), needed));
    }

    private void Resize(int capacity)
    {
        var bytes = (nuint)capacity * (nuint)sizeof(T);
        void* moved;
        if (_checked is not null)
        {
            moved = _items == null ? _checked.AllocateFor(this, bytes, AllocationGuard.DefaultAlignment, OwnerName) : _checked.ReallocateFor(this, _items, bytes, OwnerName);
        }
        else
        {
            moved = _items == null ? _allocator.Allocate(bytes) : _allocator.Reallocate(_items, bytes);
        }

        if (moved == null)
        {
            // An allocator that reports failure with null: the old storage is still valid and still the list's.
            throw new OutOfMemoryException($"The allocator returned null for {bytes} bytes.");
        }

        _items = (T*)moved;
        _capacity = capacity;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(GetType().Name);
        }
    }

    private void ThrowIndex(int index)
    {
        ThrowIfDisposed();
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be in [0, {_count}).");
    }
}
