using System;

namespace Ownership.Allocators;

/// <summary>
/// A first-in first-out ring of structs that can also be read by position. The checked allocator keeps freed blocks in
/// these, so the hot path appends and removes sequentially and only error reports pay for a search.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class BlockRing<T>
    where T : struct
{
    // A power-of-two length, so positions wrap with a mask rather than a division.
    private T[] _items = new T[16];
    private int _head;
    private int _count;

    public int Count => _count;

    public void Enqueue(in T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    /// <summary>The oldest record.</summary>
    public ref T Oldest => ref _items[_head];

    public void DropOldest()
    {
        _items[_head] = default;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
    }

    /// <summary>The <paramref name="index"/>-th oldest record; 0 is the oldest.</summary>
    public ref T FromOldest(int index) => ref _items[(_head + index) & (_items.Length - 1)];

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var larger = new T[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = larger;
        _head = 0;
    }
}
