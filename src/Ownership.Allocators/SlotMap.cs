using System;

namespace Ownership.Allocators;

/// <summary>
/// Values addressed by generation-checked <see cref="Handle"/>s: the safe replacement for pointers kept into growable storage.
/// A handle stays valid while its value is in the map; after <see cref="Remove"/> it is stale, even if the slot is reused.
/// Not thread-safe.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class SlotMap<T>
{
    private T[] _values = Array.Empty<T>();

    // Odd generations mark occupied slots, even ones free slots, so a handle can only match an occupied slot.
    private int[] _generations = Array.Empty<int>();

    // Free slots chained through _nextFree; -1 ends the chain.
    private int[] _nextFree = Array.Empty<int>();
    private int _freeHead = -1;
    private int _used;
    private int _count;

    /// <summary>The number of values in the map.</summary>
    public int Count => _count;

    /// <summary>A reference to the value <paramref name="handle"/> refers to, valid until the next <see cref="Add"/> or <see cref="Remove"/>.</summary>
    /// <param name="handle">A handle from <see cref="Add"/>.</param>
    /// <exception cref="OwnershipViolationException">The handle is stale or was never issued (<see cref="ViolationKind.StaleHandle"/>).</exception>
    public ref T this[Handle handle]
    {
        [return: Borrowed]
        get
        {
            if (!Contains(handle))
            {
                ThrowStale(handle);
            }

            return ref _values[handle.Index];
        }
    }

    /// <summary>Adds a value, reusing a free slot when there is one.</summary>
    /// <param name="value">The value to store.</param>
    /// <returns>A handle to the value.</returns>
    [Invalidates]
    public Handle Add(T value)
    {
        int index;
        if (_freeHead >= 0)
        {
            index = _freeHead;
            _freeHead = _nextFree[index];
        }
        else
        {
            if (_used == _values.Length)
            {
                Grow();
            }

            index = _used++;
        }

        _generations[index]++;
        _values[index] = value;
        _count++;
        return new Handle(index, _generations[index]);
    }

    /// <summary>Removes the value <paramref name="handle"/> refers to; the handle (and any copy of it) becomes stale.</summary>
    /// <param name="handle">The handle of the value to remove.</param>
    /// <returns><c>true</c> if it was removed; <c>false</c> if the handle was already stale.</returns>
    [Invalidates]
    public bool Remove(Handle handle)
    {
        if (!Contains(handle))
        {
            return false;
        }

        var index = handle.Index;
        _values[index] = default!;
        _count--;

        // A slot whose generation would wrap is retired (an even generation no handle has), so no old handle can match it again.
        if (_generations[index] == int.MaxValue)
        {
            _generations[index] = int.MinValue;
            return true;
        }

        _generations[index]++;
        _nextFree[index] = _freeHead;
        _freeHead = index;
        return true;
    }

    /// <summary>Whether <paramref name="handle"/> refers to a value in the map.</summary>
    /// <param name="handle">The handle to test.</param>
    /// <returns><c>true</c> if the handle is live.</returns>
    public bool Contains(Handle handle) =>
        (uint)handle.Index < (uint)_used && (handle.Generation & 1) == 1 && _generations[handle.Index] == handle.Generation;

    /// <summary>Gets the value <paramref name="handle"/> refers to, if it is live.</summary>
    /// <param name="handle">The handle to look up.</param>
    /// <param name="value">The value, or <c>default</c> when the handle is stale.</param>
    /// <returns><c>true</c> if the handle is live.</returns>
    public bool TryGet(Handle handle, out T value)
    {
        if (Contains(handle))
        {
            value = _values[handle.Index];
            return true;
        }

        value = default!;
        return false;
    }

    private void Grow()
    {
        var size = Math.Max(4, _values.Length * 2);
        Array.Resize(ref _values, size);
        Array.Resize(ref _generations, size);
        Array.Resize(ref _nextFree, size);
    }

    private void ThrowStale(Handle handle)
    {
        var why = (uint)handle.Index >= (uint)_used || handle.Generation <= 0
            ? "it was never issued by this map"
            : $"its value was removed (the slot is now at generation {_generations[handle.Index]})";
        throw new OwnershipViolationException(ViolationKind.StaleHandle, $"stale handle {handle}: {why}");
    }
}
