using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN011AddOwnedReturnCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN011CodeFixTests
{
    [Fact]
    public Task Adds_return_owned() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                public byte* Make()
                {
                    byte* p = Api.Create(8);
                    return {|OWN011:p|};
                }
                """),
            FixTestCode.Members("""
                [return: Owned]
                public byte* Make()
                {
                    byte* p = Api.Create(8);
                    return p;
                }
                """));

    [Fact]
    public Task Adds_a_list_of_its_own_next_to_other_attributes() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                // Makes a block.
                [Obsolete]
                public static byte* Make() => {|OWN011:Api.Create(8)|};
                """),
            FixTestCode.Members("""
                // Makes a block.
                [return: Owned]
                [Obsolete]
                public static byte* Make() => Api.Create(8);
                """));

    [Fact]
    public Task Two_returns_get_one_attribute() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                byte* Make(bool small)
                {
                    if (small) return {|OWN011:Api.Create(1)|};
                    return {|OWN011:Api.Create(8)|};
                }
                """),
            FixTestCode.Members("""
                [return: Owned]
                byte* Make(bool small)
                {
                    if (small) return Api.Create(1);
                    return Api.Create(8);
                }
                """));

    [Fact]
    public Task Adds_the_using_when_it_is_missing() =>
        Verify.VerifyCodeFixAsync(
            """
            using System.Runtime.InteropServices;

            static unsafe class Buffers
            {
                public static void* Make() => {|OWN011:NativeMemory.Alloc(8)|};
            }
            """,
            """
            using System.Runtime.InteropServices;
            using Ownership;

            static unsafe class Buffers
            {
                [return: Owned]
                public static void* Make() => NativeMemory.Alloc(8);
            }
            """);

    [Fact]
    public Task Keeps_the_file_s_tabs() =>
        Verify.VerifyCodeFixAsync(
            "using System.Runtime.InteropServices;\nusing Ownership;\n\nstatic unsafe class Buffers\n{\n\tpublic static void* Make() => {|OWN011:NativeMemory.Alloc(8)|};\n}\n",
            "using System.Runtime.InteropServices;\nusing Ownership;\n\nstatic unsafe class Buffers\n{\n\t[return: Owned]\n\tpublic static void* Make() => NativeMemory.Alloc(8);\n}\n");

    [Fact]
    public Task Local_function() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Make();
                    Api.Destroy(p);

                    static byte* Make() => {|OWN011:Api.Create(8)|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Make();
                    Api.Destroy(p);

                    [return: Owned]
                    static byte* Make() => Api.Create(8);
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN011:", "|}")), FixTestCode.Members(TwoFixed));

    [Fact]
    public Task Fix_all_annotates_every_method_of_a_file_without_the_using() =>
        // Each fix alone adds `using Ownership;` at one place; merged one by one, all but two were dropped (Polly).
        Verify.VerifyFixAllAsync(
            """
            using System;
            using System.Runtime.InteropServices;

            public static class Blocks
            {
                public static IntPtr First() => {|OWN011:Marshal.AllocHGlobal(1)|};

                public static IntPtr Second() => {|OWN011:Marshal.AllocHGlobal(2)|};

                public static IntPtr Third() => {|OWN011:Marshal.AllocHGlobal(3)|};
            }
            """,
            """
            using System;
            using System.Runtime.InteropServices;
            using Ownership;

            public static class Blocks
            {
                [return: Owned]
                public static IntPtr First() => Marshal.AllocHGlobal(1);

                [return: Owned]
                public static IntPtr Second() => Marshal.AllocHGlobal(2);

                [return: Owned]
                public static IntPtr Third() => Marshal.AllocHGlobal(3);
            }
            """);

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN011:", "|}")), Other("{|OWN011:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN011:", "|}")), Other("{|OWN011:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN011:", "|}") },
            FixAllScope.Document);

    [Fact]
    public Task No_fix_in_a_property_getter() =>
        Verify.VerifyNoFixAsync(FixTestCode.Members("""
            byte* Block => {|OWN011:Api.Create(8)|};
            """));

    private static string Two(string open, string close) => $$"""
        byte* First() => {{open}}Api.Create(1){{close}};

        byte* Second(bool small)
        {
            if (small) return {{open}}Api.Create(1){{close}};
            return {{open}}Api.Create(8){{close}};
        }
        """;

    private const string TwoFixed = """
        [return: Owned]
        byte* First() => Api.Create(1);

        [return: Owned]
        byte* Second(bool small)
        {
            if (small) return Api.Create(1);
            return Api.Create(8);
        }
        """;

    private static string Other(string open, string close) => $$"""
        using Ownership;

        unsafe class D
        {
            byte* Make() => {{open}}Api.Create(2){{close}};
        }
        """;

    private const string OtherFixed = """
        using Ownership;

        unsafe class D
        {
            [return: Owned]
            byte* Make() => Api.Create(2);
        }
        """;
}
