using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Rules
{
    /// <summary>The cheap check before any flow graph: does this body touch anything with an ownership contract?</summary>
    internal static class RelevanceScan
    {
        public static bool MayHoldResources(IOperation body, ContractProvider contracts, bool trackAllDisposables)
        {
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when !contracts.GetMethod(invocation.TargetMethod).IsEmpty:
                    case IObjectCreationOperation { Constructor: { } constructor } when !contracts.GetMethod(constructor).IsEmpty:
                    case IParameterReferenceOperation parameter when IsHandedOver(parameter.Parameter, contracts):
                        return true;
                    case IFieldReferenceOperation field when contracts.GetMember(field.Field).Kind == ContractKind.Owned:
                    case IObjectCreationOperation { Type: { } created } when trackAllDisposables && contracts.IsDisposable(created):
                    case { Syntax: FixedStatementSyntax }:
                        // Pointers pinned by fixed must not outlive the statement.
                        return true;
                }
            }

            return false;
        }

        private static bool IsHandedOver(IParameterSymbol parameter, ContractProvider contracts)
        {
            if (parameter.ContainingSymbol is not IMethodSymbol method)
            {
                return false;
            }

            var kind = contracts.GetMethod(method).Parameter(parameter.Ordinal).Kind;
            return kind == ContractKind.Transfers || kind == ContractKind.Releases || kind == ContractKind.Borrowed;
        }
    }
}
