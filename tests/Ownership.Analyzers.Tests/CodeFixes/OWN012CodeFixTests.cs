using System.Threading.Tasks;
using Ownership.Analyzers.Tests.Rules;
using Ownership.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.AnnotationAnalyzer, Ownership.CodeFixes.OWN012RemoveAttributeCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN012CodeFixTests
{
    [Fact]
    public Task Removes_an_attribute_on_a_parameter_that_cannot_hold_a_resource() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("void M([{|OWN012:Transfers|}] int count) { }"),
            FixTestCode.Members("void M(int count) { }"));

    [Fact]
    public Task Removes_a_release_attribute_the_method_never_honours() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("void M([{|OWN012:Releases|}] byte* block) { block[0] = 0; }"),
            FixTestCode.Members("void M(byte* block) { block[0] = 0; }"));

    [Fact]
    public Task Removes_an_attribute_on_its_own_line_and_keeps_the_documentation_and_the_body() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                /// <summary>The count.</summary>
                [{|OWN012:Owned|}]
                int count;

                /// <summary>Does it.</summary>
                [{|OWN012:Releases|}]
                static void M()
                {
                    int  spaced  =  1;
                }
                """),
            FixTestCode.Members("""
                /// <summary>The count.</summary>
                int count;

                /// <summary>Does it.</summary>
                static void M()
                {
                    int  spaced  =  1;
                }
                """),
            OWN012RemoveAttributeCodeFix.Key);

    [Fact]
    public Task Contradiction_removes_the_borrowed_attribute_from_a_shared_list() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("[return: Owned, {|OWN012:Borrowed|}] byte* M() => null;"),
            FixTestCode.Members("[return: Owned] byte* M() => null;"),
            OWN012RemoveAttributeCodeFix.Key);

    [Fact]
    public Task Contradiction_can_remove_the_owned_attribute_instead() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("[return: Owned, {|OWN012:Borrowed|}] byte* M() => null;"),
            FixTestCode.Members("[return: Borrowed] byte* M() => null;"),
            OWN012RemoveAttributeCodeFix.OtherKey);

    [Fact]
    public Task Contradiction_in_separate_lists_on_an_out_parameter() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("void M([Owned] [{|OWN012:Borrowed|}] out byte* p) { p = null; }"),
            FixTestCode.Members("void M([Owned] out byte* p) { p = null; }"),
            OWN012RemoveAttributeCodeFix.Key);

    [Fact]
    public Task No_fix_for_an_owned_type_nothing_can_release() =>
        Verify.VerifyNoFixAsync(TestCode.Prelude + """
            [{|OWN012:Owned|}] public sealed class Token { }
            """);

    [Fact]
    public Task No_fix_for_a_borrow_source_that_names_no_parameter() =>
        Verify.VerifyNoFixAsync(FixTestCode.Members("""[return: {|OWN012:Borrowed("source")|}] byte* M(byte* buffer) => buffer;"""));
}
