using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>
/// Applies <typeparamref name="TCodeFix"/> to the diagnostics of <typeparamref name="TAnalyzer"/> in an
/// <see cref="AdhocWorkspace"/> and compares the result with the expected fixed source. Sources are markup
/// (see <see cref="AnalyzerVerifier{TAnalyzer}"/>): the diagnostics marked in the source must be exactly those reported,
/// and the diagnostics of the fixable IDs marked in the fixed source must be exactly those left after the fix.
/// </summary>
public static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    private const int MaxIterations = 100;

    /// <summary>
    /// Fixes one diagnostic at a time (the first, in document order, that has a fix), re-analyzing after each,
    /// until no diagnostic has a fix; <paramref name="equivalenceKey"/> restricts the code actions to that key.
    /// </summary>
    public static Task VerifyCodeFixAsync(string markup, string fixedSource, string? equivalenceKey = null) =>
        VerifyCodeFixAsync(new[] { markup }, new[] { fixedSource }, equivalenceKey);

    /// <summary>The same over several documents (Test0.cs, Test1.cs…), each fixed document compared with its expected text.</summary>
    public static async Task VerifyCodeFixAsync(string[] sources, string[] fixedSources, string? equivalenceKey = null)
    {
        using var session = await Session.StartAsync(sources);
        for (var applied = 0; ; applied++)
        {
            var (_, action) = await session.FirstFixAsync(equivalenceKey);
            if (action is null)
            {
                if (applied == 0)
                {
                    throw new XunitException($"{typeof(TCodeFix).Name} offered no fix{(equivalenceKey is null ? "" : $" with equivalence key '{equivalenceKey}'")}.");
                }

                break;
            }

            if (applied == MaxIterations)
            {
                throw new XunitException($"{typeof(TCodeFix).Name} still offers fixes after {MaxIterations} applications; it does not converge.");
            }

            await session.ApplyAsync(action);
        }

        await session.AssertFixedAsync(fixedSources);
    }

    /// <summary>Applies the first fix once and checks its title: for a fix that must do its whole job in one application.</summary>
    public static async Task VerifyOneFixAsync(string markup, string fixedSource, string title)
    {
        using var session = await Session.StartAsync(new[] { markup });
        var (_, action) = await session.FirstFixAsync(null);
        if (action is null)
        {
            throw new XunitException($"{typeof(TCodeFix).Name} offered no fix.");
        }

        Assert.Equal(title, action.Title);
        await session.ApplyAsync(action);
        await session.AssertFixedAsync(new[] { fixedSource });
    }

    /// <summary>Applies the provider's fix-all provider once, in <paramref name="scope"/>, from the first fixable diagnostic.</summary>
    public static Task VerifyFixAllAsync(string markup, string fixedSource, FixAllScope scope = FixAllScope.Document) =>
        VerifyFixAllAsync(new[] { markup }, new[] { fixedSource }, scope);

    /// <summary>The same over several documents of one project; with <see cref="FixAllScope.Document"/> only the first diagnostic's document changes.</summary>
    public static async Task VerifyFixAllAsync(string[] sources, string[] fixedSources, FixAllScope scope = FixAllScope.Document)
    {
        using var session = await Session.StartAsync(sources);
        var fixAll = session.Fix.GetFixAllProvider()
            ?? throw new XunitException($"{typeof(TCodeFix).Name} has no fix-all provider.");
        if (!fixAll.GetSupportedFixAllScopes().Contains(scope))
        {
            throw new XunitException($"The fix-all provider of {typeof(TCodeFix).Name} does not support {scope}.");
        }

        var (diagnostic, first) = await session.FirstFixAsync(null);
        if (diagnostic is null || first is null)
        {
            throw new XunitException($"{typeof(TCodeFix).Name} offered no fix.");
        }

        var context = new FixAllContext(
            session.Solution.GetDocument(diagnostic.Location.SourceTree)!,
            session.Fix,
            scope,
            first.EquivalenceKey,
            session.FixableIds,
            new DiagnosticProvider(session),
            CancellationToken.None);
        var action = await fixAll.GetFixAsync(context)
            ?? throw new XunitException($"The fix-all provider of {typeof(TCodeFix).Name} returned no code action for {scope}.");
        await session.ApplyAsync(action);
        await session.AssertFixedAsync(fixedSources);
    }

    /// <summary>The diagnostics are as marked, and the provider registers no code action for any of them.</summary>
    public static async Task VerifyNoFixAsync(string markup)
    {
        using var session = await Session.StartAsync(new[] { markup });
        var (diagnostic, action) = await session.FirstFixAsync(null);
        if (action is not null)
        {
            throw new XunitException($"{typeof(TCodeFix).Name} offers '{action.Title}' for {DiagnosticFormat.Actual(diagnostic!, session.Input)}");
        }
    }

    /// <summary>One test's workspace: the current solution, and the analyzer and fix under test.</summary>
    private sealed class Session : IDisposable
    {
        private readonly AdhocWorkspace _workspace = new();
        private readonly ProjectId _projectId = ProjectId.CreateNewId("Test");
        private readonly DiagnosticAnalyzerInfo _analyzerInfo;

        private Session(TestInput input)
        {
            Input = input;
            _analyzerInfo = new DiagnosticAnalyzerInfo(Analyzer);
            FixableIds = Fix.FixableDiagnosticIds.Where(_analyzerInfo.SupportedIds.Contains).ToImmutableArray();

            var project = ProjectInfo.Create(
                _projectId,
                VersionStamp.Default,
                "Test",
                "Test",
                LanguageNames.CSharp,
                compilationOptions: TestCompilation.Options(input.Config),
                parseOptions: TestCompilation.ParseOptions,
                metadataReferences: TestCompilation.References.AddRange(input.AdditionalReferences));
            Solution = _workspace.CurrentSolution.AddProject(project);
            foreach (var document in input.Sources)
            {
                Solution = Solution.AddDocument(DocumentId.CreateNewId(_projectId, document.Path), document.Path, document.Text, filePath: document.Path);
            }

            foreach (var file in input.AdditionalFiles)
            {
                Solution = Solution.AddAdditionalDocument(DocumentId.CreateNewId(_projectId, file.Path), file.Path, file.Text, filePath: file.Path);
            }
        }

        public TestInput Input { get; }

        public TAnalyzer Analyzer { get; } = new();

        public TCodeFix Fix { get; } = new();

        public ImmutableArray<string> FixableIds { get; }

        public Solution Solution { get; private set; }

        public Project Project => Solution.GetProject(_projectId)!;

        /// <summary>Starts from sources that compile and carry exactly the diagnostics their markup expects.</summary>
        public static async Task<Session> StartAsync(string[] sources)
        {
            var session = new Session(TestInput.FromSources(sources));
            var compilation = (await session.Project.GetCompilationAsync())!;
            TestCompilation.AssertNoCompilerErrors(compilation, session.Input, "test source");
            var diagnostics = await TestCompilation.AnalyzeAsync(compilation, session.Analyzer, session.Input);
            DiagnosticAssert.Equal(session.Input, session._analyzerInfo, Array.Empty<ExpectedDiagnostic>(), diagnostics);
            return session;
        }

        /// <summary>The fixable diagnostics of the current solution, in document order.</summary>
        public async Task<ImmutableArray<Diagnostic>> FixableDiagnosticsAsync()
        {
            var compilation = (await Project.GetCompilationAsync())!;
            var diagnostics = await TestCompilation.AnalyzeAsync(compilation, Analyzer, Input);
            return diagnostics
                .Where(d => FixableIds.Contains(d.Id) && d.Location.IsInSource)
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ToImmutableArray();
        }

        /// <summary>The first diagnostic with a code action (of <paramref name="equivalenceKey"/>, if given), and that action.</summary>
        public async Task<(Diagnostic? Diagnostic, CodeAction? Action)> FirstFixAsync(string? equivalenceKey)
        {
            foreach (var diagnostic in await FixableDiagnosticsAsync())
            {
                var actions = new List<CodeAction>();
                var document = Solution.GetDocument(diagnostic.Location.SourceTree)!;
                await Fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                var action = actions.FirstOrDefault(a => equivalenceKey is null || a.EquivalenceKey == equivalenceKey);
                if (action is not null)
                {
                    return (diagnostic, action);
                }
            }

            return (null, null);
        }

        public async Task ApplyAsync(CodeAction action)
        {
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var apply = operations.OfType<ApplyChangesOperation>().SingleOrDefault()
                ?? throw new XunitException($"Code action '{action.Title}' has no ApplyChangesOperation.");
            Solution = apply.ChangedSolution;
        }

        /// <summary>Each document equals its fixed text, the result compiles, and only the marked fixable diagnostics remain.</summary>
        public async Task AssertFixedAsync(string[] fixedSources)
        {
            var expected = TestInput.FromSources(fixedSources);
            var differences = new StringBuilder();
            foreach (var document in expected.Sources)
            {
                var actual = Project.Documents.FirstOrDefault(d => d.FilePath == document.Path);
                var actualText = actual is null ? "" : (await actual.GetTextAsync()).ToString();
                var diff = TextDiff.Unified(document.Text.ToString(), actualText);
                if (diff is not null)
                {
                    differences.Append($"--- expected {document.Path}\n+++ actual {document.Path}\n{diff}\n");
                }
            }

            if (differences.Length > 0)
            {
                throw new XunitException($"The fixed source differs from the expected one:\n{differences}");
            }

            var compilation = (await Project.GetCompilationAsync())!;
            TestCompilation.AssertNoCompilerErrors(compilation, expected, "fixed source");
            var remaining = await TestCompilation.AnalyzeAsync(compilation, Analyzer, Input);
            DiagnosticAssert.Equal(expected, _analyzerInfo, Array.Empty<ExpectedDiagnostic>(), remaining, FixableIds);
        }

        public void Dispose() => _workspace.Dispose();
    }

    private sealed class DiagnosticProvider : FixAllContext.DiagnosticProvider
    {
        private readonly Session _session;

        public DiagnosticProvider(Session session) => _session = session;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken);
            return (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = (await project.GetCompilationAsync(cancellationToken))!;
            var diagnostics = await TestCompilation.AnalyzeAsync(compilation, _session.Analyzer, _session.Input);
            return diagnostics.Where(d => _session.FixableIds.Contains(d.Id));
        }
    }
}

/// <summary>A line diff of two texts, line endings normalized: null when equal, else every line marked ' ', '-' (expected) or '+' (actual).</summary>
internal static class TextDiff
{
    public static string? Unified(string expected, string actual)
    {
        var a = expected.Replace("\r\n", "\n").Split('\n');
        var b = actual.Replace("\r\n", "\n").Split('\n');
        if (a.SequenceEqual(b))
        {
            return null;
        }

        // Longest common subsequence from the end, so the walk below can go forwards.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                diff.Append("  ").Append(a[x++]).Append('\n');
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                diff.Append("- ").Append(a[x++]).Append('\n');
            }
            else
            {
                diff.Append("+ ").Append(b[y++]).Append('\n');
            }
        }

        return diff.ToString();
    }
}
