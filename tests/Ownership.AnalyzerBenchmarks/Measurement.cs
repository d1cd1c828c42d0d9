using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>What one run measured: wall time of the whole run and each analyzer's own execution time.</summary>
internal sealed class RunResult
{
    public TimeSpan Wall { get; init; }

    /// <summary>Parse and compiler diagnostics within this run, before any analyzer: the compilation time of the same run.</summary>
    public TimeSpan Compile { get; init; }

    public Dictionary<DiagnosticAnalyzer, TimeSpan> AnalyzerTimes { get; init; } = new();

    /// <summary>Bytes allocated (by the analyzer driver and the analyzers) while the analyzers ran.</summary>
    public long Allocated { get; init; }

    /// <summary>Garbage collections (of any generation) while the analyzers ran: each lands in some analyzer's time.</summary>
    public int Collections { get; init; }

    public Dictionary<string, int> DiagnosticsById { get; init; } = new();

    public List<string> Crashes { get; init; } = new();

    public TimeSpan TimeOf(IEnumerable<DiagnosticAnalyzer> analyzers) =>
        analyzers.Aggregate(TimeSpan.Zero, (sum, analyzer) => sum + (AnalyzerTimes.TryGetValue(analyzer, out var time) ? time : TimeSpan.Zero));
}

/// <summary>
/// Compiles a corpus from scratch (parse, bind, diagnostics) and runs analyzers over it through CompilationWithAnalyzers,
/// single-threaded (concurrentBuild and concurrentAnalysis off) so that each analyzer's time is its own on a shared machine.
/// </summary>
internal static class Measurement
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The allocation budget of --no-collections' region: more than every analyzer together allocates on the 4× corpus.</summary>
    private const long NoCollectionsBudget = 3L << 30;

    /// <summary>
    /// Whether the analyzers run inside a no-GC region (<c>--no-collections</c>). The runtime caps the gen-0 budget that
    /// <c>DOTNET_GCgen0size</c> asks for, so the 4× corpus still had collections with it; a region has none until its
    /// budget is spent (then it ends, and the run counts its collections).
    /// </summary>
    public static bool NoCollections { get; set; }

    /// <summary>Runs <paramref name="analyzers"/> (none: the compiler alone) over a fresh compilation of <paramref name="files"/>.</summary>
    public static RunResult Run(IReadOnlyList<CorpusFile> files, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var stopwatch = Stopwatch.StartNew();
        var compilation = Compile(files);
        if (analyzers.IsEmpty)
        {
            var compilerOnly = compilation.GetDiagnostics();
            stopwatch.Stop();
            return new RunResult { Wall = stopwatch.Elapsed, Compile = stopwatch.Elapsed, DiagnosticsById = Count(compilerOnly) };
        }

        var crashes = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => crashes.Enqueue($"{analyzer.GetType().Name}: {exception.GetType().Name}: {exception.Message}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        // The compiler first, as a build does: so the first analyzer to start is not charged with binding references
        // and declarations the compiler needs anyway. The analysis result carries each analyzer's telemetry.
        var compilerDiagnostics = compilation.GetDiagnostics();
        var compile = stopwatch.Elapsed;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        // With --no-collections, no collection lands in an analyzer's time, however large the heap (the 4× corpus).
        var noCollections = NoCollections && GC.TryStartNoGCRegion(NoCollectionsBudget);
        var collectionsBefore = GC.CollectionCount(0);
        AllocationSampler.Active = true;
        var result = withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        AllocationSampler.Active = false;
        if (noCollections && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var collections = GC.CollectionCount(0) - collectionsBefore;
        var diagnostics = compilerDiagnostics.AddRange(result.GetAllDiagnostics());
        stopwatch.Stop();

        var times = new Dictionary<DiagnosticAnalyzer, TimeSpan>();
        foreach (var analyzer in analyzers)
        {
            times[analyzer] = result.AnalyzerTelemetryInfo.TryGetValue(analyzer, out var telemetry) ? telemetry.ExecutionTime : TimeSpan.Zero;
        }

        foreach (var crash in diagnostics.Where(d => d.Id == "AD0001"))
        {
            crashes.Enqueue(crash.GetMessage());
        }

        return new RunResult { Wall = stopwatch.Elapsed, Compile = compile, AnalyzerTimes = times, DiagnosticsById = Count(diagnostics), Crashes = crashes.ToList(), Allocated = allocated, Collections = collections };
    }

    /// <summary>
    /// Warms up each configuration once, then runs them in turn <paramref name="repeat"/> times (in alternating order), so that a change of load
    /// on a shared machine falls on every configuration alike; returns the measured runs of each configuration.
    /// </summary>
    public static List<RunResult>[] RepeatInterleaved(IReadOnlyList<CorpusFile> files, ImmutableArray<DiagnosticAnalyzer>[] configurations, int repeat) =>
        RepeatInterleaved(configurations.Select(analyzers => (files, analyzers)).ToArray(), repeat);

    /// <summary>The same, for configurations that differ in their files too (the 1× and 4× corpus).</summary>
    public static List<RunResult>[] RepeatInterleaved((IReadOnlyList<CorpusFile> Files, ImmutableArray<DiagnosticAnalyzer> Analyzers)[] configurations, int repeat)
    {
        var results = new List<RunResult>[configurations.Length];
        for (var c = 0; c < configurations.Length; c++)
        {
            Run(configurations[c].Files, configurations[c].Analyzers);
            results[c] = new List<RunResult>(repeat);
        }

        for (var i = 0; i < repeat; i++)
        {
            // Forward in even rounds, backward in odd ones: a configuration's place in the round (what ran just before it,
            // what the caches hold) does not favour it.
            for (var step = 0; step < configurations.Length; step++)
            {
                var c = i % 2 == 0 ? step : configurations.Length - 1 - step;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                results[c].Add(Run(configurations[c].Files, configurations[c].Analyzers));
            }
        }

        return results;
    }

    /// <summary>Warms up once, then runs <paramref name="repeat"/> times and returns every measured run.</summary>
    public static List<RunResult> Repeat(IReadOnlyList<CorpusFile> files, ImmutableArray<DiagnosticAnalyzer> analyzers, int repeat)
    {
        Run(files, analyzers);
        var results = new List<RunResult>(repeat);
        for (var i = 0; i < repeat; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            results.Add(Run(files, analyzers));
        }

        return results;
    }

    public static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static CSharpCompilation Compile(IReadOnlyList<CorpusFile> files)
    {
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Text), ParseOptions, f.Path));

        // CA2000 and CA2213 are off by default in NetAnalyzers: the benchmark turns them on as a project would.
        var severities = new Dictionary<string, ReportDiagnostic> { ["CA2000"] = ReportDiagnostic.Warn, ["CA2213"] = ReportDiagnostic.Warn };
        var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                concurrentBuild: false)
            .WithSpecificDiagnosticOptions(severities);
        return CSharpCompilation.Create("Corpus", trees, LazyReferences.Value, options);
    }

    private static Dictionary<string, int> Count(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) ||
                           Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return trusted.Append(typeof(OwnedAttribute).Assembly.Location)
            .Where(path => seen.Add(Path.GetFileName(path)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
