using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;
using Ownership.Analyzers.Rules;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// A body without loops is analysed in one pass that reports as it goes; every other body runs to its fixpoint and
/// then reports. The one pass must find exactly what the fixpoint finds: every body of every seed (and of broken
/// variants of them) is analysed both ways, with the options off and on, and the findings compared.
/// </summary>
public class OnePassTests
{
    private const int MutatedVariants = 150;

    private readonly ITestOutputHelper output;

    public OnePassTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void One_pass_over_a_body_without_loops_finds_what_the_fixpoint_finds()
    {
        var differences = new StringBuilder();
        var loopFreeBodies = 0;
        var findingsInLoopFreeBodies = 0;
        foreach (var (name, text) in Sources())
        {
            var compilation = RobustnessHarness.Compile(text);
            var contracts = ContractProvider.Create(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), CancellationToken.None);
            foreach (var tree in compilation.SyntaxTrees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseMethodDeclarationSyntax>())
                {
                    var graphOfBody = model.GetOperation(declaration) switch
                    {
                        IMethodBodyOperation methodBody => ControlFlowGraph.Create(methodBody),
                        IConstructorBodyOperation constructorBody => ControlFlowGraph.Create(constructorBody),
                        _ => null,
                    };
                    if (graphOfBody is null)
                    {
                        continue;
                    }

                    var method = model.GetDeclaredSymbol(declaration) as IMethodSymbol;
                    foreach (var (graph, symbol) in Bodies(graphOfBody, method))
                    {
                        var loopFree = graph.Blocks.All(b => b.Predecessors.All(p => p.Source.Ordinal < b.Ordinal));
                        foreach (var options in new[] { false, true })
                        {
                            List<string> fixpoint, onePass;
                            try
                            {
                                fixpoint = Findings(graph, symbol, contracts, options, onePassWithoutLoops: false);
                            }
                            catch (Exception e)
                            {
                                differences.Append($"{name}, {symbol?.Name}, fixpoint: {e.GetType().Name} {e.StackTrace?.Split('\n')[1]}\n");
                                continue;
                            }

                            onePass = Findings(graph, symbol, contracts, options, onePassWithoutLoops: true);
                            if (!onePass.SequenceEqual(fixpoint))
                            {
                                differences.Append($"{name}, {symbol?.Name ?? "a body"} (options {(options ? "on" : "off")}):\n")
                                    .Append($"  to the fixpoint first:\n    {string.Join("\n    ", fixpoint)}\n")
                                    .Append($"  in one pass:\n    {string.Join("\n    ", onePass)}\n");
                            }

                            if (loopFree && !options)
                            {
                                loopFreeBodies++;
                                findingsInLoopFreeBodies += fixpoint.Count;
                            }
                        }
                    }
                }
            }

            if (differences.Length > 4000)
            {
                break;
            }
        }

        output.WriteLine($"{loopFreeBodies} bodies without loops, {findingsInLoopFreeBodies} findings in them");
        if (differences.Length > 0)
        {
            throw new XunitException(differences.ToString());
        }

        // The comparison means something only if the seeds have loop-free bodies with findings in them.
        Assert.True(loopFreeBodies > 200, $"only {loopFreeBodies} bodies without loops");
        Assert.True(findingsInLoopFreeBodies > 100, $"only {findingsInLoopFreeBodies} findings in bodies without loops");
    }

    private static IEnumerable<(string Name, string Text)> Sources() => RobustnessSeeds.WithVariants(RobustnessSeeds.All, MutatedVariants, 11, 200_000);

    /// <summary>A body's graph, and those of its local functions and lambdas, as FlowAnalyzer runs them.</summary>
    private static IEnumerable<(ControlFlowGraph Graph, IMethodSymbol? Method)> Bodies(ControlFlowGraph graph, IMethodSymbol? method)
    {
        yield return (graph, method);
        foreach (var localFunction in graph.LocalFunctions)
        {
            foreach (var nested in Bodies(graph.GetLocalFunctionControlFlowGraph(localFunction), localFunction))
            {
                yield return nested;
            }
        }

        foreach (var lambda in graph.Blocks.SelectMany(FlowAnalyzer.LambdasIn))
        {
            foreach (var nested in Bodies(graph.GetAnonymousFunctionControlFlowGraph(lambda), lambda.Symbol))
            {
                yield return nested;
            }
        }
    }

    private static List<string> Findings(ControlFlowGraph graph, IMethodSymbol? method, ContractProvider contracts, bool options, bool onePassWithoutLoops)
    {
        var diagnostics = new List<Diagnostic>();
        var settings = new FlowSettings(new HashSet<string>(), leaksOnExceptionPaths: options, trackAllDisposables: options);
        BodyAnalysis.Run(graph, method, contracts, new FlowDiagnostics(diagnostics.Add, contracts), settings, CancellationToken.None, onePassWithoutLoops);
        return diagnostics.Select(RobustnessHarness.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
    }
}
