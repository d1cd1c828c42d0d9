using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN009ResetFieldCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN009CodeFixTests
{
    [Fact]
    public Task Resets_an_auto_property_to_default() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                public IntPtr Handle { get; private set; } = Marshal.AllocHGlobal(8);

                public void Close()
                {
                    {|OWN009:Marshal.FreeHGlobal(Handle)|};
                }
                """),
            FixTestCode.Members("""
                public IntPtr Handle { get; private set; } = Marshal.AllocHGlobal(8);

                public void Close()
                {
                    Marshal.FreeHGlobal(Handle);
                    Handle = default;
                }
                """));

    [Fact]
    public Task No_fix_for_a_get_only_auto_property() =>
        Verify.VerifyNoFixAsync(FixTestCode.Members("""
            public IntPtr Handle { get; } = Marshal.AllocHGlobal(8);

            public void Close()
            {
                {|OWN009:Marshal.FreeHGlobal(Handle)|};
            }
            """));

    [Fact]
    public Task Resets_a_pointer_field_to_null() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                [Owned("native")] private byte* _vectors = Api.Create(8);
                private int _count;

                public void Clear()
                {
                    {|OWN009:Api.Destroy(_vectors)|};
                    _count = 0;
                }
                """),
            FixTestCode.Members("""
                [Owned("native")] private byte* _vectors = Api.Create(8);
                private int _count;

                public void Clear()
                {
                    Api.Destroy(_vectors);
                    _vectors = null;
                    _count = 0;
                }
                """));

    [Fact]
    public Task Resets_a_handle_to_default_through_this_when_a_parameter_hides_it() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                [Owned("hglobal")] private IntPtr block = Marshal.AllocHGlobal(8);

                public void Clear(int block)
                {
                    {|OWN009:Marshal.FreeHGlobal(this.block)|};
                }
                """),
            FixTestCode.Members("""
                [Owned("hglobal")] private IntPtr block = Marshal.AllocHGlobal(8);

                public void Clear(int block)
                {
                    Marshal.FreeHGlobal(this.block);
                    this.block = default;
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN009:", "|}")), FixTestCode.Members(TwoFixed));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN009:", "|}")), Other("{|OWN009:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN009:", "|}")), Other("{|OWN009:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN009:", "|}") },
            FixAllScope.Document);

    [Fact]
    public Task No_fix_for_an_expression_bodied_release() =>
        Verify.VerifyNoFixAsync(FixTestCode.Members("""
            [Owned("native")] private byte* _block = Api.Create(8);

            public void Clear() => {|OWN009:Api.Destroy(_block)|};
            """));

    private static string Two(string open, string close) => $$"""
        [Owned("native")] private byte* _a = Api.Create(8);
        [Owned("native")] private byte* _b = Api.Create(8);

        public void ClearA()
        {
            {{open}}Api.Destroy(_a){{close}};
        }

        public void ClearB()
        {
            {{open}}Api.Destroy(_b){{close}};
        }
        """;

    private const string TwoFixed = """
        [Owned("native")] private byte* _a = Api.Create(8);
        [Owned("native")] private byte* _b = Api.Create(8);

        public void ClearA()
        {
            Api.Destroy(_a);
            _a = null;
        }

        public void ClearB()
        {
            Api.Destroy(_b);
            _b = null;
        }
        """;

    private static string Other(string open, string close) => $$"""
        using Ownership;

        unsafe class D
        {
            [Owned("native")] private byte* _c = Api.Create(8);

            public void Clear()
            {
                {{open}}Api.Destroy(_c){{close}};
            }
        }
        """;

    private const string OtherFixed = """
        using Ownership;

        unsafe class D
        {
            [Owned("native")] private byte* _c = Api.Create(8);

            public void Clear()
            {
                Api.Destroy(_c);
                _c = null;
            }
        }
        """;
}
