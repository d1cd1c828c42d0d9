using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Ownership.Analyzers.Rules;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>
/// Asks the analyzer driver for what Ownership asks (every operation block, with the operations of the kinds its
/// relevance scan looks at, and every member symbol) and does nothing with it: the allocations of a run with it alone
/// are the driver's, not any analyzer's.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DriverOnlyAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BENCH000", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Never);

    public override void Initialize(AnalysisContext context)
    {
        // As OwnershipAnalyzer configures itself.
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationBlockStartAction(start =>
        {
            start.RegisterOperationAction(_ => { }, RelevanceScan.Kinds);
            start.RegisterOperationBlockEndAction(_ => { });
        });
        context.RegisterSymbolAction(_ => { }, SymbolKind.Method, SymbolKind.Field, SymbolKind.Property, SymbolKind.NamedType);
    }
}
