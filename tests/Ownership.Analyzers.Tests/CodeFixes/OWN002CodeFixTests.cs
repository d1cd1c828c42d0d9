using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN002RemoveSecondReleaseCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN002CodeFixTests
{
    [Fact]
    public Task Removes_the_second_free() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.Alloc(16);
                    NativeMemory.Free(p);
                    {|OWN002:NativeMemory.Free(p)|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.Alloc(16);
                    NativeMemory.Free(p);
                }
                """));

    [Fact]
    public Task Removes_the_release_through_the_original_after_the_alias() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    byte* q = p;
                    Api.Destroy(q);
                    {|OWN002:Api.Destroy(p)|};
                    Console.WriteLine();
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    byte* q = p;
                    Api.Destroy(q);
                    Console.WriteLine();
                }
                """));

    [Fact]
    public Task Second_return_inside_a_branch_becomes_an_empty_block() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(bool again)
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
                    ArrayPool<byte>.Shared.Return(buffer);
                    if (again) {|OWN002:ArrayPool<byte>.Shared.Return(buffer)|};
                }
                """),
            FixTestCode.Members("""
                void M(bool again)
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
                    ArrayPool<byte>.Shared.Return(buffer);
                    if (again) { }
                }
                """));

    [Fact]
    public Task Second_release_in_a_nested_block() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(bool again)
                {
                    byte* p = Api.Create(8);
                    Api.Destroy(p);
                    if (again)
                    {
                        Console.WriteLine();
                        {|OWN002:Api.Destroy(p)|};
                    }
                }
                """),
            FixTestCode.Members("""
                void M(bool again)
                {
                    byte* p = Api.Create(8);
                    Api.Destroy(p);
                    if (again)
                    {
                        Console.WriteLine();
                    }
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN002:", "|}")), FixTestCode.Members(TwoFixed));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN002:", "|}")), Other("{|OWN002:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN002:", "|}")), Other("{|OWN002:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN002:", "|}") },
            FixAllScope.Document);

    public static TheoryData<string> Unsafe => new()
    {
        // The first release runs on one branch only: without the second, the other branch leaks.
        """
        void M(bool failed)
        {
            byte* p = Api.Create(8);
            if (failed)
            {
                Api.Destroy(p);
            }

            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Returned in the body and again in finally: the finally one is the one that runs on every path.
        """
        void M(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            try
            {
                stream.Write(buffer, 0, 32);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            finally
            {
                {|OWN002:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // Freed in a loop: the first and the second release are the same call.
        """
        void M(int n)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            for (int i = 0; i < n; i++)
            {
                {|OWN002:Api.Destroy(p)|};
            }
        }
        """,
        // Part of a larger expression.
        """
        bool M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            return {|OWN002:Free(p)|};
        }
        bool Free([Releases("native")] byte* p) { Api.Destroy(p); return true; }
        """,
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public Task No_fix_where_it_would_be_unsafe(string members) => Verify.VerifyNoFixAsync(FixTestCode.Members(members));

    private static string Two(string open, string close) => $$"""
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            {{open}}Api.Destroy(p){{close}};
        }

        void N()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
            {{open}}ArrayPool<byte>.Shared.Return(buffer){{close}};
        }
        """;

    private const string TwoFixed = """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
        }

        void N()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        """;

    private static string Other(string open, string close) => $$"""
        unsafe class D
        {
            void M()
            {
                byte* p = Api.Create(8);
                Api.Destroy(p);
                {{open}}Api.Destroy(p){{close}};
            }
        }
        """;

    private const string OtherFixed = """
        unsafe class D
        {
            void M()
            {
                byte* p = Api.Create(8);
                Api.Destroy(p);
            }
        }
        """;
}
