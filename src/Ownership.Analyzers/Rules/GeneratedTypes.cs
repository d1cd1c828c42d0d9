using Microsoft.CodeAnalysis;
using Ownership.Analyzers.Flow;

namespace Ownership.Analyzers.Rules
{
    /// <summary>Types the compiler wrote, which follow its own protocol for what they hold.</summary>
    internal static class GeneratedTypes
    {
        /// <summary>
        /// True for a type marked <c>[CompilerGenerated]</c> (a state machine or closure, as a decompiler writes it out when
        /// it cannot rebuild the iterator or lambda), or one nested in it. Only the compiler puts the attribute there.
        /// </summary>
        public static bool IsCompilerGenerated(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (attribute.AttributeClass is { } attributeClass && BodyAnalysis.IsSystemType(attributeClass, "Runtime.CompilerServices", "CompilerGeneratedAttribute"))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
