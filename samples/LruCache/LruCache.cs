using System;
using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Samples.Caching;

/// <summary>
/// A least-recently-used cache of byte payloads: a hash map from key to node, and a doubly linked list of the same nodes,
/// most recently used first. Nodes come from a <see cref="PoolAllocator{T}"/>, payloads from an <see cref="IAllocator"/>.
/// </summary>
/// <remarks>
/// Seed 000 (a Zig LRU cache that crashed with "Invalid free"): its map stored each node by value, a copy, while the list
/// linked the node it had allocated, so there were two nodes and no single owner. Here the map stores the pointer to the
/// one node the list links; every node is rented once and returned once, by whichever of eviction, <see cref="Remove"/>
/// or <see cref="Clear"/> unlinks it, always after it left both structures.
/// </remarks>
[Owned]
public sealed unsafe class LruCache : IDisposable
{
    private readonly IAllocator _allocator;

    [Owned]
    private readonly PoolAllocator<Node> _nodes;

    // Key -> the node itself (its address), never a copy of it.
    private readonly Dictionary<long, nint> _map;

    // Most recently used first.
    private Node* _head;
    private Node* _tail;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="capacity">How many entries it holds before the least recently used one is evicted.</param>
    /// <param name="allocator">Where payloads come from; must outlive the cache.</param>
    /// <param name="checkNodes">Whether the node pool checks returns (double return, foreign pointers, nodes never returned).</param>
    public LruCache(int capacity, IAllocator allocator, bool checkNodes = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(allocator);
        Capacity = capacity;
        _allocator = allocator;
        _map = new Dictionary<long, nint>(capacity);
        _nodes = new PoolAllocator<Node>(blocksPerSlab: Math.Min(capacity, 1024), checks: checkNodes);
    }

    /// <summary>How many entries the cache holds before it evicts.</summary>
    public int Capacity { get; }

    /// <summary>How many entries it holds now.</summary>
    public int Count => _map.Count;

    /// <summary>How many entries were evicted to make room.</summary>
    public long Evictions { get; private set; }

    /// <summary>Bytes held in payloads.</summary>
    public long PayloadBytes { get; private set; }

    /// <summary>Whether <paramref name="key"/> is cached.</summary>
    /// <param name="key">The key.</param>
    /// <returns><c>true</c> when it is.</returns>
    public bool ContainsKey(long key) => _map.ContainsKey(key);

    /// <summary>The payload cached under <paramref name="key"/>, which becomes the most recently used entry.</summary>
    /// <param name="key">The key; must be cached.</param>
    /// <returns>The payload, borrowed from the cache: valid until the next <see cref="Put"/>, <see cref="Remove"/> or <see cref="Clear"/>.</returns>
    /// <exception cref="KeyNotFoundException">The key is not cached.</exception>
    [return: Borrowed]
    public ReadOnlySpan<byte> Get(long key)
    {
        var node = (Node*)_map[key];
        MoveToFront(node);
        return new ReadOnlySpan<byte>(node->Payload, node->Length);
    }

    /// <summary>Caches a copy of <paramref name="payload"/> under <paramref name="key"/>, replacing any payload it had, evicting the least recently used entry when full.</summary>
    /// <param name="key">The key.</param>
    /// <param name="payload">The bytes to copy into the cache.</param>
    [Invalidates]
    public void Put(long key, ReadOnlySpan<byte> payload)
    {
        if (_map.TryGetValue(key, out var existing))
        {
            var node = (Node*)existing;
            var copy = CopyPayload(payload);
            _allocator.Free(node->Payload);
            PayloadBytes += payload.Length - node->Length;
            node->Payload = copy;
            node->Length = payload.Length;
            MoveToFront(node);
            return;
        }

        if (_map.Count == Capacity)
        {
            EvictLeastRecentlyUsed();
        }

        var fresh = _nodes.Rent();
        fresh->Key = key;
        fresh->Payload = CopyPayload(payload);
        fresh->Length = payload.Length;
        fresh->Previous = null;
        fresh->Next = null;
        LinkAtFront(fresh);
        _map.Add(key, (nint)fresh);
        PayloadBytes += payload.Length;
    }

    /// <summary>Removes the entry under <paramref name="key"/>, if any, and frees it.</summary>
    /// <param name="key">The key.</param>
    /// <returns><c>true</c> when there was such an entry.</returns>
    [Invalidates]
    public bool Remove(long key)
    {
        if (!_map.Remove(key, out var address))
        {
            return false;
        }

        var node = (Node*)address;
        Unlink(node);
        Destroy(node);
        return true;
    }

    /// <summary>Frees every entry. The cache stays usable.</summary>
    [Invalidates]
    public void Clear()
    {
        // Walk the list, the one structure that links every node; the map only names them.
        var node = _head;
        while (node != null)
        {
            var next = node->Next;
            Destroy(node);
            node = next;
        }

        _head = null;
        _tail = null;
        _map.Clear();
    }

    /// <summary>Walks the list both ways and checks it against the map; throws when they disagree.</summary>
    /// <exception cref="InvalidOperationException">The list and the map disagree.</exception>
    public void Validate()
    {
        var forward = 0;
        Node* previous = null;
        for (var node = _head; node != null; node = node->Next)
        {
            if (node->Previous != previous || !_map.TryGetValue(node->Key, out var address) || address != (nint)node)
            {
                throw new InvalidOperationException($"The list and the map disagree at key {node->Key}.");
            }

            previous = node;
            forward++;
        }

        if (previous != _tail || forward != _map.Count)
        {
            throw new InvalidOperationException($"The list holds {forward} nodes, the map {_map.Count}.");
        }
    }

    /// <summary>Frees every entry, then the node pool (which, with checks on, reports any node never returned).</summary>
    public void Dispose()
    {
        Clear();
        _nodes.Dispose();
    }

    private void EvictLeastRecentlyUsed()
    {
        var victim = _tail;
        Unlink(victim);
        _map.Remove(victim->Key);
        Destroy(victim);
        Evictions++;
    }

    [return: Owned]
    private byte* CopyPayload(ReadOnlySpan<byte> payload)
    {
        // The allocators take no empty requests; an empty payload still gets its own (one-byte) block.
        var copy = (byte*)_allocator.Allocate((nuint)Math.Max(payload.Length, 1));
        payload.CopyTo(new Span<byte>(copy, payload.Length));
        return copy;
    }

    /// <summary>Frees a node that is in neither the list nor the map any more: its payload, then the node.</summary>
    private void Destroy([Releases("pool")] Node* node)
    {
        PayloadBytes -= node->Length;
        _allocator.Free(node->Payload);
        _nodes.Return(node);
    }

    private void LinkAtFront(Node* node)
    {
        node->Previous = null;
        node->Next = _head;
        if (_head != null)
        {
            _head->Previous = node;
        }

        _head = node;
        if (_tail == null)
        {
            _tail = node;
        }
    }

    private void Unlink(Node* node)
    {
        if (node->Previous != null)
        {
            node->Previous->Next = node->Next;
        }
        else
        {
            _head = node->Next;
        }

        if (node->Next != null)
        {
            node->Next->Previous = node->Previous;
        }
        else
        {
            _tail = node->Previous;
        }

        node->Previous = null;
        node->Next = null;
    }

    private void MoveToFront(Node* node)
    {
        if (node != _head)
        {
            Unlink(node);
            LinkAtFront(node);
        }
    }

    /// <summary>One entry: linked into the list, named by the map, holding its own payload block.</summary>
    private struct Node
    {
        public long Key;
        public byte* Payload;
        public int Length;
        public Node* Previous;
        public Node* Next;
    }
}
