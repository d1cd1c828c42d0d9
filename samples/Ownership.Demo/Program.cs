using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ownership.Allocators;
using Ownership.Demo.Bugs;
using Ownership.Samples.Blocks;

namespace Ownership.Demo;

/// <summary>
/// The classic manual-memory bugs of the seeds, each twice: the buggy code, which the analyzer flags at build time (the
/// build output lists the OWN warnings), then the same code run on the checked allocators, which catch it at run time.
/// </summary>
public static class Program
{
    public static int Main()
    {
        Console.WriteLine("Ownership demo: the analyzer and the checked allocators on the classic manual-memory bugs.");
        Console.WriteLine("Each bug below is real code in samples/Ownership.Demo/Bugs/. The analyzer flags it at build time");
        Console.WriteLine("(OWN rules are warnings in this project only, so it still builds: see the build output), and the");
        Console.WriteLine("checked allocators catch the same bug when it runs.");

        LruCacheCopiedNode();
        VectorStoreDoubleFree();
        DungeonStalePointer();
        DungeonForgottenArray();
        BlockStoreUseAfterTransfer();
        PlainUseAfterFree();

        Console.WriteLine();
        Console.WriteLine("Done. The samples LruCache, VectorStore, DungeonGenerator and BlockStore are the fixed versions: they build");
        Console.WriteLine("with zero OWN diagnostics and their stress loops run clean under CheckedAllocator (tests/Ownership.Samples.Tests).");
        return 0;
    }

    private static void LruCacheCopiedNode()
    {
        Heading(
            "1. Double ownership, invalid free — seed 000, an LRU cache (\"panic: Invalid free\")",
            "Seed000CopiedNode.cs",
            "OWN003: the rented node is dropped (only a copy is kept); OWN006: '&copy' is returned, but no allocator returned it.");
        var pool = new PoolAllocator<Seed000CopiedNode.Node>(blocksPerSlab: 16, checks: true);
        var map = new Dictionary<long, Seed000CopiedNode.Node>();
        Seed000CopiedNode.Put(pool, map, key: 42, value: 4200);
        RunTime("PoolAllocator<Node>(checks: true), evicting key 42", () => Seed000CopiedNode.Evict(pool, map, 42));
        RunTime("PoolAllocator<Node>.Dispose()", pool.Dispose);
    }

    private static void VectorStoreDoubleFree()
    {
        Heading(
            "2. Double free after clear() — seed 001, a vector store's flat buffer",
            "Seed001ClearThenInitialize.cs",
            "OWN009: 'Clear' releases field '_vectors' but leaves it dangling; OWN002: in the one-method form, '_vectors' is released again.");
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);

