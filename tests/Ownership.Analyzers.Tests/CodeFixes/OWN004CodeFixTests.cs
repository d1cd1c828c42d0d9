using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN004ReleaseBeforeOverwriteCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN004CodeFixTests
{
    [Fact]
    public Task Releases_a_local_before_the_second_allocation() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    // grow
                    {|OWN004:p = Api.Create(16)|};
                    Api.Destroy(p);
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    // grow
                    Api.Destroy(p);
                    p = Api.Create(16);
                    Api.Destroy(p);
                }
                """));

    [Fact]
    public Task Releases_a_value_from_an_out_argument_with_the_acquiring_types_deallocator() =>
        // The fix finds the deallocator from the acquiring call (Api.TryCreate: Api.Destroy), not from the family alone
        // (native: the catalog's NativeMemory.Free).
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    if (Api.TryCreate(8, out byte* p))
                    {
                        {|OWN004:p = Api.Create(16)|};
                        Api.Destroy(p);
                    }
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    if (Api.TryCreate(8, out byte* p))
                    {
                        Api.Destroy(p);
                        p = Api.Create(16);
                        Api.Destroy(p);
                    }
                }
                """));

    [Fact]
    public Task Releases_before_overwriting_with_null() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    p[0] = 1;
                    {|OWN004:p = null|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    p[0] = 1;
                    Api.Destroy(p);
                    p = null;
                }
                """));

    [Fact]
    public Task Releases_a_field() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                byte* buffer;
                void Init()
                {
                    buffer = Api.Create(8);
                    {|OWN004:buffer = Api.Create(16)|};
                }
                """),
            FixTestCode.Members("""
                byte* buffer;
                void Init()
                {
                    buffer = Api.Create(8);
                    Api.Destroy(buffer);
                    buffer = Api.Create(16);
                }
                """));

    [Fact]
    public Task Frees_hglobal_with_its_own_deallocator() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(8);
                    {|OWN004:h = Marshal.AllocHGlobal(16)|};
                    Marshal.FreeHGlobal(h);
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(8);
                    Marshal.FreeHGlobal(h);
                    h = Marshal.AllocHGlobal(16);
                    Marshal.FreeHGlobal(h);
                }
                """));

    [Fact]
    public Task Returns_a_pooled_array_and_disposes_a_handle() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
                    {|OWN004:buffer = ArrayPool<byte>.Shared.Rent(32)|};
                    ArrayPool<byte>.Shared.Return(buffer);
                    Handle h = Api.Open();
                    {|OWN004:h = Api.Open()|};
                    h.Dispose();
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(32);
                    ArrayPool<byte>.Shared.Return(buffer);
                    Handle h = Api.Open();
                    h.Dispose();
                    h = Api.Open();
                    h.Dispose();
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN004:", "|}")), FixTestCode.Members(TwoFixed));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN004:", "|}")), Other("{|OWN004:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN004:", "|}")), Other("{|OWN004:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN004:", "|}") },
            FixAllScope.Document);

    public static TheoryData<string> Unsafe => new()
    {
        // Not a statement of a block: the release has nowhere to go without braces.
        """
        void M(bool again)
        {
            byte* p = Api.Create(8);
            if (again) {|OWN004:p = Api.Create(16)|};
            Api.Destroy(p);
        }
        """,
        // An assignment inside an expression.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy({|OWN004:p = Api.Create(16)|});
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
            {{open}}p = Api.Create(16){{close}};
            Api.Destroy(p);
        }

        void N()
        {
            byte* q = Api.Create(8);
            {{open}}q = Api.Create(16){{close}};
            Api.Destroy(q);
        }
        """;

    private const string TwoFixed = """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = Api.Create(16);
            Api.Destroy(p);
        }

        void N()
        {
            byte* q = Api.Create(8);
            Api.Destroy(q);
            q = Api.Create(16);
            Api.Destroy(q);
        }
        """;

    private static string Other(string open, string close) => $$"""
        unsafe class D
        {
            void M()
            {
                byte* p = Api.Create(8);
                {{open}}p = Api.Create(16){{close}};
                Api.Destroy(p);
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
                p = Api.Create(16);
                Api.Destroy(p);
            }
        }
        """;
}
