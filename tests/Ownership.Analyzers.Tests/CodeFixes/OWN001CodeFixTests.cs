using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN001MoveReleaseCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN001CodeFixTests
{
    [Fact]
    public Task Moves_the_free_after_the_write() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = (byte*)NativeMemory.Alloc(16);
                    NativeMemory.Free(p);
                    {|OWN001:p|}[0] = 1;
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = (byte*)NativeMemory.Alloc(16);
                    p[0] = 1;
                    NativeMemory.Free(p);
                }
                """));

    [Fact]
    public Task Moves_past_every_later_use_and_leaves_the_rest() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                int M(bool twice)
                {
                    int total = 0;
                    byte* p = Api.Create(8);
                    // done with it
                    Api.Destroy(p);
                    Api.Fill({|OWN001:p|}, 8);
                    if (twice)
                    {
                        total += {|OWN001:p|}[0];
                    }

                    total++;
                    return total;
                }
                """),
            FixTestCode.Members("""
                int M(bool twice)
                {
                    int total = 0;
                    byte* p = Api.Create(8);
                    Api.Fill(p, 8);
                    if (twice)
                    {
                        total += p[0];
                    }
                    // done with it
                    Api.Destroy(p);

                    total++;
                    return total;
                }
                """));

    [Fact]
    public Task Moves_a_transfer_after_the_use_through_an_alias() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    byte* q = p;
                    Api.Consume(q);
                    {|OWN001:p|}[1] = 0;
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    byte* q = p;
                    p[1] = 0;
                    Api.Consume(q);
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN001:", "|}")), FixTestCode.Members(TwoFixed));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN001:", "|}")), Other("{|OWN001:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN001:", "|}")), Other("{|OWN001:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN001:", "|}") },
            FixAllScope.Document);

    public static TheoryData<string> Unsafe => new()
    {
        // The use is a return: the release cannot go after it.
        """
        int M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            return *{|OWN001:p|};
        }
        """,
        // An early return between the release and the use would leak.
        """
        void M(bool stop)
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            if (stop) return;
            {|OWN001:p|}[0] = 1;
        }
        """,
        // Released on one branch only: the use is not in the release's block.
        """
        void M(bool done)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (done)
            {
                Api.Destroy(p);
            }

            {|OWN001:p|}[0] = 1;
        }
        """,
        // The release is inside a condition.
        """
        void M(bool done)
        {
            byte* p = Api.Create(8);
            if (Free(p)) {|OWN001:p|}[0] = 1;
        }
        bool Free([Releases("native")] byte* p) { Api.Destroy(p); return true; }
        """,
        // Used in the next iteration of a loop it outlives.
        """
        void M(int n)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            for (int i = 0; i < n; i++)
            {
                {|OWN001:p|}[0] = 1;
                {|OWN002:Api.Destroy(p)|};
            }
        }
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
            {{open}}p{{close}}[0] = 1;
        }

        void N()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
            {{open}}buffer{{close}}[0] = 1;
        }
        """;

    private const string TwoFixed = """
        void M()
        {
            byte* p = Api.Create(8);
            p[0] = 1;
            Api.Destroy(p);
        }

        void N()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            buffer[0] = 1;
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
                {{open}}p{{close}}[0] = 1;
            }
        }
        """;

    private const string OtherFixed = """
        unsafe class D
        {
            void M()
            {
                byte* p = Api.Create(8);
                p[0] = 1;
                Api.Destroy(p);
            }
        }
        """;
}
