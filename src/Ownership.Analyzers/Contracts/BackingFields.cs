using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>An auto-property and the field the compiler declares for it: one value under two symbols.</summary>
    internal static class BackingFields
    {
        /// <summary>The compiler's backing field of an auto-property; null for any other property.</summary>
        public static IFieldSymbol? Of(IPropertySymbol property)
        {
            foreach (var member in property.ContainingType.GetMembers())
            {
                if (member is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.AssociatedSymbol, property))
                {
                    return field;
                }
            }

            return null;
        }

        /// <summary>What the source declares for <paramref name="symbol"/>: the auto-property of a backing field, else the symbol itself.</summary>
        public static ISymbol Declared(ISymbol symbol)
        {
            return symbol is IFieldSymbol { AssociatedSymbol: IPropertySymbol property } ? property : symbol;
        }
    }
}