        // Not disposed: after the bug its buffer cannot be freed again; disposing the checked allocator releases it.
        var store = new Seed001ClearThenInitialize(allocator, dimension: 8);
        store.Clear();
        RunTime("CheckedAllocator, Clear() then Initialize() with dimension 16", () => store.Initialize(16, 32));
    }

    private static void DungeonStalePointer()
    {
        Heading(
            "3. Stale pointer into a growing list — seed 002, a dungeon's terrain registry",
            "Seed002StaleTerrain.cs",
            "OWN005: 'wall' points into 'terrains', which 'terrains.Add(...)' may have reallocated.",
            method: "RegisterTerrain");
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using (var terrains = new NativeList<Seed002StaleTerrain.Terrain>(0, allocator))
        {
            Seed002StaleTerrain.RegisterTerrain(terrains);
        }

        RunTime("CheckedAllocator.Verify() after registering 17 terrains", () => allocator.Verify());
    }

    private static void DungeonForgottenArray()
    {
        Heading(
            "4. Leak: a per-level array map_free() forgot — seed 002 again",
            "Seed002StaleTerrain.cs",
            "OWN003: 'features' is not released or transferred before it goes out of scope.",
            method: "GenerateLevel");
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        Seed002StaleTerrain.GenerateLevel(allocator, cells: 80 * 40);
        RunTime("CheckedAllocator.AssertNoLeaks() after one level", allocator.AssertNoLeaks);
    }

    private static void BlockStoreUseAfterTransfer()
    {
        Heading(
            "5. Use after transfer — seed 004, blocks moving from the storage engine to the query engine",
            "Seed004UseAfterTransfer.cs",
            "OWN001: 'batch' is used after it was transferred by 'query.Ingest(batch)'.");
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        using var storage = new StorageEngine(allocator, checkArenas: true);
        storage.Put(1, "block one"u8);
        RunTime("BlockBatch on ArenaAllocator(checks: true), flushing then annotating", () => Seed004UseAfterTransfer.FlushAndAnnotate(storage, "note"u8));
    }

    private static void PlainUseAfterFree()
    {
        Heading(
            "6. Use after free",
            "UseAfterFree.cs",
            "OWN001: 'buffer' is used after it was released by 'allocator.Free(buffer)'.");
        using var allocator = new CheckedAllocator(NativeAllocator.Shared);
        UseAfterFree.WriteAfterFree(allocator);
        RunTime("CheckedAllocator.Verify() after the write", () => allocator.Verify());
    }

    private static void Heading(string title, string file, string analyzer, string? method = null)
    {
        Console.WriteLine();
        Console.WriteLine(new string('=', 100));
        Console.WriteLine(title);
        Console.WriteLine(new string('=', 100));
        Console.WriteLine($"The buggy code (Bugs/{file}):");
        foreach (var (number, text) in BuggyLines(file, method))
        {
            Console.WriteLine($"  {number,4} | {text}");
        }

        Console.WriteLine();
        Console.WriteLine($"Build time, the analyzer: {analyzer}");
    }

    private static void RunTime(string what, Action run)
    {
        Console.Write($"Run time, {what}: ");
        try
        {
            run();
            Console.WriteLine("not caught.");
        }
        catch (OwnershipViolationException violation)
        {
            Console.WriteLine($"caught {violation.Kind}.");
            Console.WriteLine($"    {violation.Message}");
            var sites = violation.Sites.Where(s => s.IsKnown).Select(s => s.ToString()).ToList();
            Console.WriteLine(sites.Count == 0 ? "    sites: none recorded" : $"    sites: {string.Join(", ", sites)}");
        }
    }

    /// <summary>The lines between "// begin buggy" and "// end buggy" of an embedded source file, or of one method in it, with their line numbers.</summary>
    private static IEnumerable<(int Number, string Text)> BuggyLines(string file, string? method)
    {
        using var stream = typeof(Program).Assembly.GetManifestResourceStream("Bugs/" + file)
            ?? throw new InvalidOperationException($"Bugs/{file} is not embedded.");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Select((text, index) => (Number: index + 1, Text: text.TrimEnd('\r'))).ToList();
        var begin = lines.FindIndex(l => l.Text.Trim() == "// begin buggy");
        var end = lines.FindIndex(l => l.Text.Trim() == "// end buggy");
        var body = lines.Skip(begin + 1).Take(end - begin - 1).ToList();
        if (method is not null)
        {
            // From the method's signature to the closing brace at its own indentation.
            var start = body.FindIndex(l => l.Text.Contains(" " + method + "(", StringComparison.Ordinal));
            var indent = body[start].Text.Length - body[start].Text.TrimStart().Length;
            var close = body.FindIndex(start, l => l.Text.Length > indent && l.Text[indent] == '}' && l.Text.TrimEnd().Length == indent + 1);
            body = body.Skip(start).Take(close - start + 1).ToList();
        }

        var margin = body.Where(l => l.Text.Trim().Length > 0).Min(l => l.Text.Length - l.Text.TrimStart().Length);
        return body.Select(l => (l.Number, l.Text.Length >= margin ? l.Text[margin..] : l.Text));
    }
}
