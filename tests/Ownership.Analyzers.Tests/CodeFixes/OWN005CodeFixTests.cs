using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN005ReacquireBorrowCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN005CodeFixTests
{
    [Fact]
    public Task Takes_the_span_again_after_add() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                int M(List<int> items, int x)
                {
                    Span<int> span = CollectionsMarshal.AsSpan(items);
                    items.Add(x);
                    return {|OWN005:span|}[0];
                }
                """),
            FixTestCode.Members("""
                int M(List<int> items, int x)
                {
                    Span<int> span = CollectionsMarshal.AsSpan(items);
                    items.Add(x);
                    span = CollectionsMarshal.AsSpan(items);
                    return span[0];
                }
                """));

    [Fact]
    public Task Takes_a_ref_again_after_array_resize() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(int[] values)
                {
                    ref int first = ref values[0];
                    Array.Resize(ref values, values.Length * 2);
                    {|OWN005:first|} = 1;
                }
                """),
            FixTestCode.Members("""
                void M(int[] values)
                {
                    ref int first = ref values[0];
                    Array.Resize(ref values, values.Length * 2);
                    first = ref values[0];
                    first = 1;
                }
                """));

    [Fact]
    public Task Takes_a_dictionary_slot_again() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(Dictionary<string, int> counts)
                {
                    ref int slot = ref CollectionsMarshal.GetValueRefOrNullRef(counts, "a");
                    counts["b"] = 2;
                    {|OWN005:slot|} = 3;
                }
                """),
            FixTestCode.Members("""
                void M(Dictionary<string, int> counts)
                {
                    ref int slot = ref CollectionsMarshal.GetValueRefOrNullRef(counts, "a");
                    counts["b"] = 2;
                    slot = ref CollectionsMarshal.GetValueRefOrNullRef(counts, "a");
                    slot = 3;
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(FixTestCode.Members(Two("{|OWN005:", "|}")), FixTestCode.Members(TwoFixed));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN005:", "|}")), Other("{|OWN005:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), OtherFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(Two("{|OWN005:", "|}")), Other("{|OWN005:", "|}") },
            new[] { FixTestCode.Members(TwoFixed), Other("{|OWN005:", "|}") },
            FixAllScope.Document);

    public static TheoryData<string> Unsafe => new()
    {
        // Taking the slot again would add the key again: the initializer has an effect.
        """
        void M(Dictionary<string, int> counts, string word)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _);
            counts.Add(word + "!", 1);
            {|OWN005:slot|}++;
        }
        """,
        // The invalidating call is the body of an if without braces.
        """
        int M(List<int> items, bool grow)
        {
            var span = CollectionsMarshal.AsSpan(items);
            if (grow) items.Add(1);
            return {|OWN005:span|}[0];
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public Task No_fix_where_it_would_be_unsafe(string members) => Verify.VerifyNoFixAsync(FixTestCode.Members(members));

    private static string Two(string open, string close) => $$"""
        void M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Insert(0, 5);
            {{open}}span{{close}}[0] = 1;
        }

        int N(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Clear();
            return {{open}}span{{close}}[0];
        }
        """;

    private const string TwoFixed = """
        void M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Insert(0, 5);
            span = CollectionsMarshal.AsSpan(items);
            span[0] = 1;
        }

        int N(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Clear();
            span = CollectionsMarshal.AsSpan(items);
            return span[0];
        }
        """;

    private static string Other(string open, string close) => $$"""
        using System.Collections.Generic;
        using System.Runtime.InteropServices;

        class D
        {
            int M(List<int> items)
            {
                var span = CollectionsMarshal.AsSpan(items);
                items.Add(1);
                return {{open}}span{{close}}[0];
            }
        }
        """;

    private const string OtherFixed = """
        using System.Collections.Generic;
        using System.Runtime.InteropServices;

        class D
        {
            int M(List<int> items)
            {
                var span = CollectionsMarshal.AsSpan(items);
                items.Add(1);
                span = CollectionsMarshal.AsSpan(items);
                return span[0];
            }
        }
        """;
}
