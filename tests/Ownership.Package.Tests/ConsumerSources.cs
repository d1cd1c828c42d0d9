using System;
using System.Collections.Generic;
using System.Linq;

namespace Ownership.Package.Tests;

/// <summary>The consumer's files: each bug the end-to-end tests expect the packed analyzer to report, and clean code it must not.</summary>
internal static class ConsumerSources
{
    public const string UseAfterFree = """
        using System.Runtime.InteropServices;

        namespace Consumer;

        public static unsafe class UseAfterFree
        {
            public static byte Read()
            {
                var buffer = (byte*)NativeMemory.Alloc(16);
                NativeMemory.Free(buffer);
                return buffer[0];
            }
        }
        """;

    // The same bug, in the file .editorconfig downgrades to a warning.
    public const string Downgraded = """
        using System.Runtime.InteropServices;

        namespace Consumer;

        public static unsafe class Downgraded
        {
            public static byte Read()
            {
                var buffer = (byte*)NativeMemory.Alloc(16);
                NativeMemory.Free(buffer);
                return buffer[0];
            }
        }
        """;

    // Handles has no attributes: native.ownership.txt declares what Open returns owned and what Close releases.
    public const string Contract = """
        using System;

        namespace Consumer;

        public static class Handles
        {
            public static IntPtr Open(string name) => new IntPtr(name.Length + 1);

            public static void Close(IntPtr handle)
            {
            }
        }

        public static class UsesHandles
        {
            public static int Leaks(string name)
            {
                var handle = Handles.Open(name);
                return handle.ToInt32();
            }

            public static int Closes(string name)
            {
                var handle = Handles.Open(name);
                var value = handle.ToInt32();
                Handles.Close(handle);
                return value;
            }
        }
        """;

    public const string ContractFile = """
        # Ownership contracts for Consumer.Handles, which carries no attributes.
        M:Consumer.Handles.Open(System.String)     return=owned:handle
        M:Consumer.Handles.Close(System.IntPtr)    handle=releases:handle
        """;

    // Returns an owned block without [return: Owned] (OWN011): the code fix adds the attribute.
    public const string FixMe = """
        using System.Runtime.InteropServices;

        namespace Consumer;

        public static unsafe class FixMe
        {
            public static byte* Create(int size)
            {
                var block = (byte*)NativeMemory.Alloc((nuint)size);
                return block;
            }
        }
        """;

    // Clean code on the allocators from lib/: nothing to report.
    public const string Allocators = """
        using Ownership.Allocators;

        namespace Consumer;

        public static unsafe class Allocators
        {
            public static int RoundTrip()
            {
                using var allocator = new CheckedAllocator(NativeAllocator.Shared);
                var block = (int*)allocator.Allocate(sizeof(int));
                *block = 42;
                var value = *block;
                allocator.Free(block);
                allocator.AssertNoLeaks();
                return value;
            }
        }
        """;

    public const string EditorConfig = """
        root = true

        [Downgraded.cs]
        dotnet_diagnostic.OWN001.severity = warning
        """;

    public static IEnumerable<(string Name, string Text)> Files => new[]
    {
        ("UseAfterFree.cs", UseAfterFree),
        ("Downgraded.cs", Downgraded),
        ("Contract.cs", Contract),
        ("native.ownership.txt", ContractFile),
        ("FixMe.cs", FixMe),
        ("Allocators.cs", Allocators),
        (".editorconfig", EditorConfig),
    };

    /// <summary>The 1-based line of the first line of <paramref name="source"/> containing <paramref name="text"/>, after <paramref name="after"/> if given.</summary>
    public static int LineOf(string source, string text, string? after = null)
    {
        var lines = source.Split('\n');
        var start = after is null ? 0 : Array.FindIndex(lines, l => l.Contains(after, StringComparison.Ordinal));
        var index = Array.FindIndex(lines, start, l => l.Contains(text, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new ArgumentException($"'{text}' is not in the source.", nameof(text));
        }

        return index + 1;
    }

    public static IEnumerable<string> Names => Files.Select(f => f.Name);
}
