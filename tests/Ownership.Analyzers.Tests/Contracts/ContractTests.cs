using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Contracts;

public class ContractTests
{
    private const string NativeLibSource = """
        public static unsafe class NativeLib
        {
            public static byte* open_buffer(int size) => (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);
            public static void close_buffer(byte* buffer) => System.Runtime.InteropServices.NativeMemory.Free(buffer);
        }

        """;

    /// <summary>A library compiled on its own, as a package the user cannot annotate would be.</summary>
    private static readonly MetadataReference NativeLib = CSharpCompilation.Create(
            "NativeLib",
            new[] { CSharpSyntaxTree.ParseText(NativeLibSource) },
            RuntimeReferences(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true))
        .ToMetadataReference();

    private const string NativeLibContracts = """
        # Contracts for a P/Invoke-style library we cannot annotate.
        M:NativeLib.open_buffer(System.Int32)    return=owned:native
        M:NativeLib.close_buffer(System.Byte*)   buffer=releases:native
        """;

    [Fact]
    public void Catalog_parses_without_errors()
    {
        Assert.Empty(ContractProvider.BuiltInErrors.Select(error => error.Message));
        Assert.True(ContractProvider.BuiltInLines.Length >= 60, $"only {ContractProvider.BuiltInLines.Length} catalog lines");
    }

