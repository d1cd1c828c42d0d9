using System;

namespace Ownership.Allocators;

/// <summary>
/// A first-in first-out ring of structs that can also be walked newest first. The checked allocator keeps freed blocks in
/// these, so the hot path appends and removes sequentially and only error reports pay for a search.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class BlockRing<T>
    where T : struct
{
    private readonly int _bound;
    private T[] _items = new T[16];
    private int _head;
    private int _count;

    /// <summary>Creates a ring; when <paramref name="bound"/> is reached, adding drops the oldest record.</summary>
    public BlockRing(int bound = int.MaxValue) => _bound = bound;

    public int Count => _count;

    public void Enqueue(in T item)
    {
        if (_count == _bound)
        {
            _head = (_head + 1) % _items.Length;
            _count--;
        }
        else if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    /// <summary>The oldest record.</summary>
    public ref T Oldest => ref _items[_head];

    public void DropOldest()
    {
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        _count--;
    }

    /// <summary>The <paramref name="age"/>-th newest record; 0 is the newest.</summary>
    public ref T FromNewest(int age) => ref _items[(_head + _count - 1 - age) % _items.Length];

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        _count = 0;
    }

    private void Grow()
    {
        var larger = new T[(int)Math.Min((long)_items.Length * 2, Array.MaxLength)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
