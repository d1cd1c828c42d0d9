using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using Ownership.Allocators;
using Xunit;

namespace Ownership.Allocators.Tests;

internal static class Source
{
    /// <summary>The line of the call, to compare with the sites a report names.</summary>
    public static int Line([CallerLineNumber] int line = 0) => line;

    /// <summary>The short "File.cs:12" form a report uses for a site in the calling file.</summary>
    public static string At(int line, [CallerFilePath] string file = "") => $"{Path.GetFileName(file)}:{line}";
}

internal static class Violation
{
    /// <summary>Runs <paramref name="action"/>, which must throw a violation of <paramref name="kind"/>, and returns it.</summary>
    public static OwnershipViolationException Expect(ViolationKind kind, Action action)
    {
        var violation = Assert.Throws<OwnershipViolationException>(action);
        Assert.Equal(kind, violation.Kind);
        return violation;
    }
}

/// <summary>An allocator over native memory that counts what is outstanding, to prove others release everything.</summary>
internal sealed unsafe class CountingAllocator : IAllocator
{
    private readonly HashSet<nuint> _outstanding = new();

    public int Outstanding
    {
        get
        {
            lock (_outstanding)
            {
                return _outstanding.Count;
            }
        }
    }

    public int Allocations { get; private set; }

    public void* Allocate(nuint byteCount, nuint alignment = 16)
    {
        var p = NativeAllocator.Shared.Allocate(byteCount, alignment);
        lock (_outstanding)
        {
            Allocations++;
            Assert.True(_outstanding.Add((nuint)p));
        }

        return p;
    }

    public void Free(void* pointer)
    {
        if (pointer == null)
        {
            return;
        }

        lock (_outstanding)
        {
            Assert.True(_outstanding.Remove((nuint)pointer), "freed something it never allocated");
        }

        NativeAllocator.Shared.Free(pointer);
    }

    public void* Reallocate(void* pointer, nuint byteCount)
    {
        var p = NativeAllocator.Shared.Reallocate(pointer, byteCount);
        lock (_outstanding)
        {
            if (pointer != null)
            {
                _outstanding.Remove((nuint)pointer);
            }

            _outstanding.Add((nuint)p);
        }

        return p;
    }
}

/// <summary>An allocator that reports failure by returning null, as some native allocators do.</summary>
internal sealed unsafe class NullAllocator : IAllocator
{
    public void* Allocate(nuint byteCount, nuint alignment = 16) => null;

    public void Free(void* pointer)
    {
    }

    public void* Reallocate(void* pointer, nuint byteCount) => null;
}
