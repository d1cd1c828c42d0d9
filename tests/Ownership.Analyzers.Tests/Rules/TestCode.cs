namespace Ownership.Analyzers.Tests.Rules;

/// <summary>Wraps test members in a compilation unit with the helpers every rule test uses.</summary>
internal static class TestCode
{
    /// <summary>The usings and helper types the members may use: <c>Api</c> (annotated native helpers) and <c>Handle</c> (an owned disposable).</summary>
    public const string Prelude = """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Runtime.InteropServices;
        using System.Threading.Tasks;
        using Ownership;
        using Ownership.Allocators;

        [Owned]
        public sealed class Handle : IDisposable
        {
            public int Value;
            public void Dispose() { }
            public void Write(int value) => Value = value;
        }

        public static unsafe class Api
        {
            [return: Owned("native")] public static byte* Create(int size) => (byte*)NativeMemory.Alloc((nuint)size);
            public static void Destroy([Releases("native")] byte* block) => NativeMemory.Free(block);
            public static void Consume([Transfers] byte* block) => NativeMemory.Free(block);
            public static bool TryCreate(int size, [Owned("native")] out byte* block)
            {
                block = size > 0 ? (byte*)NativeMemory.Alloc((nuint)size) : null;
                return block != null;
            }
            public static void Fill([Borrowed] byte* block, int size) { for (int i = 0; i < size; i++) block[i] = 0; }
            public static void Remember(byte* block) { }
            public static int Read([Borrowed] byte* block) => block[0];
            [return: Owned] public static Handle Open() => new Handle();
            public static void Close([Releases] Handle handle) => handle.Dispose();
        }

        """;

    /// <summary>The 1-based line of the first line of <paramref name="source"/> containing <paramref name="text"/>.</summary>
    public static int LineOf(string source, string text)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(text, System.StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new System.ArgumentException($"'{text}' is not in the source");
    }

    /// <summary>A compilation unit whose class <c>C</c> holds <paramref name="members"/>.</summary>
    public static string Members(string members, string types = "") => Prelude + types + "public unsafe class C\n{\n" + members + "\n}\n";
}
