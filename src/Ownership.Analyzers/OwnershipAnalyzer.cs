using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers
{
    /// <summary>
    /// The base of every Ownership analyzer: concurrent, silent on generated code, and handed the contracts of a
    /// compilation at its start (built once per compilation and shared by the analyzers). Nothing is registered when
    /// the compilation can hold no resource.
    /// </summary>
    public abstract class OwnershipAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc />
        public sealed override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(start =>
            {
                var contracts = ContractProvider.For(start.Compilation, start.Options, start.CancellationToken);
                if (!contracts.HasAnything)
                {
                    return;
                }

                Register(start, contracts);
            });
        }

        /// <summary>Registers the rule's actions for one compilation whose contracts are resolved.</summary>
        protected abstract void Register(CompilationStartAnalysisContext context, ContractProvider contracts);
    }
}
