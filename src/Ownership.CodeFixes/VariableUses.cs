using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// What a stretch of code does with one variable, as far as moving or adding a release is concerned: nothing that
    /// matters, releases it (at <see cref="Releases"/>), or something a fix must not move a release across
    /// (transfer, reassignment, aliasing, return, capture, address taken).
    /// </summary>
    internal sealed class VariableUses
    {
        private VariableUses(bool isSafe, List<InvocationExpressionSyntax> releases, bool isUsed)
        {
            IsSafe = isSafe;
            Releases = releases;
            IsUsed = isUsed;
        }

        /// <summary>False when a release must not be added, moved or removed across this code.</summary>
        public bool IsSafe { get; }

        /// <summary>The calls that release the variable (only meaningful when <see cref="IsSafe"/>).</summary>
        public List<InvocationExpressionSyntax> Releases { get; }

        /// <summary>True when the code mentions the variable at all.</summary>
        public bool IsUsed { get; }

        /// <summary>Classifies every reference to <paramref name="variable"/> inside <paramref name="nodes"/>.</summary>
        public static VariableUses Of(
            IEnumerable<SyntaxNode> nodes,
            ISymbol variable,
            SemanticModel model,
            ContractProvider contracts,
            CancellationToken cancellationToken)
        {
            var releases = new List<InvocationExpressionSyntax>();
            var isUsed = false;
            foreach (var node in nodes)
            {
                foreach (var descendant in node.DescendantNodesAndSelf())
                {
                    if (descendant is not IdentifierNameSyntax name || name.Identifier.ValueText != variable.Name)
                    {
                        continue;
                    }

                    if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable))
                    {
                        continue;
                    }

                    isUsed = true;
                    if (!Classify(name, model, contracts, releases, cancellationToken))
                    {
                        return new VariableUses(false, releases, true);
                    }
                }
            }

            return new VariableUses(true, releases, isUsed);
        }

        /// <summary>False for a use a release must not cross; a release is added to <paramref name="releases"/>.</summary>
        private static bool Classify(IdentifierNameSyntax name, SemanticModel model, ContractProvider contracts, List<InvocationExpressionSyntax> releases, CancellationToken cancellationToken)
        {
            foreach (var ancestor in name.Ancestors())
            {
                // A lambda or local function may run at any time: a release must not move across it.
                if (ancestor is AnonymousFunctionExpressionSyntax || ancestor is LocalFunctionStatementSyntax)
                {
                    return false;
                }

                if (ancestor is StatementSyntax)
                {
                    break;
                }
            }

            var operation = model.GetOperation(name, cancellationToken);
            if (operation is null)
            {
                return false;
            }

            var value = operation;
            while (value.Parent is IConversionOperation || value.Parent is IParenthesizedOperation)
            {
                value = value.Parent;
            }

            switch (value.Parent)
            {
                case IArgumentOperation argument:
                    if (argument.Parameter is null || argument.Parameter.RefKind == RefKind.Ref || argument.Parameter.RefKind == RefKind.Out)
                    {
                        return false;
                    }

                    var method = argument.Parent switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod,
                        IObjectCreationOperation creation => creation.Constructor,
                        _ => null,
                    };
                    if (method is null)
                    {
                        return false;
                    }

                    return Called(contracts.GetMethod(method).Parameter(argument.Parameter.Ordinal).Kind, argument.Parent, releases);
                case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, value):
                    return Called(contracts.GetMethod(invocation.TargetMethod).This.Kind, invocation, releases);
                case IReturnOperation:
                case ISimpleAssignmentOperation:
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                case IDeconstructionAssignmentOperation:
                case IVariableInitializerOperation:
                case IAddressOfOperation:
                case IArrayInitializerOperation:
                case ITupleOperation:
                case IConditionalOperation:
                case ICoalesceOperation:
                case IUsingOperation:
                case IInterpolatedStringHandlerCreationOperation:
                case IPropertyInitializerOperation:
                case IFieldInitializerOperation:
                case IMemberInitializerOperation:
                case IAnonymousObjectCreationOperation:
                    return false;
                case null:
                    return false;
                default:
                    return true;
            }
        }

        private static bool Called(ContractKind kind, IOperation? call, List<InvocationExpressionSyntax> releases)
        {
            switch (kind)
            {
                case ContractKind.Releases:
                    if (call?.Syntax is InvocationExpressionSyntax invocation)
                    {
                        releases.Add(invocation);
                        return true;
                    }

                    return false;
                case ContractKind.Transfers:
                    return false;
                default:
                    return true;
            }
        }
    }
}
