using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>
/// dotnet run -c Release --project tests/Ownership.AnalyzerBenchmarks [-- --files 40 --repeat 3 --no-collections] [--profile huge|corpus|plain [--allocations] [--driver-only] [--baseline FOLDER] [--with-others]]
/// [--scan FOLDER [--refs FOLDER]… [--track-all] [--baseline FOLDER | --every-body | --fix [N] [--only ID,ID…]]] (see Scan)
/// Prints, as Markdown, medians of <c>--repeat</c> runs after one warm-up, and the ratios docs/performance.md records.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var files = Argument(args, "--files", 40);
        var repeat = Argument(args, "--repeat", 3);
        var hugeLines = Argument(args, "--huge-lines", 3000);
        Measurement.NoCollections = Array.IndexOf(args, "--no-collections") >= 0;

        var scan = Array.IndexOf(args, "--scan");
        if (scan >= 0 && scan + 1 < args.Length)
        {
            return Scan.Run(args, scan);
        }

        var sets = AnalyzerSets.Load();
        if (Array.IndexOf(args, "--contracts") >= 0)
        {
            // The per-compilation cost of resolving the contracts, on a compilation already bound.
            var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(ImmutableArray<Microsoft.CodeAnalysis.AdditionalText>.Empty);
            for (var i = 0; i < repeat + 1; i++)
            {
                var compilation = Measurement.Compile(Corpus.Generate(files));
                compilation.GetDiagnostics();
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var stopwatch = System.Diagnostics.Stopwatch.StartNew();
                var provider = Ownership.Analyzers.Contracts.ContractProvider.Create(compilation, options, default);
                var elapsed = stopwatch.Elapsed;
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                Console.WriteLine($"ContractProvider.Create {elapsed.TotalMilliseconds:N1} ms, {allocated >> 10:N0} KiB allocated (HasAnything {provider.HasAnything})");
            }

            return 0;
        }

        var profile = Array.IndexOf(args, "--profile");
        if (profile >= 0 && profile + 1 < args.Length)
        {
            // For a profiler: one scenario (huge, corpus or plain), Ownership only, --repeat times.
            var scenario = args[profile + 1] switch
            {
                "huge" => new List<CorpusFile> { new("Corpus/Huge.cs", Corpus.HugeMethod(hugeLines, depth: 8, tracked: 50), true) },
                "plain" => Corpus.Generate(files, seed: 7, ownershipShare: 0),
                _ => Corpus.Generate(files),
            };
            // --with-others (with --baseline or --driver-only): NetAnalyzers and IDisposableAnalyzers run after the
            // measured analyzers, as in the whole benchmark's run with every analyzer, where the driver interleaves
            // every analyzer's callbacks.
            var others = Array.IndexOf(args, "--with-others") >= 0 ? sets.NetAnalyzers.AddRange(sets.IDisposableAnalyzers) : ImmutableArray<DiagnosticAnalyzer>.Empty;
            var baseline = Array.IndexOf(args, "--baseline");
            if (baseline >= 0 && baseline + 1 < args.Length)
            {
                // A/B: this build against another one, interleaved run by run in this process.
                // Both builds load in load contexts of their own, so that neither has an advantage from where it loaded.
                var other = AnalyzerSets.OwnershipBuildIn(args[baseline + 1]);
                var thisBuild = AnalyzerSets.OwnershipBuildIn(AppContext.BaseDirectory);
                var pair = Measurement.RepeatInterleaved(scenario, new[] { other.AddRange(others), thisBuild.AddRange(others) }, repeat);
                var ratio = MedianRatio(pair[1].Zip(pair[0], (mine, theirs) => (mine.TimeOf(thisBuild), theirs.TimeOf(other))));
                Console.WriteLine($"Median: baseline {Measurement.Median(pair[0].Select(r => r.TimeOf(other))).TotalMilliseconds:F1} ms, " +
                                  $"this build {Measurement.Median(pair[1].Select(r => r.TimeOf(thisBuild))).TotalMilliseconds:F1} ms; " +
                                  $"this build / baseline {ratio:P1} (median of per-round ratios)");
                if (!others.IsEmpty)
                {
                    Console.WriteLine($"  Ownership / CA2000 in the same run: baseline {MedianRatio(pair[0].Select(r => (r.TimeOf(other), r.TimeOf(sets.Ca2000)))):P1}, " +
                                      $"this build {MedianRatio(pair[1].Select(r => (r.TimeOf(thisBuild), r.TimeOf(sets.Ca2000)))):P1}");
                }

                foreach (var analyzer in thisBuild)
                {
                    var name = analyzer.GetType().Name;
                    var theirs = other.Where(a => a.GetType().Name == name).ToArray();
                    var mine = new[] { analyzer };
                    Console.WriteLine($"  {name}: baseline {Measurement.Median(pair[0].Select(r => r.TimeOf(theirs))).TotalMilliseconds:F2} ms, " +
                                      $"this build {Measurement.Median(pair[1].Select(r => r.TimeOf(mine))).TotalMilliseconds:F2} ms, " +
                                      $"ratio {MedianRatio(pair[1].Zip(pair[0], (m, t) => (m.TimeOf(mine), t.TimeOf(theirs)))):P1}");
                }

                // The driver's share too (building operation trees, dispatching operation actions): what a build waits for.
                Console.WriteLine($"  analysis wall time (driver and analyzers, after the compiler): baseline {Measurement.Median(pair[0].Select(r => r.Wall - r.Compile)).TotalMilliseconds:F1} ms, " +
                                  $"this build {Measurement.Median(pair[1].Select(r => r.Wall - r.Compile)).TotalMilliseconds:F1} ms, " +
                                  $"ratio {MedianRatio(pair[1].Zip(pair[0], (m, t) => (m.Wall - m.Compile, t.Wall - t.Compile))):P1}");
                Console.WriteLine("Diagnostics in the last round: baseline " + string.Join(", ", Summary(pair[0][^1].DiagnosticsById)) +
                                  "; this build " + string.Join(", ", Summary(pair[1][^1].DiagnosticsById)));
                return 0;
            }

            // The driver alone (an analyzer that asks for every body and symbol and does nothing) allocates too:
            // subtracting it leaves what Ownership's own code allocates.
            var driverOnly = ImmutableArray.Create<DiagnosticAnalyzer>(new DriverOnlyAnalyzer());
            var measureDriver = Array.IndexOf(args, "--driver-only") >= 0;
            var driverRuns = measureDriver ? null : Measurement.Repeat(scenario, driverOnly, repeat);
            using var sampler = Array.IndexOf(args, "--allocations") >= 0 ? new AllocationSampler() : null;
            var runs = Measurement.Repeat(scenario, measureDriver ? driverOnly.AddRange(others) : sets.Ownership, repeat);
            if (sampler is not null)
            {
                AllocationSampler.Print(top: 60);
            }

            if (measureDriver)
            {
                // What the driver's own dispatch of empty callbacks costs an analyzer: the floor under every analyzer's time.
                Console.WriteLine($"Median: do-nothing analyzer {Measurement.Median(runs.Select(r => r.TimeOf(driverOnly))).TotalMilliseconds:F1} ms, " +
                                  $"{MedianBytes(runs) >> 10:N0} KiB allocated");
                if (!others.IsEmpty)
                {
                    Console.WriteLine($"  beside the other analyzers: CA2000 {Measurement.Median(runs.Select(r => r.TimeOf(sets.Ca2000))).TotalMilliseconds:F1} ms; " +
                                      $"do-nothing analyzer / CA2000 {MedianRatio(runs.Select(r => (r.TimeOf(driverOnly), r.TimeOf(sets.Ca2000)))):P1}");
                }

                return 0;
            }

            var driverAllocated = MedianBytes(driverRuns!);
            foreach (var run in runs)
            {
                var each = string.Join(", ", sets.Ownership.Select(a => $"{a.GetType().Name} {Ms(run.TimeOf(new[] { a }))}"));
                Console.WriteLine($"Ownership {Ms(run.TimeOf(sets.Ownership))} ({each}); allocated by Ownership {(run.Allocated - driverAllocated) >> 10:N0} KiB (driver alone {driverAllocated >> 10:N0} KiB); {run.Collections} collections");
            }

            Console.WriteLine("Diagnostics in the last run: " + string.Join(", ", Summary(runs[^1].DiagnosticsById)));
            var medians = string.Join(", ", sets.Ownership.Select(a => $"{a.GetType().Name} {Ms(Measurement.Median(runs.Select(r => r.TimeOf(new[] { a }))))}"));
            Console.WriteLine($"Median: Ownership {Measurement.Median(runs.Select(r => r.TimeOf(sets.Ownership))).TotalMilliseconds:F1} ms ({medians}); allocated by Ownership {(MedianBytes(runs) - driverAllocated) >> 10:N0} KiB");

            return 0;
        }

        var ownership = sets.Ownership;
        var withNet = ownership.AddRange(sets.NetAnalyzers);
        var all = withNet.AddRange(sets.IDisposableAnalyzers);
        // The same analyzers with Ownership last: the driver runs one declaration's analyzers in this order, and the first to
        // ask for a body's flow graph builds it for the others, so each order favours one side.
        var allOwnershipLast = sets.NetAnalyzers.AddRange(sets.IDisposableAnalyzers).AddRange(ownership);
        Console.WriteLine($"# Ownership analyzer benchmark ({DateTime.UtcNow:yyyy-MM-dd})");
        Console.WriteLine();
        Console.WriteLine($"Runtime {Environment.Version}, {Environment.ProcessorCount} cores; single-threaded compilation and analysis; median of {repeat} runs after one warm-up; " +
                          (Measurement.NoCollections ? "analyzers run in a no-GC region (--no-collections)." : "collections allowed."));
        Console.WriteLine($"Analyzers: Ownership {ownership.Length} types ({string.Join(", ", ownership.Select(a => a.GetType().Name))}); NetAnalyzers {sets.NetAnalyzers.Length} types (CA2000 in {Names(sets.Ca2000)}, CA2213 in {Names(sets.Ca2213)}); IDisposableAnalyzers {sets.IDisposableAnalyzers.Length} types.");
        Console.WriteLine();

        var corpus = Corpus.Generate(files);
        var lines = corpus.Sum(f => LineCount(f.Text));
        var ownershipFiles = corpus.Count(f => f.IsOwnershipCode);
        Console.WriteLine($"## Corpus 1×: {corpus.Count} files, {lines:N0} lines, {ownershipFiles} ownership files ({100.0 * ownershipFiles / corpus.Count:F0}%)");
        Console.WriteLine();

        var compilerErrors = Measurement.Compile(corpus).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        if (compilerErrors.Count > 0)
        {
            Console.Error.WriteLine($"The corpus does not compile: {compilerErrors.Count} errors, first: {compilerErrors[0]}");
            return 1;
        }

        var interleaved = Measurement.RepeatInterleaved(corpus, new[] { ImmutableArray<DiagnosticAnalyzer>.Empty, ownership, withNet, all, sets.Ca2000, allOwnershipLast }, repeat);
        var (compileOnly, ownershipOnly, netRuns, allRuns, ca2000Only, allLastRuns) = (interleaved[0], interleaved[1], interleaved[2], interleaved[3], interleaved[4], interleaved[5]);

        var compile = Measurement.Median(compileOnly.Select(r => r.Wall));
        var ownershipPerCompile = MedianRatio(ownershipOnly.Select(r => (r.TimeOf(ownership), r.Compile)));
        var ownershipPerCa2000 = MedianRatio(allRuns.Select(r => (r.TimeOf(ownership), r.TimeOf(sets.Ca2000))));
        var ownershipLastPerCa2000 = MedianRatio(allLastRuns.Select(r => (r.TimeOf(ownership), r.TimeOf(sets.Ca2000))));
        // In one run, the first analyzer to ask for a body's flow graph builds it and the others get it from the driver's
        // cache; each alone, each builds its own. Both ratios are printed.
        var ownershipAlonePerCa2000Alone = MedianRatio(ownershipOnly.Zip(ca2000Only, (o, c) => (o.TimeOf(ownership), c.TimeOf(sets.Ca2000))));
        var ca2000Alone = Measurement.Median(ca2000Only.Select(r => r.TimeOf(sets.Ca2000)));
        var ownershipPerDisposable = MedianRatio(allRuns.Select(r => (r.TimeOf(ownership), r.TimeOf(sets.IDisposableAnalyzers))));
        var ownershipTime = Measurement.Median(allRuns.Select(r => r.TimeOf(ownership)));
        var ownershipAlone = Measurement.Median(ownershipOnly.Select(r => r.TimeOf(ownership)));
        var ca2000 = Measurement.Median(allRuns.Select(r => r.TimeOf(sets.Ca2000)));
        var ca2213 = Measurement.Median(allRuns.Select(r => r.TimeOf(sets.Ca2213)));
        var netTotal = Measurement.Median(allRuns.Select(r => r.TimeOf(sets.NetAnalyzers)));
        var disposableTotal = Measurement.Median(allRuns.Select(r => r.TimeOf(sets.IDisposableAnalyzers)));

        Console.WriteLine("| configuration | wall time (parse + compile + analyzers) |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| compilation alone (GetDiagnostics) | {Ms(compile)} (within the Ownership runs: {Ms(Measurement.Median(ownershipOnly.Select(r => r.Compile)))}) |");
        Console.WriteLine($"| + Ownership | {Ms(Measurement.Median(ownershipOnly.Select(r => r.Wall)))} |");
        Console.WriteLine($"| + NetAnalyzers (CA2000, CA2213 on) | {Ms(Measurement.Median(netRuns.Select(r => r.Wall)))} |");
        Console.WriteLine($"| + IDisposableAnalyzers | {Ms(Measurement.Median(allRuns.Select(r => r.Wall)))} |");
        Console.WriteLine();

        Console.WriteLine("Analyzer execution time (GetAnalyzerTelemetryInfoAsync, all analyzers in one run, Ownership's first):");
        Console.WriteLine();
        Console.WriteLine("| analyzer | time |");
        Console.WriteLine("|---|---:|");
        foreach (var analyzer in ownership)
        {
            Console.WriteLine($"| Ownership {analyzer.GetType().Name} | {Ms(Measurement.Median(allRuns.Select(r => r.TimeOf(new[] { analyzer }))))} |");
        }

        Console.WriteLine($"| **Ownership total** | **{Ms(ownershipTime)}** (alone: {Ms(ownershipAlone)}; run last: {Ms(Measurement.Median(allLastRuns.Select(r => r.TimeOf(ownership))))}) |");
        Console.WriteLine($"| CA2000 ({Names(sets.Ca2000)}) | {Ms(ca2000)} (alone: {Ms(ca2000Alone)}; Ownership run last: {Ms(Measurement.Median(allLastRuns.Select(r => r.TimeOf(sets.Ca2000))))}) |");
        Console.WriteLine($"| CA2213 ({Names(sets.Ca2213)}) | {Ms(ca2213)} |");
        Console.WriteLine($"| NetAnalyzers total | {Ms(netTotal)} |");
        Console.WriteLine($"| IDisposableAnalyzers total | {Ms(disposableTotal)} |");
        foreach (var (analyzer, time) in sets.IDisposableAnalyzers
                     .Select(a => (a, Measurement.Median(allRuns.Select(r => r.TimeOf(new[] { a })))))
                     .OrderByDescending(p => p.Item2)
                     .Take(3))
        {
            Console.WriteLine($"| &nbsp;&nbsp;IDisposableAnalyzers {analyzer.GetType().Name} | {Ms(time)} |");
        }

        Console.WriteLine();
        Console.WriteLine("Diagnostics in the last run: " + string.Join(", ", Summary(allRuns[^1].DiagnosticsById)));
        Report(allRuns.Concat(allLastRuns).Concat(ownershipOnly).SelectMany(r => r.Crashes));
        Console.WriteLine();

        // Scaling: four times the files (different seeds' worth of code, same mix), run in turn with the 1× corpus so that
        // both sides of each ratio are measured minutes apart at most.
        var corpus4 = Corpus.Generate(files * 4);
        var scaling = Measurement.RepeatInterleaved(new[] { ((IReadOnlyList<CorpusFile>)corpus, ownership), (corpus4, ownership) }, repeat);
        var (ownership1Runs, ownership4Runs) = (scaling[0], scaling[1]);
        var compile4 = Measurement.Median(ownership4Runs.Select(r => r.Compile));
        var compile1 = Measurement.Median(ownership1Runs.Select(r => r.Compile));
        var ownership4 = Measurement.Median(ownership4Runs.Select(r => r.TimeOf(ownership)));
        var ownership1 = Measurement.Median(ownership1Runs.Select(r => r.TimeOf(ownership)));
        var scalingRatio = MedianRatio(ownership4Runs.Zip(ownership1Runs, (four, one) => (four.TimeOf(ownership), one.TimeOf(ownership))));
        Report(ownership4Runs.SelectMany(r => r.Crashes));
        Console.WriteLine($"## Corpus 4×: {corpus4.Count} files, {corpus4.Sum(f => LineCount(f.Text)):N0} lines");
        Console.WriteLine();
        Console.WriteLine($"compilation {Ms(compile4)} ({Ratio(compile4, compile1)} of 1×); Ownership {Ms(ownership4)} against {Ms(ownership1)} for 1× in the same rounds ({scalingRatio:F2}×, median of per-round ratios); collections during the analyzers: {MedianCount(ownership4Runs)} (4×), {MedianCount(ownership1Runs)} (1×)");
        Console.WriteLine();

        // One huge method: deep nesting, 50 tracked values.
        var hugeText = Corpus.HugeMethod(hugeLines, depth: 8, tracked: 50);
        var huge = new List<CorpusFile> { new("Corpus/Huge.cs", hugeText, true) };
        var hugeErrors = Measurement.Compile(huge).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        if (hugeErrors.Count > 0)
        {
            Console.Error.WriteLine($"The huge method does not compile: {hugeErrors.Count} errors, first: {hugeErrors[0]}");
            return 1;
        }

        var hugeRuns = Measurement.Repeat(huge, ownership, repeat);
        var hugeCompile = Measurement.Median(hugeRuns.Select(r => r.Compile));
        var hugeOwnership = Measurement.Median(hugeRuns.Select(r => r.TimeOf(ownership)));
        Report(hugeRuns.SelectMany(r => r.Crashes));
        Console.WriteLine($"## One {LineCount(hugeText):N0}-line method, nesting depth 8, 50 tracked values");
        Console.WriteLine();
        Console.WriteLine($"compilation {Ms(hugeCompile)}; Ownership {Ms(hugeOwnership)}; diagnostics: {string.Join(", ", Summary(hugeRuns[^1].DiagnosticsById))}");
        Console.WriteLine();

        // Nothing tracked: the business half of the mix only.
        var plain = Corpus.Generate(files, seed: 7, ownershipShare: 0);
        var plainRuns = Measurement.Repeat(plain, ownership, repeat);
        var plainCompile = Measurement.Median(plainRuns.Select(r => r.Compile));
        var plainOwnership = Measurement.Median(plainRuns.Select(r => r.TimeOf(ownership)));
        var plainPerCompile = MedianRatio(plainRuns.Select(r => (r.TimeOf(ownership), r.Compile)));
        Report(plainRuns.SelectMany(r => r.Crashes));
        Console.WriteLine($"## Nothing tracked: {plain.Count} business files, {plain.Sum(f => LineCount(f.Text)):N0} lines");
        Console.WriteLine();
        Console.WriteLine($"compilation {Ms(plainCompile)}; Ownership {Ms(plainOwnership)} ({plainPerCompile:P1} of compilation)");
        Console.WriteLine();

        Console.WriteLine("## Targets");
        Console.WriteLine();
        Console.WriteLine("| measure | value | target | met |");
        Console.WriteLine("|---|---:|---:|:---:|");
        Target("Ownership / CA2000 (Ownership's analyzers first)", ownershipPerCa2000, 0.25);
        Target("Ownership / CA2000 (Ownership's analyzers last)", ownershipLastPerCa2000, 0.25);
        Target("Ownership alone / CA2000 alone", ownershipAlonePerCa2000Alone, 0.25);
        Target("Ownership / IDisposableAnalyzers", ownershipPerDisposable, 0.10);
        Target("Ownership / compilation", ownershipPerCompile, 0.10);
        Target("Ownership 4× / 1×", scalingRatio, 4.5, percent: false);
        Console.WriteLine($"| {LineCount(hugeText):N0}-line method | {Ms(hugeOwnership)} | < 200 ms | {(hugeOwnership.TotalMilliseconds < 200 ? "yes" : "no")} |");
        Target("nothing tracked: Ownership / compilation", plainPerCompile, 0.02);
        Console.WriteLine();
        Console.WriteLine("Ratios are medians of per-run ratios (both sides measured in the same run), so a change of load between runs cancels out.");
        return 0;
    }

    /// <summary>The median of the runs' allocated bytes (the upper middle one of an even count).</summary>
    private static long MedianBytes(IReadOnlyList<RunResult> runs) => runs.Select(r => r.Allocated).OrderBy(bytes => bytes).ElementAt(runs.Count / 2);

    private static int MedianCount(IReadOnlyList<RunResult> runs) => runs.Select(r => r.Collections).OrderBy(n => n).ElementAt(runs.Count / 2);

    private static double MedianRatio(IEnumerable<(TimeSpan Value, TimeSpan Reference)> pairs)
    {
        var ratios = pairs.Select(p => p.Value.TotalMilliseconds / Math.Max(0.001, p.Reference.TotalMilliseconds)).OrderBy(r => r).ToList();
        return ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2;
    }

    private static void Target(string name, double value, double limit, bool percent = true)
    {
        var shown = percent ? value.ToString("P2", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture) + "×";
        var target = percent ? "≤ " + limit.ToString("P0", CultureInfo.InvariantCulture) : "≤ " + limit.ToString("F1", CultureInfo.InvariantCulture) + "×";
        Console.WriteLine($"| {name} | {shown} | {target} | {(value <= limit ? "yes" : "no")} |");
    }

    private static void Report(IEnumerable<string> crashes)
    {
        foreach (var crash in crashes.Distinct().Take(10))
        {
            Console.WriteLine("ANALYZER EXCEPTION: " + crash);
        }
    }

    private static IEnumerable<string> Summary(Dictionary<string, int> byId) =>
        byId.Where(p => p.Key.StartsWith("OWN", StringComparison.Ordinal) || p.Key is "CA2000" or "CA2213" || p.Key.StartsWith("IDISP", StringComparison.Ordinal) || p.Key == "AD0001")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {p.Value}");

    private static string Names(ImmutableArray<DiagnosticAnalyzer> analyzers) => string.Join(", ", analyzers.Select(a => a.GetType().Name));

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static string Ratio(TimeSpan value, TimeSpan reference) =>
        (value.TotalMilliseconds / reference.TotalMilliseconds).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static int LineCount(string text) => text.Count(c => c == '\n');

    private static int Argument(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
