using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Ownership.Analyzers.Tests.Verification;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// Every analyzer of Ownership.Analyzers and every code fix of Ownership.CodeFixes, found by reflection (so rules and
/// fixes added later are covered without touching these tests), and the ways the robustness tests run them.
/// </summary>
internal static class RobustnessHarness
{
    public static ImmutableArray<Type> AnalyzerTypes { get; } = ConcreteSubtypes<DiagnosticAnalyzer>(typeof(OwnershipAnalyzer).Assembly);

    public static ImmutableArray<Type> CodeFixTypes { get; } = ConcreteSubtypes<CodeFixProvider>(Assembly.Load("Ownership.CodeFixes"));

    /// <summary>A new instance of every analyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> NewAnalyzers() =>
        AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> NewCodeFixes() =>
        CodeFixTypes.Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToImmutableArray();

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Robustness",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(SourceText.From(text), TestCompilation.ParseOptions, $"Test{i}.cs")),
            TestCompilation.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

    /// <summary>Both of the analyzers' options on: the paths they open (exception paths, every disposable) are run too.</summary>
    public static AnalyzerConfigOptionsProvider EveryOptionOn { get; } =
        TestConfig.Parse($"{Options.LeaksOnExceptionPaths} = true\n{Options.TrackAllDisposables} = true").OptionsProvider;

    public static CompilationWithAnalyzers WithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions, AnalyzerConfigOptionsProvider? options = null) =>
        compilation.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(
                options is null ? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty) : new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, options),
                (exception, analyzer, _) => exceptions.Enqueue($"{analyzer.GetType().Name}: {exception}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));

    /// <summary>The analyzers' diagnostics over the whole compilation; each exception (or AD0001) is added to <paramref name="exceptions"/>.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions, CancellationToken cancellationToken = default, AnalyzerConfigOptionsProvider? options = null)
    {
        var diagnostics = await WithAnalyzers(compilation, analyzers, exceptions, options).GetAnalyzerDiagnosticsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var crash in diagnostics.Where(d => d.Id == "AD0001"))
        {
            exceptions.Enqueue(crash.GetMessage());
        }

        return diagnostics;
    }

    /// <summary>
    /// Offers every fixable diagnostic (at most <paramref name="maxDiagnostics"/>) to every code fix and runs every
    /// action's operations, then runs each fix's Fix All in the document once per kind of action it offered (its
    /// equivalence key), over all of the document's diagnostics it fixes. An exception from RegisterCodeFixesAsync,
    /// GetFixAsync, GetOperationsAsync or the changed solution's compilation is recorded. Returns the actions run, and
    /// how many of them were Fix All.
    /// </summary>
    public static async Task<(int Actions, int FixAlls)> ExerciseCodeFixesAsync(string source, ImmutableArray<CodeFixProvider> fixes, ImmutableArray<DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions, int maxDiagnostics = 3, AnalyzerConfigOptionsProvider? options = null)
    {
        if (fixes.IsEmpty)
        {
            return (0, 0);
        }

        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId("Robustness");
        var documentId = DocumentId.CreateNewId(projectId, "Test0.cs");
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Default,
                "Robustness",
                "Robustness",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: TestCompilation.ParseOptions,
                metadataReferences: TestCompilation.References))
            .AddDocument(documentId, "Test0.cs", SourceText.From(source), filePath: "Test0.cs");
        if (!workspace.TryApplyChanges(solution))
        {
            return (0, 0);
        }

        var document = workspace.CurrentSolution.GetDocument(documentId)!;
        var compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
        var diagnostics = await AnalyzeAsync(compilation, analyzers, exceptions, options: options).ConfigureAwait(false);
        var actions = 0;
        var fixAlls = 0;
        foreach (var fix in fixes)
        {
            var fixable = diagnostics.Where(d => fix.FixableDiagnosticIds.Contains(d.Id) && d.Location.IsInSource).ToImmutableArray();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var diagnostic in fixable.Take(maxDiagnostics))
            {
                var registered = new List<CodeAction>();
                try
                {
                    await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => registered.Add(action), CancellationToken.None)).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    exceptions.Enqueue($"{fix.GetType().Name}.RegisterCodeFixesAsync on {diagnostic}: {exception}");
                    continue;
                }

                foreach (var action in registered.SelectMany(Flatten))
                {
                    actions++;
                    if (action.EquivalenceKey is { } key)
                    {
                        keys.Add(key);
                    }

                    await RunAsync(action, projectId, $"{fix.GetType().Name} action '{action.Title}' on {diagnostic}", exceptions).ConfigureAwait(false);
                }
            }

            if (fix.GetFixAllProvider() is not { } fixAll || !fixAll.GetSupportedFixAllScopes().Contains(FixAllScope.Document))
            {
                continue;
            }

            foreach (var key in keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                var where = $"{fix.GetType().Name} Fix All '{key}' over {fixable.Length} diagnostics";
                CodeAction? action;
                try
                {
                    var context = new FixAllContext(document, fix, FixAllScope.Document, key, fix.FixableDiagnosticIds, new FixedDiagnostics(fixable), CancellationToken.None);
                    action = await fixAll.GetFixAsync(context).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    exceptions.Enqueue($"{where}, GetFixAsync: {exception}");
                    continue;
                }

                if (action is not null)
                {
                    actions++;
                    fixAlls++;
                    await RunAsync(action, projectId, where, exceptions).ConfigureAwait(false);
                }
            }
        }

        return (actions, fixAlls);
    }

    /// <summary>
    /// Runs an action's operations. The changed project, a throwaway copy, must compile without an exception, and its
    /// documents must parse: the fixes are offered only in code that parses, and must not break it.
    /// </summary>
    private static async Task RunAsync(CodeAction action, ProjectId projectId, string where, ConcurrentQueue<string> exceptions)
    {
        try
        {
            foreach (var operation in await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (operation is ApplyChangesOperation apply && apply.ChangedSolution.GetProject(projectId) is { } changed)
                {
                    var compilation = await changed.GetCompilationAsync().ConfigureAwait(false);
                    var syntaxError = compilation?.SyntaxTrees.SelectMany(t => t.GetDiagnostics()).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
                    if (syntaxError is not null)
                    {
                        var text = (await changed.Documents.First().GetTextAsync().ConfigureAwait(false)).ToString();
                        exceptions.Enqueue($"{where} wrote code that does not parse: {syntaxError}\n--- fixed ---\n{text}");
                    }
                }
            }
        }
        catch (Exception exception)
        {
            exceptions.Enqueue($"{where}: {exception}");
        }
    }

    /// <summary>The diagnostics an analysis already found, handed to a Fix All as a host hands them.</summary>
    private sealed class FixedDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            return _diagnostics.Where(d => d.Location.SourceTree == tree);
        }

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
    }

    /// <summary>A diagnostic as one comparable line: rule, file, span, message and every additional location.</summary>
    public static string Key(Diagnostic diagnostic) =>
        $"{diagnostic.Id} {diagnostic.Location.SourceTree?.FilePath}{diagnostic.Location.SourceSpan} {diagnostic.GetMessage()} " +
        string.Join(",", diagnostic.AdditionalLocations.Select(l => $"{l.SourceTree?.FilePath}{l.SourceSpan}"));

    private static IEnumerable<CodeAction> Flatten(CodeAction action)
    {
        var nested = action.NestedActions;
        return nested.IsDefaultOrEmpty ? new[] { action } : nested.SelectMany(Flatten);
    }

    private static ImmutableArray<Type> ConcreteSubtypes<T>(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToImmutableArray();
}
