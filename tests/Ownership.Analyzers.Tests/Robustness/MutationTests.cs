using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// Code as it is while being typed: thousands of broken variants of the rule tests' sources, the sample and the
/// allocators. Every analyzer and every code fix must survive each one (no exception, no AD0001) in bounded time.
/// </summary>
public class MutationTests
{
    /// <summary>
    /// Variants in one run: 2,000 take about a minute of CPU with the code fixes (half a minute on two free cores). Set
    /// OWNERSHIP_ROBUSTNESS_VARIANTS for a longer hunt; the variants are the same for the same count.
    /// </summary>
    private static readonly int Variants =
        int.TryParse(Environment.GetEnvironmentVariable("OWNERSHIP_ROBUSTNESS_VARIANTS"), out var variants) && variants > 0 ? variants : 2000;

    /// <summary>
    /// The first variant's number: OWNERSHIP_ROBUSTNESS_FIRST=100000 hunts through variants no earlier run made (each number
    /// picks its seed and its mutations).
    /// </summary>
    private static readonly int First =
        int.TryParse(Environment.GetEnvironmentVariable("OWNERSHIP_ROBUSTNESS_FIRST"), out var first) && first > 0 ? first : 0;

    /// <summary>The time one variant may take to compile and analyze (a timed-out variant is retried once before failing).</summary>
    private static readonly TimeSpan PerVariantLimit = TimeSpan.FromSeconds(2);

    private readonly ITestOutputHelper output;

    public MutationTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task Every_analyzer_and_code_fix_survives_broken_code()
    {
        var seeds = RobustnessSeeds.All;
        Assert.True(seeds.Count > 50, $"only {seeds.Count} seeds were found");
        Assert.NotEmpty(RobustnessHarness.AnalyzerTypes);

        var failures = new ConcurrentQueue<string>();
        var slow = new ConcurrentQueue<string>();
        var fixActions = 0;
        var fixAllActions = 0;
        var bindingVariants = 0;
        var parsingVariants = 0;
        var diagnostics = 0;
        var total = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var next = First - 1;

        // Two workers: the machines this runs on have two cores. Analyzer instances are shared, as a host shares them.
        var analyzers = RobustnessHarness.NewAnalyzers();
        var fixes = RobustnessHarness.NewCodeFixes();
        async Task Worker()
        {
            int variant;
            while ((variant = Interlocked.Increment(ref next)) < First + Variants && failures.Count < 5)
            {
                var seed = seeds[variant % seeds.Count];
                // Every third variant still parses, so that the code fixes run on it.
                var binding = variant % 3 == 2;
                var (text, description) = binding ? SourceMutator.MutateBinding(seed.Text, variant) : SourceMutator.Mutate(seed.Text, variant);
                if (binding)
                {
                    Interlocked.Increment(ref bindingVariants);
                    if (!CSharpSyntaxTree.ParseText(text).GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
                    {
                        Interlocked.Increment(ref parsingVariants);
                    }
                }

                var exceptions = new ConcurrentQueue<string>();
                // Every other variant with the options on, since they open paths the defaults never run.
                var options = variant % 2 == 1 ? RobustnessHarness.EveryOptionOn : null;
                var (elapsed, count) = await TimedAsync(text, analyzers, exceptions, options);
                if (elapsed > PerVariantLimit)
                {
                    // A GC pause or a neighbour's build can stall one run: only a variant slow twice is a failure.
                    (elapsed, count) = await TimedAsync(text, analyzers, new ConcurrentQueue<string>(), options);
                    if (elapsed > PerVariantLimit)
                    {
                        slow.Enqueue($"variant {variant} of {seed.Name} ({description}) took {elapsed.TotalMilliseconds:N0} ms");
                    }
                }

                Interlocked.Add(ref diagnostics, count);
                var (actions, fixAlls) = await RobustnessHarness.ExerciseCodeFixesAsync(text, fixes, analyzers, exceptions, options: options);
                Interlocked.Add(ref fixActions, actions);
                Interlocked.Add(ref fixAllActions, fixAlls);
                if (!exceptions.IsEmpty)
                {
                    failures.Enqueue($"variant {variant} of {seed.Name} ({description}):\n{string.Join("\n", exceptions.Distinct())}\n--- source ---\n{text}");
                }
            }
        }

        await Task.WhenAll(Task.Run(Worker), Task.Run(Worker));
        output.WriteLine($"{Math.Min(Variants, next - First)} variants (from number {First}) of {seeds.Count} seeds ({parsingVariants} of {bindingVariants} broken only in binding parse), {RobustnessHarness.AnalyzerTypes.Length} analyzers, {RobustnessHarness.CodeFixTypes.Length} code fixes ({fixActions} actions run, {fixAllActions} of them Fix All), {diagnostics} diagnostics, in {total.Elapsed.TotalSeconds:N1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:N1} s of CPU in the test process, other tests included)");

        // The binding variants are there to run the code fixes, which need code that parses.
        Assert.True(parsingVariants * 2 > bindingVariants, $"only {parsingVariants} of {bindingVariants} binding variants parse");

        var report = new StringBuilder();
        foreach (var failure in failures.Take(3))
        {
            report.Append(failure).Append("\n\n");
        }

        foreach (var line in slow.Take(10))
        {
            report.Append(line).Append('\n');
        }

        if (report.Length > 0)
        {
            throw new XunitException(report.ToString());
        }
    }

    private static async Task<(TimeSpan Elapsed, int Diagnostics)> TimedAsync(string text, System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer> analyzers, ConcurrentQueue<string> exceptions, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider? options)
    {
        var stopwatch = Stopwatch.StartNew();
        var compilation = RobustnessHarness.Compile(text);
        var diagnostics = await RobustnessHarness.AnalyzeAsync(compilation, analyzers, exceptions, options: options);
        return (stopwatch.Elapsed, diagnostics.Length);
    }
}
