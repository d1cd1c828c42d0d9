using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// The answers must not depend on how a host asks: per document through the semantic model (as an IDE does, for the
/// whole document or for one member's span) or for the whole compilation (as a build does), nor on which compilations
/// the same analyzer instances saw before.
/// </summary>
public class ConsistencyTests
{
    private const int MutatedVariants = 60;

    /// <summary>Per-member analysis (one CompilationWithAnalyzers per member) on every n-th rule-test source, to bound the time.</summary>
    private const int PerMemberEvery = 4;

    private readonly ITestOutputHelper output;

    public ConsistencyTests(ITestOutputHelper output) => this.output = output;

    // The rule tests as written, plus some broken variants of them (half-typed code reaches the IDE first).
    public static IEnumerable<object[]> Sources() =>
        RobustnessSeeds.WithVariants(RobustnessSeeds.RuleTests.ToList(), MutatedVariants, 7, 100_000).Select(source => new object[] { source.Name, source.Text });

    [Fact]
    public async Task Per_document_and_per_member_analysis_equals_whole_compilation_analysis()
    {
        var differences = new StringBuilder();
        var checkedSources = 0;
        var compared = 0;
        foreach (var source in Sources())
        {
            var (name, text) = ((string)source[0], (string)source[1]);
            var exceptions = new ConcurrentQueue<string>();
            var compilation = RobustnessHarness.Compile(text);
            var analyzers = RobustnessHarness.NewAnalyzers();
            // Half the sources (in runs of PerMemberEvery, so that per-member analysis has both) with both options on:
            // the paths they open must agree between hosts too.
            var options = checkedSources / PerMemberEvery % 2 == 1 ? RobustnessHarness.EveryOptionOn : null;
            var whole = (await RobustnessHarness.AnalyzeAsync(compilation, analyzers, exceptions, options: options))
                .Where(d => d.Location.IsInSource)
                .Select(RobustnessHarness.Key)
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();

            // A fresh compilation and fresh analyzers: nothing computed for the whole compilation is reused.
            var ideCompilation = RobustnessHarness.Compile(text);
            var ide = RobustnessHarness.WithAnalyzers(ideCompilation, RobustnessHarness.NewAnalyzers(), exceptions, options);
            var perDocument = new List<string>();
            foreach (var tree in ideCompilation.SyntaxTrees)
            {
                var model = ideCompilation.GetSemanticModel(tree);
                perDocument.AddRange((await ide.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None))
                    .Concat(await ide.GetAnalyzerSyntaxDiagnosticsAsync(tree, CancellationToken.None))
                    .Select(RobustnessHarness.Key));
            }

            perDocument.Sort(StringComparer.Ordinal);
            compared += Compare(differences, name, "per document", whole, perDocument);
            if (!exceptions.IsEmpty)
            {
                differences.Append($"{name}: {string.Join("\n", exceptions.Distinct())}\n");
            }

            // Per member, as the IDE asks for the span of the method being edited (on every n-th source as written, to
            // bound the time): one CompilationWithAnalyzers per span, since one asked for overlapping spans may repeat a
            // diagnostic by itself (dotnet/roslyn#63205).
            if (name.Contains(" variant ", StringComparison.Ordinal) || checkedSources % PerMemberEvery != 0)
            {
                checkedSources++;
                continue;
            }

            var memberCompilation = RobustnessHarness.Compile(text);
            var memberAnalyzers = RobustnessHarness.NewAnalyzers();
            var memberExceptions = new ConcurrentQueue<string>();
            foreach (var tree in memberCompilation.SyntaxTrees)
            {
                var model = memberCompilation.GetSemanticModel(tree);
                var root = await tree.GetRootAsync();
                foreach (var member in root.DescendantNodes().Where(m => m is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax))
                {
                    var span = member.FullSpan;
                    var perMember = RobustnessHarness.WithAnalyzers(memberCompilation, memberAnalyzers, memberExceptions, options);
                    var inMember = (await perMember.GetAnalyzerSemanticDiagnosticsAsync(model, span, CancellationToken.None))
                        .Where(d => span.Contains(d.Location.SourceSpan))
                        .Select(RobustnessHarness.Key)
                        .OrderBy(k => k, StringComparer.Ordinal)
                        .ToList();
                    var expected = whole.Where(k => KeyInSpan(k, tree.FilePath, span)).ToList();
                    compared += Compare(differences, name, $"member at {span}", expected, inMember);
                }
            }

            if (!memberExceptions.IsEmpty)
            {
                differences.Append($"{name}, per member: {string.Join("\n", memberExceptions.Distinct())}\n");
            }

            checkedSources++;
            if (differences.Length > 4000)
            {
                break;
            }
        }

