using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Ownership.Analyzers.Tests.Rules;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.TypeAnalyzer, Ownership.CodeFixes.OWN008AddFieldReleaseCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN008CodeFixTests
{
    [Fact]
    public Task Adds_the_missing_free_to_dispose() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed unsafe class Map : IDisposable
            {
                [Owned("native")] private byte* _rooms = Api.Create(8);
                [Owned("native")] private byte* _features = Api.Create(8);

                public void {|OWN008:Dispose|}()
                {
                    Api.Destroy(_rooms);
                    _rooms = null;
                }
            }
            """,
            TestCode.Prelude + """
            public sealed unsafe class Map : IDisposable
            {
                [Owned("native")] private byte* _rooms = Api.Create(8);
                [Owned("native")] private byte* _features = Api.Create(8);

                public void Dispose()
                {
                    Api.Destroy(_rooms);
                    _rooms = null;
                    NativeMemory.Free(_features);
                    _features = null;
                }
            }
            """);

    [Fact]
    public Task Releases_an_owned_auto_property_through_the_property() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed class Connection : IDisposable
            {
                [field: Owned("hglobal")] public IntPtr Buffer { get; private set; } = Marshal.AllocHGlobal(64);

                public void {|OWN008:Dispose|}()
                {
                }
            }
            """,
            TestCode.Prelude + """
            public sealed class Connection : IDisposable
            {
                [field: Owned("hglobal")] public IntPtr Buffer { get; private set; } = Marshal.AllocHGlobal(64);

                public void Dispose()
                {
                    Marshal.FreeHGlobal(Buffer);
                    Buffer = default;
                }
            }
            """);

    [Fact]
    public Task Implements_IDisposable_when_there_is_no_release_method() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed unsafe class {|OWN008:{|OWN008:Holder|}|}
            {
                [Owned("native")] private byte* _block = Api.Create(8);
                private Handle _handle = Api.Open();
            }
            """,
            TestCode.Prelude + """
            public sealed unsafe class Holder : IDisposable
            {
                [Owned("native")] private byte* _block = Api.Create(8);
                private Handle _handle = Api.Open();

                public void Dispose()
                {
                    NativeMemory.Free(_block);
                    _block = null;
                    _handle.Dispose();
                }
            }
            """);

    [Fact]
    public Task Implementing_IDisposable_releases_every_field_at_once() =>
        Verify.VerifyOneFixAsync(
            TestCode.Prelude + """
            public sealed unsafe class {|OWN008:{|OWN008:{|OWN008:Holder|}|}|}
            {
                [Owned("native")] private byte* _block = Api.Create(8);
                private readonly Handle _handle = Api.Open();
                [Owned] private Handle Current { get; } = Api.Open();
            }
            """,
            TestCode.Prelude + """
            public sealed unsafe class Holder : IDisposable
            {
                [Owned("native")] private byte* _block = Api.Create(8);
                private readonly Handle _handle = Api.Open();
                [Owned] private Handle Current { get; } = Api.Open();

                public void Dispose()
                {
                    Current.Dispose();
                    NativeMemory.Free(_block);
                    _block = null;
                    _handle.Dispose();
                }
            }
            """,
            "Implement IDisposable and release 'Current', '_block', '_handle' in Dispose");

    [Fact]
    public Task The_title_names_only_the_fields_the_new_Dispose_releases() =>
        Verify.VerifyOneFixAsync(
            TestCode.Prelude + """
            public sealed unsafe class {|OWN008:{|OWN008:Holder|}|}
            {
                [Owned("native")] private readonly byte* _fixed = Api.Create(8);
                private Handle _handle = Api.Open();
            }
            """,
            TestCode.Prelude + """
            public sealed unsafe class Holder : IDisposable
            {
                [Owned("native")] private readonly byte* _fixed = Api.Create(8);
                private Handle _handle = Api.Open();

                public void {|OWN008:Dispose|}()
                {
                    _handle.Dispose();
                }
            }
            """,
            "Implement IDisposable and release '_handle' in Dispose");

    [Fact]
    public Task Adds_the_release_to_an_explicit_Dispose() =>
        Verify.VerifyOneFixAsync(
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Handle _handle = Api.Open();

                void IDisposable.{|OWN008:Dispose|}()
                {
                }
            }
            """,
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Handle _handle = Api.Open();

                void IDisposable.Dispose()
                {
                    _handle.Dispose();
                }
            }
            """,
            "Release '_handle' in 'IDisposable.Dispose'");

    [Fact]
    public Task Returns_a_rented_field_to_the_pool_it_came_from() =>
        // Azure Storage's StructuredMessageDecodingStream: the field is owned by what is stored in it, not by an attribute.
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed class Decoder : IDisposable
            {
                private byte[] _metadata = ArrayPool<byte>.Shared.Rent(1024);
                private IntPtr _native;

                public Decoder() => _native = Marshal.AllocHGlobal(64);

                public void {|OWN008:{|OWN008:Dispose|}|}()
                {
                }
            }
            """,
            TestCode.Prelude + """
            public sealed class Decoder : IDisposable
            {
                private byte[] _metadata = ArrayPool<byte>.Shared.Rent(1024);
                private IntPtr _native;

                public Decoder() => _native = Marshal.AllocHGlobal(64);

                public void Dispose()
                {
                    ArrayPool<byte>.Shared.Return(_metadata);
                    _metadata = null;
                    Marshal.FreeHGlobal(_native);
                    _native = default;
                }
            }
            """);

    [Fact]
    public Task Releases_a_readonly_disposable_field() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private readonly Handle _handle = Api.Open();

                public void {|OWN008:Dispose|}()
                {
                }
            }
            """,
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private readonly Handle _handle = Api.Open();

                public void Dispose()
                {
                    _handle.Dispose();
                }
            }
            """);

    [Fact]
    public Task Releases_a_nullable_disposable_field_with_a_conditional_call() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Handle? _handle = Api.Open();

                public void {|OWN008:Dispose|}()
                {
                }
            }
            """,
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Handle? _handle = Api.Open();

                public void Dispose()
                {
                    _handle?.Dispose();
                }
            }
            """);

    [Fact]
    public Task Calls_an_explicit_Dispose_through_IDisposable() =>
        Verify.VerifyCodeFixAsync(
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Quiet _q = new Quiet();

                public void {|OWN008:Dispose|}()
                {
                }
            }
            [Owned]
            public sealed class Quiet : IDisposable
            {
                void IDisposable.Dispose() { }
            }
            """,
            TestCode.Prelude + """
            public sealed class Session : IDisposable
            {
                private Quiet _q = new Quiet();

                public void Dispose()
                {
                    ((IDisposable)_q).Dispose();
                }
            }
            [Owned]
            public sealed class Quiet : IDisposable
            {
                void IDisposable.Dispose() { }
            }
            """);

    [Fact]
    public Task No_second_IDisposable_for_a_type_whose_base_is_disposable() =>
        Verify.VerifyNoFixAsync(TestCode.Prelude + """
            public class Resource : IDisposable
            {
                public void Dispose() => Dispose(true);
                protected virtual void Dispose(bool disposing) { }
            }

            public sealed unsafe class {|OWN008:Block|} : Resource
            {
                [Owned("native")] private byte* _data = Api.Create(8);
            }
            """);

    [Fact]
    public Task No_fix_for_a_readonly_pointer_that_could_not_be_reset() =>
        Verify.VerifyNoFixAsync(TestCode.Prelude + """
            public sealed unsafe class Block : IDisposable
            {
                [Owned("native")] private readonly byte* _data = Api.Create(8);

                public void {|OWN008:Dispose|}()
                {
                }
            }
            """);

    [Fact]
    public Task Fix_all_adds_every_missing_release_in_one_method() =>
        Verify.VerifyFixAllAsync(Two(true), Two(false));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(new[] { Two(true), Other(true) }, new[] { Two(false), Other(false) }, scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(new[] { Two(true), Other(true) }, new[] { Two(false), Other(true) }, FixAllScope.Document);

    [Fact]
    public Task No_fix_for_an_expression_bodied_release_method() =>
        Verify.VerifyNoFixAsync(TestCode.Prelude + """
            public sealed unsafe class Pair : IDisposable
            {
                [Owned("native")] private byte* _a = Api.Create(8);
                [Owned("native")] private byte* _b = Api.Create(8);

                public void {|OWN008:Dispose|}() => Api.Destroy(_a);
            }
            """);

    private static string Two(bool flagged) => TestCode.Prelude + (flagged
        ? """
          public sealed unsafe class Pair : IDisposable
          {
              [Owned("native")] private byte* _a = Api.Create(8);
              [Owned("native")] private byte* _b = Api.Create(8);

              public void {|OWN008:{|OWN008:Dispose|}|}()
              {
              }
          }
          """
        : """
          public sealed unsafe class Pair : IDisposable
          {
              [Owned("native")] private byte* _a = Api.Create(8);
              [Owned("native")] private byte* _b = Api.Create(8);

              public void Dispose()
              {
                  NativeMemory.Free(_a);
                  _a = null;
                  NativeMemory.Free(_b);
                  _b = null;
              }
          }
          """);

    private static string Other(bool flagged) => flagged
        ? """
          using Ownership;

          unsafe class {|OWN008:D|}
          {
              [Owned("native")] private byte* _c = Api.Create(8);
          }
          """
        : """
          using System;
          using Ownership;

          unsafe class D : IDisposable
          {
              [Owned("native")] private byte* _c = Api.Create(8);

              public void Dispose()
              {
                  System.Runtime.InteropServices.NativeMemory.Free(_c);
                  _c = null;
              }
          }
          """;
}