    [Fact]
    public void Every_catalog_line_resolves_against_the_runtime()
    {
        var compilation = CSharpCompilation.Create("Catalog", references: RuntimeReferences());
        var unresolved = ContractProvider.BuiltInLines
            .Where(line => DocumentationCommentId.GetSymbolsForDeclarationId(line.MemberId, compilation).IsDefaultOrEmpty)
            .Select(line => $"line {line.LineNumber}: {line.MemberId}")
            .ToList();
        Assert.Empty(unresolved);

        var provider = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default);
        Assert.Empty(provider.Errors.Select(error => error.Message));
    }

    [Fact]
    public void Every_catalog_line_is_found_under_the_key_and_the_ID_of_its_members()
    {
        // The catalog is resolved a key at a time: a line filed under another key than its member's would never apply.
        var compilation = CSharpCompilation.Create("Catalog", references: RuntimeReferences());
        var problems = new List<string>();
        foreach (var line in ContractProvider.BuiltInLines)
        {
            foreach (var symbol in DocumentationCommentId.GetSymbolsForDeclarationId(line.MemberId, compilation))
            {
                if (CatalogContracts.KeyOf(symbol) != CatalogContracts.KeyOf(line.MemberId))
                {
                    problems.Add($"line {line.LineNumber}: {line.MemberId} is filed under '{CatalogContracts.KeyOf(line.MemberId)}', its member under '{CatalogContracts.KeyOf(symbol)}'");
                }

                // A method is matched to its line by its own ID: the line must spell it as the compiler does.
                if (symbol.GetDocumentationCommentId() != line.MemberId)
                {
                    problems.Add($"line {line.LineNumber}: {line.MemberId} is spelled '{symbol.GetDocumentationCommentId()}' by the compiler");
                }

                if (symbol is IMethodSymbol method)
                {
                    ContractProvider.ToMethodContract(line, method, out var error);
                    if (error is not null)
                    {
                        problems.Add($"line {line.LineNumber}: {error}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("M:System.IO.StreamReader.#ctor(System.IO.Stream)", "StreamReader.ctor")]
    [InlineData("M:System.Span`1.#ctor(System.Void*,System.Int32)", "Span.ctor")]
    [InlineData("M:System.Runtime.InteropServices.CollectionsMarshal.AsSpan``1(System.Collections.Generic.List{``0})", "CollectionsMarshal.AsSpan")]
    [InlineData("M:System.Buffers.ArrayPool`1.Rent(System.Int32)", "ArrayPool.Rent")]
    [InlineData("M:System.Runtime.InteropServices.Marshal.Copy(System.IntPtr,System.Byte[],System.Int32,System.Int32)", "Marshal.Copy")]
    [InlineData("T:System.Runtime.InteropServices.GCHandle", "GCHandle")]
    [InlineData("M:System.Collections.Generic.List`1.set_Capacity(System.Int32)", "List.set_Capacity")]
    [InlineData("M:Outer.Inner`2.Free(System.IntPtr)", "Inner.Free")]
    public void Catalog_keys_are_the_type_and_member_names(string id, string key)
    {
        Assert.Equal(key, CatalogContracts.KeyOf(id));
    }

    [Fact]
    public void Members_named_like_catalog_members_have_no_catalog_contract()
    {
        // A user's method of a catalog name, whatever its signature (function pointers, dynamic, tuples, refs, missing
        // types), has no catalog contract, and looking it up throws nothing. The types named like catalog types have
        // their lines resolved and compared with them.
        var source = """
            using System;
            using System.Collections.Generic;
            namespace System.Runtime.InteropServices
            {
                public static unsafe class NativeHeap
                {
                    public static void* Alloc(nuint size) => null;
                }
            }

            namespace Mine
            {
                public static unsafe class NativeMemory
                {
                    public static void* Alloc(nuint size) => null;
                    public static void Free(void* block) { }
                    public static void Free(delegate* unmanaged<void*, void> release, void* block) { }
                }

                public class ArrayPool<T>
                {
                    public T[] Rent(Missing missing) => null;
                    public void Return(dynamic item, (int Id, string Name) pair, ref int count, in long total, out byte flag) { flag = 0; }
                }
            }

            public unsafe class Pool
            {
                public void* Alloc(nuint size) => null;
                public void Free(void* block) { }
                public void Free(delegate* unmanaged<void*, void> release, void* block) { }
                public void Add(dynamic item, (int Id, string Name) pair, ref int count, in long total, out byte flag) { flag = 0; }
                public void Add<T>(List<T>[] lists, T[,] grid) { }
                public void Rent(Missing missing) { }
                public void Dispose() { }
                public static implicit operator IntPtr(Pool pool) => IntPtr.Zero;
            }
            """;
        var compilation = CSharpCompilation.Create(
            "Names",
            new[] { CSharpSyntaxTree.ParseText(source) },
            RuntimeReferences(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var provider = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default);
        var methods = compilation.GetSymbolsWithName(_ => true, SymbolFilter.Member).OfType<IMethodSymbol>().ToList();

        Assert.Contains(methods, method => method.Name == "Free");
        foreach (var method in methods.Where(method => method.Name != "Dispose"))
        {
            Assert.True(provider.GetMethod(method).IsEmpty, $"{method.ToDisplayString()} has a catalog contract");
        }

        var native = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId("M:System.Runtime.InteropServices.NativeMemory.Alloc(System.UIntPtr)", compilation)!;
        Assert.Equal(ContractKind.Owned, provider.GetMethod(native).Return.Kind);
    }

    [Fact]
    public void A_users_line_wins_over_the_catalogs_for_the_same_member()
    {
        var compilation = CSharpCompilation.Create("Catalog", references: RuntimeReferences());
        var contracts = new AdditionalText[] { new ContractFileText("mine.ownership.txt", "M:System.Runtime.InteropServices.NativeMemory.Alloc(System.UIntPtr)  return=owned:mine\n") };
        var provider = ContractProvider.Create(compilation, new AnalyzerOptions(contracts.ToImmutableArray()), default);
        var alloc = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId("M:System.Runtime.InteropServices.NativeMemory.Alloc(System.UIntPtr)", compilation)!;
        var free = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId("M:System.Runtime.InteropServices.NativeMemory.Free(System.Void*)", compilation)!;

        Assert.Equal("mine", provider.GetMethod(alloc).Return.Family);
        Assert.Equal(ContractKind.Releases, provider.GetMethod(free).Parameter(0).Kind);
        Assert.Equal("native", provider.GetMethod(free).Parameter(0).Family);
    }

    [Theory]
    [InlineData("M:System.Runtime.InteropServices.NativeMemory.Alloc(System.UIntPtr)", ContractKind.Owned, "native")]
    [InlineData("M:System.Runtime.InteropServices.NativeMemory.AlignedAlloc(System.UIntPtr,System.UIntPtr)", ContractKind.Owned, "native-aligned")]
    [InlineData("M:System.Runtime.InteropServices.Marshal.AllocHGlobal(System.Int32)", ContractKind.Owned, "hglobal")]
    [InlineData("M:System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8(System.String)", ContractKind.Owned, "cotaskmem")]
    [InlineData("M:System.Runtime.InteropServices.GCHandle.Alloc(System.Object)", ContractKind.Owned, "gchandle")]
    [InlineData("M:System.Buffers.ArrayPool`1.Rent(System.Int32)", ContractKind.Owned, "pool")]
    [InlineData("M:System.Buffers.MemoryPool`1.Rent(System.Int32)", ContractKind.Owned, null)]
    [InlineData("M:System.Runtime.InteropServices.CollectionsMarshal.AsSpan``1(System.Collections.Generic.List{``0})", ContractKind.Borrowed, null)]
    public void Catalog_declares_the_returns_of_DESIGN(string id, ContractKind kind, string? family)
    {
        var compilation = CSharpCompilation.Create("Catalog", references: RuntimeReferences());
        var provider = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default);
        var method = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation)!;
        var contract = provider.GetMethod(method);
        Assert.Equal(kind, contract.Return.Kind);
        Assert.Equal(family, contract.Return.Family);
    }

    [Theory]
    [InlineData("M:System.Runtime.InteropServices.NativeMemory.Free(System.Void*)", "native")]
    [InlineData("M:System.Runtime.InteropServices.NativeMemory.AlignedFree(System.Void*)", "native-aligned")]
    [InlineData("M:System.Runtime.InteropServices.Marshal.FreeHGlobal(System.IntPtr)", "hglobal")]
    [InlineData("M:System.Runtime.InteropServices.Marshal.FreeCoTaskMem(System.IntPtr)", "cotaskmem")]
    [InlineData("M:System.Buffers.ArrayPool`1.Return(`0[],System.Boolean)", "pool")]
    public void Catalog_declares_the_deallocators_of_DESIGN(string id, string family)
    {
        var compilation = CSharpCompilation.Create("Catalog", references: RuntimeReferences());
        var provider = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default);
        var method = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId(id, compilation)!;
        var contract = provider.GetMethod(method).Parameter(0);
        Assert.Equal(ContractKind.Releases, contract.Kind);
        Assert.Equal(family, contract.Family);
    }

    [Fact]
    public Task A_contract_file_makes_an_unannotated_library_checked()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void Leaks()
                {
                    byte* b = {|OWN003:NativeLib.open_buffer(16)|};
                    b[0] = 1;
                }

                void UseAfterClose()
                {
                    byte* b = NativeLib.open_buffer(16);
                    NativeLib.close_buffer(b);
                    {|OWN001:b|}[0] = 1;
                }

                void WrongFamily()
                {
                    byte* b = NativeLib.open_buffer(16);
                    {|OWN010:NativeMemory.AlignedFree(b)|};
                }

                void Fine()
                {
                    byte* b = NativeLib.open_buffer(16);
                    NativeLib.close_buffer(b);
                }
                """),
            AdditionalFiles = { ("native.ownership.txt", NativeLibContracts) },
            AdditionalReferences = { NativeLib },
        });
    }

    [Fact]
    public Task Without_the_contract_file_the_library_is_unchecked()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void Leaks()
                {
                    byte* b = NativeLib.open_buffer(16);
                    b[0] = 1;
                }
                """),
            AdditionalReferences = { NativeLib },
        });
    }

    [Fact]
    public Task Files_not_ending_in_ownership_txt_are_ignored()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { byte* b = NativeLib.open_buffer(16); }"),
            AdditionalFiles = { ("native.txt", NativeLibContracts) },
            AdditionalReferences = { NativeLib },
        });
    }

    [Fact]
    public Task Attributes_win_over_contract_files()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { byte* b = Api.Create(8); Api.Destroy(b); }"),
            AdditionalFiles = { ("api.ownership.txt", "M:Api.Destroy(System.Byte*) block=borrowed") },
        });
    }

    [Fact]
    public Task A_users_implementation_of_an_annotated_interface_keeps_its_contracts()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
            void M(MyAllocator allocator)
            {
                void* p = allocator.Allocate(64);
                allocator.Free(p);
                {|OWN002:allocator.Free(p)|};
                void* q = {|OWN003:allocator.Allocate(8)|};
            }
            """, """
            public sealed unsafe class MyAllocator : IAllocator
            {
                public void* Allocate(nuint byteCount, nuint alignment = 16) => NativeMemory.AlignedAlloc(byteCount, alignment);
                public void Free(void* pointer) => NativeMemory.AlignedFree(pointer);
                public void* Reallocate(void* pointer, nuint byteCount) => NativeMemory.AlignedRealloc(pointer, byteCount, 16);
            }

            """));
    }

    [Theory]
    [InlineData("NativeLib.open_buffer return=owned", "is not a documentation-comment ID")]
    [InlineData("M:NativeLib.open_buffer(System.Int32)", "has no contract")]
    [InlineData("M:NativeLib.open_buffer(System.Int32) return", "is not a key=value pair")]
    [InlineData("M:NativeLib.open_buffer(System.Int32) return=leased", "'leased' in 'return=leased' is not a contract kind")]
    [InlineData("M:NativeLib.open_buffer(System.Int32) return=owned return=owned", "'return' is given twice")]
    [InlineData("M:NativeLib.open_buffer(System.Int32) return=releases", "a return is owned or borrowed")]
    [InlineData("M:NativeLib.open_buffer(System.Int32) return=owned:", "empty detail")]
    [InlineData("M:NativeLib.close_buffer(System.Byte*) buffer=invalidates:x", "takes no detail")]
    [InlineData("M:NativeLib.close_buffer(System.Byte*) buf=releases", "'buf' is not a parameter of 'M:NativeLib.close_buffer(System.Byte*)'; its parameters are: buffer")]
    [InlineData("M:NativeLib.close_buffer(System.Byte*) this=releases", "'this=' on the static method")]
    [InlineData("M:NativeLib.close(System.Byte*) buffer=releases", "names no member of its type")]
    [InlineData("T:NativeLib return=owned", "does not fit a type, field or property")]
    public Task A_malformed_line_is_OWN012_at_its_line(string line, string message)
    {
        return AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { }"),
            AdditionalReferences = { NativeLib },
            AdditionalFiles = { ("lib.ownership.txt", "# first line is a comment\n\n{|#0:" + line + "|}\nM:NativeLib.open_buffer(System.Int32) return=owned # a trailing comment\n") },
            ExpectedDiagnostics =
            {
                AnalyzerVerifier<AnnotationAnalyzer>.Diagnostic("OWN012").WithLocation(0).WithMessageContaining(message),
            },
        });
    }

    [Fact]
    public Task The_message_starts_with_the_file_and_line()
    {
        return AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { }"),
            AdditionalFiles = { ("lib.ownership.txt", "\n{|#0:M:Api.Create(System.Int32) return=kept|}\n") },
            ExpectedDiagnostics =
            {
                AnalyzerVerifier<AnnotationAnalyzer>.Diagnostic("OWN012").WithLocation(0)
                    .WithMessage("lib.ownership.txt(2): 'kept' in 'return=kept' is not a contract kind; use owned, borrowed, transfers, releases or invalidates"),
            },
        });
    }

    [Fact]
    public Task A_member_of_an_assembly_that_is_not_referenced_is_not_an_error()
    {
        return AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { }"),
            AdditionalFiles = { ("lib.ownership.txt", "M:Other.Library.Open(System.Int32) return=owned\n") },
        });
    }

    [Fact]
    public void Parser_keeps_ctor_ids_and_strips_comments()
    {
        var lines = new List<ContractLine>();
        var errors = new List<ContractError>();
        ContractFile.Parse("x.ownership.txt", SourceText.From("M:System.Span`1.#ctor(System.Void*,System.Int32)  pointer=borrowed  # views\n#whole line\n"), lines, errors);
        Assert.Empty(errors);
        var line = Assert.Single(lines);
        Assert.Equal("M:System.Span`1.#ctor(System.Void*,System.Int32)", line.MemberId);
        Assert.Equal("pointer", Assert.Single(line.Entries).Key);
        Assert.Equal(ContractKind.Borrowed, line.Entries[0].Value.Kind);
    }

    [Fact]
    public void Analyzers_of_one_compilation_share_one_provider()
    {
        var compilation = CSharpCompilation.Create("Shared", references: TestCompilation.References);
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);
        var first = ContractProvider.For(compilation, options, default);

        Assert.Same(first, ContractProvider.For(compilation, options, default));
        Assert.Same(first, ContractProvider.For(compilation, new AnalyzerOptions(options.AdditionalFiles, options.AnalyzerConfigOptionsProvider), default));
        Assert.NotSame(first, ContractProvider.For(compilation.Clone(), options, default));

        // Other contract files give other answers: never the shared provider.
        var withFile = new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(new ContractFileText("lib.ownership.txt", NativeLibContracts)));
        Assert.NotSame(first, ContractProvider.For(compilation, withFile, default));
    }

    [Theory]
    [InlineData("using Ownership;", "")]
    [InlineData("using Ownership;", "namespace Ownership { public sealed class OwnedAttribute : System.Attribute { } }")]
    [InlineData("using JetBrains.Annotations;", "namespace JetBrains.Annotations { public sealed class MustDisposeResourceAttribute : System.Attribute { } }")]
    public void Attributes_are_read_from_a_compiled_library(string usings, string ownCopy)
    {
        // The library references Ownership.Annotations (first case) or declares its own copy of the attribute and nothing
        // else (the others): either way its compiled members keep their contracts.
        var attribute = usings.Contains("JetBrains", StringComparison.Ordinal) ? "MustDisposeResource" : "return: Owned";
        var references = ownCopy.Length == 0 ? TestCompilation.References : RuntimeReferences().ToImmutableArray();
        var library = Emit("AnnotatedLib", $"{usings} public static class Lib {{ [{attribute}] public static System.IO.Stream Open() => System.IO.Stream.Null; }} {ownCopy}", references);
        var compilation = CSharpCompilation.Create("User", references: TestCompilation.References.Add(library));
        var open = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId("M:Lib.Open", compilation)!;

        var contract = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default).GetMethod(open);

        Assert.Equal(ContractKind.Owned, contract.Return.Kind);
    }

    [Fact]
    public void An_override_in_a_library_that_does_not_reference_the_attributes_keeps_its_contract()
    {
        // The base library is annotated; the derived one references only the base library and the runtime.
        var annotated = Emit("AnnotatedBase", "using Ownership; public abstract class Pool { [return: Owned] public abstract System.IO.Stream Open(); }", TestCompilation.References);
        var derived = Emit("PlainDerived", "public sealed class FilePool : Pool { public override System.IO.Stream Open() => System.IO.Stream.Null; }", RuntimeReferences().Append(annotated));
        var compilation = CSharpCompilation.Create("User", references: TestCompilation.References.Add(annotated).Add(derived));
        var open = (IMethodSymbol)DocumentationCommentId.GetFirstSymbolForDeclarationId("M:FilePool.Open", compilation)!;

        var contract = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), default).GetMethod(open);

        Assert.Equal(ContractKind.Owned, contract.Return.Kind);
    }

    private static MetadataReference Emit(string name, string source, IEnumerable<MetadataReference> references)
    {
        var image = new MemoryStream();
        var emitted = CSharpCompilation.Create(name, new[] { CSharpSyntaxTree.ParseText(source) }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)).Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static IEnumerable<MetadataReference> RuntimeReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths.Select(path => MetadataReference.CreateFromFile(path));
    }

    private sealed class ContractFileText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