        output.WriteLine($"{checkedSources} sources, {compared} diagnostics compared");
        if (differences.Length > 0)
        {
            throw new XunitException(differences.ToString());
        }
    }

    [Fact]
    public async Task Analyzer_instances_keep_no_state_across_compilations()
    {
        var sources = Sources().Select(s => (string)s[1]).ToList();
        var differences = new StringBuilder();
        var pairs = 0;
        for (var i = 0; i + 1 < sources.Count && pairs < 20; i += Math.Max(1, sources.Count / 20), pairs++)
        {
            var first = sources[i];
            var second = sources[(i * 13 + 5) % sources.Count];
            var exceptions = new ConcurrentQueue<string>();

            var one = RobustnessHarness.NewAnalyzers();
            var firstThenSecond = (await Keys(first, one, exceptions), await Keys(second, one, exceptions));
            var other = RobustnessHarness.NewAnalyzers();
            var secondThenFirst = (await Keys(second, other, exceptions), await Keys(first, other, exceptions));

            // The same instances once more on the first: a cache from the second compilation must not leak back.
            var again = await Keys(first, one, exceptions);

            Compare(differences, $"pair {i}", "first, after nothing vs after the second", firstThenSecond.Item1, secondThenFirst.Item2);
            Compare(differences, $"pair {i}", "second, after the first vs after nothing", firstThenSecond.Item2, secondThenFirst.Item1);
            Compare(differences, $"pair {i}", "first, run again on the same instances", firstThenSecond.Item1, again);
            if (!exceptions.IsEmpty)
            {
                differences.Append(string.Join("\n", exceptions.Distinct())).Append('\n');
            }
        }

        output.WriteLine($"{pairs} pairs of compilations");
        if (differences.Length > 0)
        {
            throw new XunitException(differences.ToString());
        }
    }

    private static async Task<List<string>> Keys(string text, ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions) =>
        (await RobustnessHarness.AnalyzeAsync(RobustnessHarness.Compile(text), analyzers, exceptions))
            .Select(RobustnessHarness.Key)
            .OrderBy(k => k, StringComparer.Ordinal)
            .ToList();

    private static bool KeyInSpan(string key, string path, Microsoft.CodeAnalysis.Text.TextSpan span)
    {
        // Keys read "ID path[start..end) message…": recover the primary span.
        var start = key.IndexOf(' ') + 1;
        if (string.CompareOrdinal(key, start, path + "[", 0, path.Length + 1) != 0)
        {
            return false;
        }

        var open = start + path.Length + 1;
        var dots = key.IndexOf("..", open, StringComparison.Ordinal);
        var close = key.IndexOf(')', dots);
        var from = int.Parse(key.AsSpan(open, dots - open));
        var to = int.Parse(key.AsSpan(dots + 2, close - dots - 2));
        return span.Contains(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(from, to));
    }

    private static int Compare(StringBuilder differences, string name, string how, List<string> expected, List<string> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            differences.Append($"{name}, {how}:\n  whole compilation:\n    {string.Join("\n    ", expected)}\n  {how}:\n    {string.Join("\n    ", actual)}\n");
        }

        return expected.Count;
    }
}
