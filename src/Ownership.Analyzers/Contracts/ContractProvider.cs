using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>Answers what each member owns, borrows, transfers, releases or invalidates, for one compilation.</summary>
    public sealed class ContractProvider
    {
        private ContractProvider(bool hasAnything)
        {
            HasAnything = hasAnything;
        }

        /// <summary>False when the compilation can hold no resource this package tracks.</summary>
        public bool HasAnything { get; }

        /// <summary>Resolves the annotation symbols and reads the contract files of one compilation.</summary>
        public static ContractProvider Create(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            return new ContractProvider(compilation.GetTypeByMetadataName("Ownership.OwnedAttribute") is not null);
        }
    }
}
