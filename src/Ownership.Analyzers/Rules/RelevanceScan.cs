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
            // A call that only invalidates (List<T>.Add, Dictionary<K,V>.Remove…) matters only to a borrow taken in the
            // same body: business code full of list.Add and no span, pointer or ref is not worth a flow graph. Any other
            // contract keeps the body in, as before.
            var invalidates = false;
            var mayBorrow = false;
            IMethodSymbol? lastOwner = null;
            MethodContract? lastContract = null;
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    case IFieldReferenceOperation field when contracts.GetMember(field.Field).Kind == ContractKind.Owned:
                    case IObjectCreationOperation { Type: { } created } when trackAllDisposables && contracts.IsDisposable(created):
                    case { Syntax: FixedStatementSyntax }:
                        // Pointers pinned by fixed must not outlive the statement.
                        return true;
                    case IInvocationOperation invocation:
                        switch (Relevance(contracts.GetMethod(invocation.TargetMethod)))
                        {
                            case Found.Resource:
                                return true;
                            case Found.Invalidation:
                                invalidates = true;
                                break;
                        }

                        break;
                    case IObjectCreationOperation { Constructor: { } constructor }:
                        switch (Relevance(contracts.GetMethod(constructor)))
                        {
                            case Found.Resource:
                                return true;
                            case Found.Invalidation:
                                invalidates = true;
                                break;
                        }

                        break;
                    case IParameterReferenceOperation parameter:
                        if (parameter.Parameter.ContainingSymbol is IMethodSymbol owner)
                        {
                            // Almost every parameter read belongs to the same method: look its contract up once.
                            if (!SymbolEqualityComparer.Default.Equals(owner, lastOwner))
                            {
                                lastOwner = owner;
                                lastContract = contracts.GetMethod(owner);
                            }

                            if (IsHandedOver(lastContract!.Parameter(parameter.Parameter.Ordinal).Kind))
                            {
                                return true;
                            }
                        }

                        mayBorrow |= IsBorrowLike(parameter.Parameter.Type, parameter.Parameter.RefKind);
                        break;
                    case IPropertyReferenceOperation property when !mayBorrow && (property.Property.ReturnsByRef || IsBorrowLike(property.Property.Type, RefKind.None)):
                        // An indexer or property may hand out a borrow ([return: Borrowed] ref T this[int]).
                        mayBorrow = property.Property.GetMethod is { } getter && !contracts.GetMethod(getter).IsEmpty;
                        break;
                    case ILocalReferenceOperation local:
                        mayBorrow |= IsBorrowLike(local.Local.Type, local.Local.RefKind);
                        break;
                    case IAddressOfOperation:
                        mayBorrow = true;
                        break;
                }

                if (invalidates && mayBorrow)
                {
                    return true;
                }
            }

            return false;
        }

        private enum Found
        {
            Nothing,
            Invalidation,
            Resource,
        }

        /// <summary>Resource: acquires, releases, transfers or borrows something. Invalidation: only invalidates borrows.</summary>
        private static Found Relevance(MethodContract contract)
        {
            if (contract.IsEmpty)
            {
                return Found.Nothing;
            }

            var found = Classify(contract.Return.Kind, Found.Nothing);
            found = Classify(contract.This.Kind, found);
            foreach (var parameter in contract.Parameters)
            {
                found = Classify(parameter.Kind, found);
            }

            return found;
        }

        private static Found Classify(ContractKind kind, Found found)
        {
            switch (kind)
            {
                case ContractKind.None:
                    return found;
                case ContractKind.Invalidates:
                    return found == Found.Resource ? found : Found.Invalidation;
                default:
                    return Found.Resource;
            }
        }

        /// <summary>A pointer, span or ref: something that may point into storage a call invalidates.</summary>
        private static bool IsBorrowLike(ITypeSymbol type, RefKind refKind)
        {
            return refKind != RefKind.None || type.TypeKind == TypeKind.Pointer || type.IsRefLikeType;
        }

        private static bool IsHandedOver(ContractKind kind)
        {
            return kind == ContractKind.Transfers || kind == ContractKind.Releases || kind == ContractKind.Borrowed;
        }
    }
}
