using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Ownership.Analyzers.Flow
{
    /// <summary>Small helpers over operations shared by the flow and the rules.</summary>
    internal static class OperationExtensions
    {
        /// <summary>The operand under any implicit or explicit conversions: <c>(byte*)p</c> is <c>p</c>.</summary>
        public static IOperation WithoutConversions(this IOperation operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
