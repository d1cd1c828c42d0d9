using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Ownership.Analyzers.Rules;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// The relevance scan lets the flow analyzer skip bodies that touch no resource. Skipping must cost no finding: every
/// seed (and broken variants of them) is analysed as hosts run it and again with every body analysed, and the two must
/// report the same.
/// </summary>
public class ScanTests
{
    private const int MutatedVariants = 150;

    private readonly ITestOutputHelper output;

    public ScanTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public async Task The_scan_skips_no_body_with_a_finding()
    {
        var differences = new StringBuilder();
        var sources = 0;
        var findings = 0;
        foreach (var (name, text) in Sources())
        {
            // Every other source with both options on: they make more bodies relevant (every disposable) and add findings.
            var options = sources++ % 2 == 1 ? RobustnessHarness.EveryOptionOn : null;
            var compilation = RobustnessHarness.Compile(text);
            var exceptions = new ConcurrentQueue<string>();
            var scanned = await KeysAsync(new FlowAnalyzer(), options);
            var everyBody = await KeysAsync(new FlowAnalyzer(analyzeEveryBody: true), options);
            findings += everyBody.Count;
            if (!scanned.SequenceEqual(everyBody) || !exceptions.IsEmpty)
            {
                differences.Append($"{name} (options {(options is null ? "off" : "on")}):\n")
                    .Append($"  missed by the scan:\n    {string.Join("\n    ", everyBody.Except(scanned))}\n")
                    .Append($"  found only with the scan:\n    {string.Join("\n    ", scanned.Except(everyBody))}\n");
                foreach (var exception in exceptions.Distinct())
                {
                    differences.Append("  ").Append(exception).Append('\n');
                }
            }

            if (differences.Length > 4000)
            {
                break;
            }

            async Task<List<string>> KeysAsync(FlowAnalyzer analyzer, AnalyzerConfigOptionsProvider? config) =>
                (await RobustnessHarness.AnalyzeAsync(compilation, ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), exceptions, options: config))
                .Where(d => d.Location.IsInSource)
                .Select(RobustnessHarness.Key)
                .OrderBy(k => k, StringComparer.Ordinal)
                .ToList();
        }

        output.WriteLine($"{sources} sources, {findings} findings with every body analysed");
        if (differences.Length > 0)
        {
            throw new XunitException(differences.ToString());
        }

        // The comparison means something only if the sources have findings to miss.
        Assert.True(findings > 250, $"only {findings} findings");
    }

    private static IEnumerable<(string Name, string Text)> Sources() => RobustnessSeeds.WithVariants(RobustnessSeeds.All, MutatedVariants, 13, 300_000);
}
