using System.Collections.Generic;
using Ownership.Allocators;

namespace Ownership.Demo.Bugs;

/// <summary>Seed 000: an LRU cache whose map stores each node by value, a copy, while the pool rented the original.</summary>
internal static unsafe class Seed000CopiedNode
{
    // begin buggy
    public static void Put(PoolAllocator<Node> pool, Dictionary<long, Node> map, long key, long value)
    {
        var node = pool.Rent();
        node->Key = key;
        node->Value = value;
        map[key] = *node;                // the map keeps a copy; the rented node itself is dropped (OWN003)
    }

    public static void Evict(PoolAllocator<Node> pool, Dictionary<long, Node> map, long key)
    {
        var copy = map[key];
        map.Remove(key);
        pool.Return(&copy);              // gives back the copy's address, which the pool never rented (OWN006)
    }
    // end buggy

    public struct Node
    {
        public long Key;
        public long Value;
    }
}
