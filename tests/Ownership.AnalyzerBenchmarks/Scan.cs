using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>
/// <c>--scan FOLDER [--refs FOLDER]… [--track-all] [--baseline FOLDER | --every-body | --fix [N]]</c>: the precision check on real code
/// (docs/precision.md). Compiles every <c>.cs</c> file under FOLDER against the running runtime's assemblies (less any
/// assembly of the folder's own name, for a decompiled runtime library; none at all for System.Private.CoreLib), the
/// <c>.dll</c> files of each <c>--refs</c> folder and Ownership.Annotations, runs Ownership's analyzers and prints their
/// diagnostics. With <c>--baseline</c>, it runs another build's analyzers too and prints only what each build reports
/// that the other does not. With <c>--every-body</c>, it runs the flow analyzer again with every body analysed and prints
/// what the relevance scan cost (a finding in a body it skipped), if anything. With <c>--fix</c>, it applies the code
/// fixes instead (see FixCheck).
/// </summary>
internal static class Scan
{
    public static int Run(string[] args, int scan)
    {
        var folder = Path.GetFullPath(args[scan + 1]);
        var referenceFolders = new List<string>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--refs")
            {
                referenceFolders.Add(args[i + 1]);
            }
        }

        var compilation = Compile(folder, referenceFolders);
        var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        Console.WriteLine($"{compilation.SyntaxTrees.Count()} files, {errors} compiler errors (analyzers stay silent where they cannot decide)");
        var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new Settings(Array.IndexOf(args, "--track-all") >= 0));
        var fix = Array.IndexOf(args, "--fix");
        if (fix >= 0)
        {
            var perRule = fix + 1 < args.Length && int.TryParse(args[fix + 1], out var n) ? n : 20;
            // --only OWN003,OWN008: check those rules' fixes alone (to reach deep into one rule's reports).
            var only = Array.IndexOf(args, "--only") is var at && at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : null;
            return FixCheck.RunAsync(compilation, AnalyzerSets.OwnershipBuildIn(AppContext.BaseDirectory), options, perRule, only).GetAwaiter().GetResult();
        }

        var analyzers = AnalyzerSets.OwnershipBuildIn(AppContext.BaseDirectory);
        var thisBuild = Analyze(compilation, analyzers, options);
        if (Array.IndexOf(args, "--every-body") >= 0)
        {
            // The relevance scan's soundness on real code: the flow analyzer again, with every body analysed.
            var everyBody = Analyze(compilation, analyzers.Select(EveryBody).ToImmutableArray(), options);
            Console.WriteLine($"every body analysed: {everyBody.Count} diagnostics, as hosts run it: {thisBuild.Count}");
            Print("only with every body analysed", everyBody.Except(thisBuild).ToList());
            Print("only as hosts run it", thisBuild.Except(everyBody).ToList());
            return 0;
        }

        var baseline = Array.IndexOf(args, "--baseline");
        if (baseline < 0 || baseline + 1 >= args.Length)
        {
            Print("this build", thisBuild);
            return 0;
        }

        var other = Analyze(compilation, AnalyzerSets.OwnershipBuildIn(args[baseline + 1]), options);
        Console.WriteLine($"baseline: {other.Count} diagnostics, this build: {thisBuild.Count}");
        Print("only the baseline", other.Except(thisBuild).ToList());
        Print("only this build", thisBuild.Except(other).ToList());
        return 0;
    }

    private static CSharpCompilation Compile(string folder, List<string> referenceFolders)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), parseOptions, path));

        // A decompiled runtime library (System.Net.Http) replaces the runtime's assembly of that name.
        var ownName = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)) + ".dll";
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ownName };
        var references = referenceFolders.SelectMany(f => Directory.GetFiles(f, "*.dll"))
            .Concat(((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            .Append(typeof(OwnedAttribute).Assembly.Location)
            .Where(path => seen.Add(Path.GetFileName(path)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        if (ownName == "System.Private.CoreLib.dll")
        {
            // The core library defines System.Object itself and references nothing: any reference would bring a second one.
            references = Enumerable.Empty<MetadataReference>();
        }

        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable);
        return CSharpCompilation.Create(Path.GetFileName(folder), trees, references, options);
    }

    /// <summary>
    /// A new instance of the build's FlowAnalyzer that analyses every body, whatever its relevance scan says (its internal
    /// constructor, found by reflection since the build is loaded apart); any other analyzer as it is.
    /// </summary>
    private static DiagnosticAnalyzer EveryBody(DiagnosticAnalyzer analyzer)
    {
        var type = analyzer.GetType();
        if (type.Name != "FlowAnalyzer")
        {
            return analyzer;
        }

        var constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(bool) }, null)
            ?? throw new InvalidOperationException("This build's FlowAnalyzer has no FlowAnalyzer(bool analyzeEveryBody) constructor.");
        return (DiagnosticAnalyzer)constructor.Invoke(new object[] { true });
    }

    /// <summary>Each diagnostic as one line: where, which rule, what it says.</summary>
    private static List<string> Analyze(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options)
    {
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        return withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .Select(d => d.ToString())
            .OrderBy(line => line, StringComparer.Ordinal)
            .ToList();
    }

    private static void Print(string title, List<string> lines)
    {
        Console.WriteLine($"{title}: {lines.Count}");
        foreach (var rule in lines.GroupBy(RuleOf).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {rule.Key}: {rule.Count()}");
        }

        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }

    private static string RuleOf(string line)
    {
        var at = line.IndexOf(": warning ", StringComparison.Ordinal) is var warning and >= 0 ? warning + 10 : line.IndexOf(": error ", StringComparison.Ordinal) + 8;
        return at > 8 && at + 6 <= line.Length ? line.Substring(at, 6) : "?";
    }

    /// <summary>The .editorconfig options a scan sets: <c>ownership_track_all_disposables</c> with <c>--track-all</c>.</summary>
    private sealed class Settings : AnalyzerConfigOptionsProvider
    {
        private readonly Options options;

        public Settings(bool trackAll) => options = new Options(trackAll);

        public override AnalyzerConfigOptions GlobalOptions => options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => options;

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly bool trackAll;

            public Options(bool trackAll) => this.trackAll = trackAll;

            public override bool TryGetValue(string key, out string value)
            {
                value = "true";
                return trackAll && key == "ownership_track_all_disposables";
            }
        }
    }
}
