using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Rules
{
    /// <summary>OWN012: malformed contract lines, reported in their file at their line.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AnnotationAnalyzer : OwnershipAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.OWN012InvalidAnnotation);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, ContractProvider contracts)
        {
            if (contracts.Errors.IsEmpty)
            {
                return;
            }

            context.RegisterAdditionalFileAction(file =>
            {
                foreach (var error in contracts.Errors)
                {
                    if (string.Equals(error.Path, file.AdditionalFile.Path, StringComparison.Ordinal))
                    {
                        var location = Location.Create(error.Path, error.Span, error.LineSpan);
                        file.ReportDiagnostic(Diagnostic.Create(Descriptors.OWN012InvalidAnnotation, location, error.Message));
                    }
                }
            });
        }
    }
}
