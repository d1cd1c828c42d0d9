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
            var scanner = new Scanner(contracts, trackAllDisposables);
            return scanner.Visit(body, 0);
        }

        /// <summary>
        /// The walk over one body, in any order since every answer is a flag: recursive over <c>ChildOperations</c>,
        /// whose enumerator allocates nothing, and a switch on the kind rather than type tests against the operation
        /// interfaces. Trees nested deeper than <see cref="MaxDepth"/> are not walked further: they may hold anything.
        /// </summary>
        private struct Scanner
        {
            private const int MaxDepth = 200;

            private readonly ContractProvider contracts;
            private readonly bool trackAllDisposables;

            // A call that only invalidates (List<T>.Add, Dictionary<K,V>.Remove…) matters only to a borrow taken in the
            // same body: business code full of list.Add and no span, pointer or ref is not worth a flow graph.
            private bool invalidates;
            private bool mayBorrow;
            private IMethodSymbol? lastOwner;
            private MethodContract? lastContract;

            public Scanner(ContractProvider contracts, bool trackAllDisposables)
            {
                this.contracts = contracts;
                this.trackAllDisposables = trackAllDisposables;
                invalidates = false;
                mayBorrow = false;
                lastOwner = null;
                lastContract = null;
            }

            /// <summary>True as soon as something in <paramref name="operation"/> makes the body worth a flow graph.</summary>
            public bool Visit(IOperation operation, int depth)
            {
                if (depth > MaxDepth || IsRelevant(operation) || (invalidates && mayBorrow))
                {
                    return true;
                }

                foreach (var child in operation.ChildOperations)
                {
                    if (Visit(child, depth + 1))
                    {
                        return true;
                    }
                }

                return false;
            }

            private bool IsRelevant(IOperation operation)
            {
                switch (operation.Kind)
                {
                    case OperationKind.FieldReference:
                        if (contracts.GetMember(((IFieldReferenceOperation)operation).Field).Kind == ContractKind.Owned)
                        {
                            return true;
                        }

                        break;
                    case OperationKind.None when operation.Syntax is FixedStatementSyntax:
                        // Pointers pinned by fixed must not outlive the statement.
                        return true;
                    case OperationKind.Invocation:
                        switch (Relevance(contracts.GetMethod(((IInvocationOperation)operation).TargetMethod)))
                        {
                            case Found.Resource:
                                return true;
                            case Found.Invalidation:
                                invalidates = true;
                                break;
                        }

                        break;
                    case OperationKind.ObjectCreation:
                        var creation = (IObjectCreationOperation)operation;
                        if (trackAllDisposables && creation.Type is { } created && contracts.IsDisposable(created))
                        {
                            return true;
                        }

                        switch (creation.Constructor is { } constructor ? Relevance(contracts.GetMethod(constructor)) : Found.Nothing)
                        {
                            case Found.Resource:
                                return true;
                            case Found.Invalidation:
                                invalidates = true;
                                break;
                        }

                        break;
                    case OperationKind.ParameterReference:
                        var parameter = ((IParameterReferenceOperation)operation).Parameter;
                        if (parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
                        {
                            // A lambda's parameter has only its own attributes: read them, rather than hash the lambda.
                            if (IsHandedOver(ContractProvider.FromAttributes(parameter.GetAttributes()).Kind))
                            {
                                return true;
                            }
                        }
                        else if (parameter.ContainingSymbol is IMethodSymbol owner)
                        {
                            // Almost every parameter read belongs to the same method: look its contract up once.
                            if (!ReferenceEquals(owner, lastOwner))
                            {
                                lastOwner = owner;
                                lastContract = contracts.GetMethod(owner);
                            }

                            if (IsHandedOver(lastContract!.Parameter(parameter.Ordinal).Kind))
                            {
                                return true;
                            }
                        }

                        mayBorrow = mayBorrow || IsBorrowLike(parameter.Type, parameter.RefKind);
                        break;
                    case OperationKind.PropertyReference when !mayBorrow:
                        // An indexer or property may hand out a borrow ([return: Borrowed] ref T this[int]).
                        var property = ((IPropertyReferenceOperation)operation).Property;
                        if (property.ReturnsByRef || IsBorrowLike(property.Type, RefKind.None))
                        {
                            mayBorrow = property.GetMethod is { } getter && !contracts.GetMethod(getter).IsEmpty;
                        }

                        break;
                    case OperationKind.LocalReference when !mayBorrow:
                        var local = ((ILocalReferenceOperation)operation).Local;
                        mayBorrow = IsBorrowLike(local.Type, local.RefKind);
                        break;
                    case OperationKind.AddressOf:
                        mayBorrow = true;
                        break;
                }

                return false;
            }
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
