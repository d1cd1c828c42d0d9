using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>
/// <c>--scan FOLDER … --fix [N]</c>: the code fixes on real code. Offers each diagnostic (at most N per rule, 20 by
/// default) to every code fix of Ownership.CodeFixes, applies each action it registers to a copy of the solution and
/// checks the documents it changed: they gain no compiler error, the diagnostic fixed is gone from them, and no other
/// Ownership diagnostic appears in them, except where an OWN011 fix's new annotation, or an OWN008 fix's new Dispose,
/// shows what callers and holders do with the values, where a report is only reworded, or where it is a missing
/// <c>[return: Owned]</c> (a "follow-on"). Where one kind of action fixed two or more diagnostics of a document, Fix All
/// in that document (five documents per fix at most) is checked the same way. Prints one line per action and, for each
/// fix, how many passed each check.
/// </summary>
internal static class FixCheck
{
    public static async Task<int> RunAsync(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, int perRule, string[]? only = null)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId("Scanned");
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            compilation.AssemblyName!,
            compilation.AssemblyName!,
            LanguageNames.CSharp,
            compilationOptions: compilation.Options,
            parseOptions: compilation.SyntaxTrees.First().Options,
            metadataReferences: compilation.References));
        foreach (var tree in compilation.SyntaxTrees)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(projectId, tree.FilePath), System.IO.Path.GetFileName(tree.FilePath), tree.GetText(), filePath: tree.FilePath);
        }

        var project = solution.GetProject(projectId)!;
        var projectCompilation = (await project.GetCompilationAsync().ConfigureAwait(false))!;
        var diagnostics = await projectCompilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var fixes = typeof(Ownership.CodeFixes.OWN001MoveReleaseCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();

        var before = new Dictionary<DocumentId, Snapshot>();
        var tally = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var fix in fixes)
        {
            var counts = tally[fix.GetType().Name] = new int[6];
            var offered = diagnostics
                .Where(d => fix.FixableDiagnosticIds.Contains(d.Id) && d.Location.IsInSource && (only is null || only.Contains(d.Id)))
                .OrderBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)
                .GroupBy(d => d.Id)
                .SelectMany(g => g.Take(perRule));

            // The diagnostics each equivalence key fixed one at a time, per document: Fix All is run on those below.
            var fixedByKey = new Dictionary<(DocumentId, string), List<Diagnostic>>();
            foreach (var diagnostic in offered)
            {
                var document = project.GetDocument(diagnostic.Location.SourceTree)!;
                var actions = new List<CodeAction>();
                await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None)).ConfigureAwait(false);
                if (actions.Count == 0)
                {
                    counts[5]++;
                    Console.WriteLine($"none {diagnostic}");
                }

                foreach (var action in actions.SelectMany(Flatten))
                {
                    var clean = await RecordAsync(action, new[] { diagnostic }, counts, action.Title).ConfigureAwait(false);
                    if (clean && action.EquivalenceKey is { } key)
                    {
                        if (!fixedByKey.TryGetValue((document.Id, key), out var list))
                        {
                            fixedByKey[(document.Id, key)] = list = new List<Diagnostic>();
                        }

                        list.Add(diagnostic);
                    }
                }
            }

            // Fix All in a document, where one key fixed two or more diagnostics of it: the merged edits must hold too.
            if (fix.GetFixAllProvider() is { } fixAll)
            {
                foreach (var ((documentId, key), fixedOnes) in fixedByKey.Where(e => e.Value.Count > 1).Take(5))
                {
                    var context = new FixAllContext(project.GetDocument(documentId)!, fix, FixAllScope.Document, key, fix.FixableDiagnosticIds, new Provider(fixedOnes), CancellationToken.None);
                    if (await fixAll.GetFixAsync(context).ConfigureAwait(false) is { } action)
                    {
                        await RecordAsync(action, fixedOnes, counts, $"Fix All ({fixedOnes.Count}) {key}").ConfigureAwait(false);
                    }
                }
            }
        }

        async Task<bool> RecordAsync(CodeAction action, IReadOnlyList<Diagnostic> fixedOnes, int[] counts, string title)
        {
            counts[0]++;
            var problems = await CheckAsync(action, fixedOnes, project, analyzers, options, before).ConfigureAwait(false);
            var clean = !problems.Any(p => !p.StartsWith("follow-on", StringComparison.Ordinal) && !p.StartsWith("changes", StringComparison.Ordinal));
            counts[1] += clean ? 1 : 0;
            counts[2] += problems.Any(p => p.StartsWith("compiler", StringComparison.Ordinal)) ? 1 : 0;
            counts[3] += problems.Any(p => p.StartsWith("kept", StringComparison.Ordinal)) ? 1 : 0;
            counts[4] += problems.Any(p => p.StartsWith("added", StringComparison.Ordinal)) ? 1 : 0;
            var where = fixedOnes[0].Location.GetLineSpan();
            Console.WriteLine($"{(clean ? "ok  " : "FAIL")} {fixedOnes[0].Id} '{title}' {where.Path}({where.StartLinePosition.Line + 1})");
            foreach (var problem in problems)
            {
                Console.WriteLine($"     {problem}");
            }

            return clean;
        }

        Console.WriteLine("fix: actions, clean, new compiler errors, diagnostic kept, diagnostics added, diagnostics offered no action");
        foreach (var (name, counts) in tally.Where(t => t.Value[0] + t.Value[5] > 0))
        {
            Console.WriteLine($"  {name}: {string.Join(", ", counts)}");
        }

        return 0;
    }

    /// <summary>What the action did wrong in the documents it changed; empty when nothing.</summary>
    private static async Task<List<string>> CheckAsync(CodeAction action, IReadOnlyList<Diagnostic> fixedOnes, Project project, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, Dictionary<DocumentId, Snapshot> before)
    {
        var fixedDiagnostic = fixedOnes[0];
        var problems = new List<string>();
        Solution? changed = null;
        try
        {
            foreach (var operation in await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                changed = (operation as ApplyChangesOperation)?.ChangedSolution ?? changed;
            }
        }
        catch (Exception exception)
        {
            problems.Add($"exception {exception.GetType().Name}: {exception.Message}");
            return problems;
        }

        if (changed is null)
        {
            problems.Add("no change");
            return problems;
        }

        var changedProject = changed.GetProject(project.Id)!;
        var documents = changedProject.GetChanges(project).GetChangedDocuments().ToList();
        if (documents.Count == 0)
        {
            problems.Add("no change");
        }

        foreach (var id in documents)
        {
            if (!before.TryGetValue(id, out var old))
            {
                old = before[id] = await Snapshot.TakeAsync(project.GetDocument(id)!, analyzers, options).ConfigureAwait(false);
            }

            var now = await Snapshot.TakeAsync(changedProject.GetDocument(id)!, analyzers, options).ConfigureAwait(false);
            var madeDisposable = (await changedProject.GetDocument(id)!.GetTextChangesAsync(project.GetDocument(id)!).ConfigureAwait(false))
                .Any(c => c.NewText?.Contains("IDisposable") == true);
            var fixedTypes = fixedOnes.Select(f => $"OWN008 '{FirstQuoted(f.GetMessage())}'").ToList();
            problems.AddRange(Except(now.Errors, old.Errors).Select(e => $"compiler error: {e}"));
            var gone = Except(old.Findings, now.Findings).ToList();
            foreach (var added in Except(now.Findings, old.Findings))
            {
                // The same rule about the same method, type or variable, in other words (another acquisition named).
                // Not for what was fixed: a fix that leaves its own report in other words has not fixed it.
                var reworded = gone.FindIndex(g => g.Substring(0, 6) == added.Substring(0, 6) && FirstQuoted(g) == FirstQuoted(added));
                var same = fixedOnes.Any(f => f.Id == added.Substring(0, 6) && FirstQuoted(f.GetMessage()) == FirstQuoted(added));
                if (reworded >= 0 && !same)
                {
                    problems.Add($"follow-on (was: {gone[reworded]}): {added}");
                    gone.RemoveAt(reworded);
                    continue;
                }

                // Annotating a method's return, or making a type disposable, shows what its callers and holders do
                // with its values: that is what the change is for, and those reports are right. A holder is another
                // type, or one with no release method (a type made disposable has one). A missing [return: Owned] is
                // one whatever the fix: one report per value held it back while the value was already reported (an
                // overwrite's OWN004), and the fix lets it through.
                var followOn = fixedDiagnostic.Id == "OWN011" || added.StartsWith("OWN011", StringComparison.Ordinal) ||
                    (madeDisposable && (!fixedTypes.Any(t => added.StartsWith(t, StringComparison.Ordinal)) ||
                                        added.Contains("because it has no release method", StringComparison.Ordinal)));
                problems.Add($"{(followOn ? "follow-on" : "added")}: {added}");
            }

            if (id == project.GetDocument(fixedDiagnostic.Location.SourceTree)!.Id)
            {
                // Each diagnostic fixed takes one report of its rule and message away.
                foreach (var group in fixedOnes.GroupBy(Snapshot.Key))
                {
                    if (now.Findings.Count(f => f == group.Key) > old.Findings.Count(f => f == group.Key) - group.Count())
                    {
                        problems.Add($"kept: {group.Key}");
                    }
                }
            }

            if (problems.Count > 0)
            {
                problems.Add("changes:\n" + await DiffAsync(project.GetDocument(id)!, changedProject.GetDocument(id)!).ConfigureAwait(false));
            }
        }

        return problems;
    }

    /// <summary>Each text change the action made: the line it starts on, the text replaced and the text put in.</summary>
    private static async Task<string> DiffAsync(Document oldDocument, Document newDocument)
    {
        var oldText = await oldDocument.GetTextAsync().ConfigureAwait(false);
        var changes = await newDocument.GetTextChangesAsync(oldDocument).ConfigureAwait(false);
        return string.Join("\n", changes.Select(c =>
            $"       at line {oldText.Lines.GetLineFromPosition(c.Span.Start).LineNumber + 1}:\n" +
            $"       - {Escape(oldText.ToString(c.Span))}\n" +
            $"       + {Escape(c.NewText ?? string.Empty)}"));
    }

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");

    private static IEnumerable<string> Except(List<string> now, List<string> old)
    {
        var left = old.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        foreach (var item in now)
        {
            if (left.TryGetValue(item, out var count) && count > 0)
            {
                left[item] = count - 1;
            }
            else
            {
                yield return item;
            }
        }
    }

    /// <summary>What a message is about: the first name it quotes (OWN011's method, OWN008's type, OWN003's variable).</summary>
    private static string FirstQuoted(string message)
    {
        var start = message.IndexOf('\'') + 1;
        var end = message.IndexOf('\'', start);
        return start > 0 && end > start ? message.Substring(start, end - start) : message;
    }

    private static IEnumerable<CodeAction> Flatten(CodeAction action) =>
        action.NestedActions.IsDefaultOrEmpty ? new[] { action } : action.NestedActions.SelectMany(Flatten);

    /// <summary>What Fix All is asked to fix: the diagnostics fixed one at a time before.</summary>
    private sealed class Provider : FixAllContext.DiagnosticProvider
    {
        private readonly IReadOnlyList<Diagnostic> diagnostics;

        public Provider(IReadOnlyList<Diagnostic> diagnostics) => this.diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(diagnostics.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }

    /// <summary>A document's compiler errors and Ownership diagnostics, each as rule and message (no position).</summary>
    private sealed record Snapshot(List<string> Errors, List<string> Findings)
    {
        public static async Task<Snapshot> TakeAsync(Document document, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
        {
            var model = (await document.GetSemanticModelAsync().ConfigureAwait(false))!;
            var errors = model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(ErrorKey).ToList();
            var findings = await model.Compilation.WithAnalyzers(analyzers, options).GetAnalyzerSemanticDiagnosticsAsync(model, null, CancellationToken.None).ConfigureAwait(false);
            return new Snapshot(errors, findings.Select(Key).ToList());
        }

        /// <summary>Rule and message, less the line numbers messages give, which an edit above them moves.</summary>
        public static string Key(Diagnostic diagnostic) => $"{diagnostic.Id} {LineNumber.Replace(diagnostic.GetMessage(), "at line …")}";

        /// <summary>
        /// A compiler error's code and message, less the source positions some messages give ("'T [File.cs(9)]'" when two
        /// types share a name), which an edit above them moves.
        /// </summary>
        private static string ErrorKey(Diagnostic error) => $"{error.Id} {SourcePosition.Replace(error.GetMessage(), ".cs(…)")}";

        private static readonly Regex LineNumber = new(@"at line \d+", RegexOptions.CultureInvariant);

        private static readonly Regex SourcePosition = new(@"\.cs\(\d+\)", RegexOptions.CultureInvariant);
    }
}
