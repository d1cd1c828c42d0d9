using Microsoft.CodeAnalysis.Diagnostics;
using System.Collections.Immutable;
using System.Threading.Tasks;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests;

/// <summary>Keeps docs/rules, the README and the release tracking file true to <see cref="Descriptors"/>.</summary>
public class DocumentationTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    private static readonly string RulesDirectory = Path.Combine(RepositoryRoot, "docs", "rules");

    public static IEnumerable<object[]> RuleIds => Descriptors.All.Select(d => new object[] { d.Id });

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Page_title_and_header_table_match_the_descriptor(string id)
    {
        var descriptor = Descriptor(id);
        var lines = ReadPage(id);

        var heading = lines.First(l => l.StartsWith("# ", StringComparison.Ordinal));
        Assert.Equal($"# {id}: {descriptor.Title}", heading);

        var table = HeaderTable(lines);
        Assert.Equal(id, Cell(table, "ID", id));
        Assert.Equal(descriptor.Title.ToString(), Cell(table, "Title", id));
        Assert.Equal(descriptor.Category, Cell(table, "Category", id));
        Assert.Equal(descriptor.DefaultSeverity.ToString(), Cell(table, "Default severity", id));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Page_has_every_section(string id)
    {
        var descriptor = Descriptor(id);
        var lines = ReadPage(id);

        Assert.False(string.IsNullOrWhiteSpace(Section(lines, "What it catches", id)), $"{id}.md: 'What it catches' is empty.");
        Assert.Contains("```csharp", Section(lines, "Flagged code", id));
        Assert.Contains("```csharp", Section(lines, "Fixed code", id));

        var suppress = Section(lines, "How to suppress", id);
        Assert.Contains($"dotnet_diagnostic.{id}.severity = none", suppress);
        Assert.Contains($"#pragma warning disable {id}", suppress);
        Assert.Contains($"SuppressMessage(\"{descriptor.Category}\", \"{id}\"", suppress);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Help_link_points_at_the_page(string id)
    {
        Assert.Equal(Descriptors.HelpLinkBase + id + ".md", Descriptor(id).HelpLinkUri);
        Assert.StartsWith("https://", Descriptors.HelpLinkBase, StringComparison.Ordinal);
        Assert.EndsWith("/docs/rules/", Descriptors.HelpLinkBase, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Release_tracking_row_matches_the_descriptor(string id)
    {
        var descriptor = Descriptor(id);
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot, "src", "Ownership.Analyzers", "AnalyzerReleases.Unshipped.md"))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(cells => cells.Length >= 3 && cells[0] == id)
            .ToList();

        var row = Assert.Single(rows);
        Assert.Equal(descriptor.Category, row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Indexes_link_to_the_page(string id)
    {
        var descriptor = Descriptor(id);
        var index = File.ReadAllText(Path.Combine(RulesDirectory, "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.Title} | {descriptor.Category} | {descriptor.DefaultSeverity} |", index);

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        Assert.Contains($"[{id}](docs/rules/{id}.md)", readme);
    }

    public static IEnumerable<object[]> PagesWithExamples =>
        Descriptors.All.Select(d => new object[] { $"docs/rules/{d.Id}.md" }).Append(new object[] { "README.md" });

    /// <summary>The examples use the real APIs: every C# block of a rule's "Flagged code" and "Fixed code" and of the README compiles.</summary>
    [Theory]
    [MemberData(nameof(PagesWithExamples))]
    public void Examples_compile(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, page));
        var text = page.StartsWith("docs/", StringComparison.Ordinal)
            ? Section(lines, "Flagged code", page) + "\n" + Section(lines, "Fixed code", page)
            : string.Join("\n", lines);
        var blocks = Regex.Matches(text, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(blocks);

        var errors = new List<string>();
        foreach (var (block, index) in blocks.Select((b, i) => (b, i)))
        {
            var tree = CSharpSyntaxTree.ParseText(block, TestCompilation.ParseOptions, $"{page} block {index + 1}");
            var compilation = CSharpCompilation.Create("Example", new[] { tree }, TestCompilation.References, TestCompilation.Options(TestConfig.Parse(null)));
            errors.AddRange(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        }

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>The pages tell the truth: every "Flagged code" block reports the rule, and no "Fixed code" block does.</summary>
    [Theory]
    [MemberData(nameof(RuleIds))]
    public async Task Examples_show_the_rule(string id)
    {
        var lines = ReadPage(id);
        foreach (var (section, expectFlagged) in new[] { ("Flagged code", true), ("Fixed code", false) })
        {
            var blocks = Regex.Matches(Section(lines, section, id), "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(blocks);
            foreach (var block in blocks)
            {
                var reported = await OwnershipDiagnostics(block);
                var count = reported.Count(d => d.Id == id);
                Assert.True(
                    expectFlagged ? count > 0 : count == 0,
                    $"{id}.md '{section}': expected {(expectFlagged ? "at least one" : "no")} {id}, got:\n" + string.Join("\n", reported.Select(d => d.ToString())) + "\n---\n" + block);
            }
        }
    }

    private static async Task<IReadOnlyList<Diagnostic>> OwnershipDiagnostics(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, TestCompilation.ParseOptions, "Example.cs");
        var compilation = CSharpCompilation.Create("Example", new[] { tree }, TestCompilation.References, TestCompilation.Options(TestConfig.Parse(null)));
        var analyzers = typeof(Descriptors).Assembly.GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
        return await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public void Every_page_belongs_to_a_descriptor()
    {
        var ids = Descriptors.All.Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(RulesDirectory, "*.md")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "README");
        Assert.All(pages, page => Assert.Contains(page!, ids));
    }

    [Fact]
    public void Descriptors_are_in_id_order_and_unique()
    {
        var ids = Descriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors.All.Single(d => d.Id == id);

    private static string[] ReadPage(string id)
    {
        var path = Path.Combine(RulesDirectory, id + ".md");
        Assert.True(File.Exists(path), $"{id} has no page at docs/rules/{id}.md.");
        return File.ReadAllLines(path);
    }

    /// <summary>The first table of the page: "| Property | Value |" rows, keyed by property.</summary>
    private static Dictionary<string, string> HeaderTable(string[] lines)
    {
        return lines
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 4 && !cells[1].StartsWith("---", StringComparison.Ordinal))
            .ToDictionary(cells => cells[1], cells => cells[2]);
    }

    private static string Cell(Dictionary<string, string> table, string key, string id)
    {
        Assert.True(table.TryGetValue(key, out var value), $"{id}.md: the header table has no '{key}' row.");
        return value!;
    }

    /// <summary>The text under "## <paramref name="title"/>" up to the next "## " heading.</summary>
    private static string Section(string[] lines, string title, string id)
    {
        var start = Array.IndexOf(lines, "## " + title);
        Assert.True(start >= 0, $"{id}.md has no '## {title}' section.");
        return string.Join("\n", lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ownership.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Ownership.sln above {AppContext.BaseDirectory}.");
    }
}
