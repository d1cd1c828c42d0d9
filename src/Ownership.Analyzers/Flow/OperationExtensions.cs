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

        /// <summary>
        /// <c>list.Add(x)</c>, <c>stack.Push(x)</c>, <c>queue.Enqueue(x)</c>, <c>list.Insert(i, x)</c> on a collection (a type
        /// that implements <c>IEnumerable</c>): the collection keeps the value. An <c>Add</c> of anything else
        /// (<c>buffer.Add(bytes, offset, count)</c> copying into pages) is an ordinary call.
        /// </summary>
        public static bool IsCollectionAdd(this IInvocationOperation invocation)
        {
            return invocation.TargetMethod.Name is "Add" or "Push" or "Enqueue" or "Insert" && invocation.Instance?.Type is { } type &&
                   (type.SpecialType == SpecialType.System_Collections_IEnumerable || ImplementsEnumerable(type));
        }

        private static bool ImplementsEnumerable(ITypeSymbol type)
        {
            foreach (var implemented in type.AllInterfaces)
            {
                if (implemented.SpecialType == SpecialType.System_Collections_IEnumerable)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
