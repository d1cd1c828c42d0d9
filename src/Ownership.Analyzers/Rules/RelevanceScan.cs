using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.Analyzers.Rules
{
    /// <summary>
    /// The cheap check before any flow graph: does this body touch anything with an ownership contract? One scan per
    /// declaration, fed by the analyzer driver's own walk over its operations (an operation action for each kind that
    /// can matter), so the body's operation tree is not walked a second time. Any answer is a flag, so the order of
    /// the operations does not matter.
    /// </summary>
    internal sealed class RelevanceScan
    {
        /// <summary>
        /// The kinds <see cref="Visit"/> looks at; <see cref="OperationKind.None"/> for <c>fixed</c> statements. Lambdas and
        /// local functions are noted whether or not the body is relevant (<see cref="Functions"/>).
        /// </summary>
        public static readonly ImmutableArray<OperationKind> Kinds = ImmutableArray.Create(
            OperationKind.AnonymousFunction,
            OperationKind.LocalFunction,
            OperationKind.FieldReference,
            OperationKind.None,
            OperationKind.Invocation,
            OperationKind.ObjectCreation,
            OperationKind.ParameterReference,
            OperationKind.PropertyReference,
            OperationKind.LocalReference,
            OperationKind.Using,
            OperationKind.UsingDeclaration);

        private readonly ContractProvider contracts;
        private readonly bool trackAllDisposables;

        // The driver runs one declaration's operation actions one after another, then its block end action: these flags
        // need no lock.
        private bool relevant;

        // A call that only invalidates (List<T>.Add, Dictionary<K,V>.Remove…) matters only to a borrow taken in the
        // same body: business code full of list.Add and no span, pointer or ref is not worth a flow graph.
        private bool invalidates;
        private bool mayBorrow;
        private IFieldSymbol? lastField;
        private IParameterSymbol? lastParameter;
        private IMethodSymbol? lastOwner;
        private MethodContract? lastContract;
        private List<SyntaxNode>? functions;

        public RelevanceScan(ContractProvider contracts, bool trackAllDisposables)
        {
            this.contracts = contracts;
            this.trackAllDisposables = trackAllDisposables;
        }

        /// <summary>True when something seen makes the body worth a flow graph.</summary>
        public bool MayHoldResources => relevant || (invalidates && mayBorrow);

        /// <summary>True when the declaration has a lambda, a query clause among them.</summary>
        public bool HasLambdas { get; private set; }

        /// <summary>The lambdas and local functions written in the declaration, nested ones too (query clauses are not).</summary>
        public IReadOnlyList<SyntaxNode> Functions => (IReadOnlyList<SyntaxNode>?)functions ?? Array.Empty<SyntaxNode>();

        /// <summary>Looks at one operation of the body, of one of the <see cref="Kinds"/>.</summary>
        public void Visit(OperationAnalysisContext context)
        {
            var operation = context.Operation;
            switch (operation.Kind)
            {
                case OperationKind.AnonymousFunction:
                    HasLambdas = true;
                    if (operation.Syntax is AnonymousFunctionExpressionSyntax)
                    {
                        (functions ??= new List<SyntaxNode>()).Add(operation.Syntax);
                    }

                    return;
                case OperationKind.LocalFunction:
                    (functions ??= new List<SyntaxNode>()).Add(operation.Syntax);
                    return;
            }

            if (!relevant && IsRelevant(operation))
            {
                relevant = true;
            }
        }

        private bool IsRelevant(IOperation operation)
        {
            switch (operation.Kind)
            {
                case OperationKind.FieldReference:
                    // A body reads the same field again and again (byId, byId, audit…): each answer once in a row.
                    var field = ((IFieldReferenceOperation)operation).Field;
                    if (!ReferenceEquals(field, lastField))
                    {
                        lastField = field;
                        return contracts.GetMember(field).Kind == ContractKind.Owned;
                    }

                    break;
                case OperationKind.None when operation.Syntax is FixedStatementSyntax:
                    // Pointers pinned by fixed must not outlive the statement.
                    return true;
                case OperationKind.Invocation:
                    return Matters(contracts.GetMethod(((IInvocationOperation)operation).TargetMethod));
                case OperationKind.ObjectCreation:
                    var creation = (IObjectCreationOperation)operation;
                    if (trackAllDisposables && creation.Type is { } created && contracts.IsDisposable(created))
                    {
                        return true;
                    }

                    return creation.Constructor is { } constructor && Matters(contracts.GetMethod(constructor));
                case OperationKind.ParameterReference:
                    var parameter = ((IParameterReferenceOperation)operation).Parameter;
                    if (ReferenceEquals(parameter, lastParameter))
                    {
                        // The same answer as the last read of it (item.Name, item.Id…).
                        break;
                    }

                    lastParameter = parameter;
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

                    mayBorrow = mayBorrow || IsBorrowLike(operation.Type, parameter.RefKind);
                    break;
                case OperationKind.PropertyReference:
                    // A property or indexer handing out a span, pointer or ref may lend it ([return: Borrowed] ref T
                    // this[int]), as a method may: the type test first, since business code reads properties everywhere.
                    var reference = (IPropertyReferenceOperation)operation;
                    var property = reference.Property;
                    if ((reference.Instance is IInstanceReferenceOperation || property.IsStatic) && !property.IsIndexer &&
                        contracts.GetMember(property).Kind == ContractKind.Owned)
                    {
                        // An [Owned] auto-property of this type: followed as its backing field is (OWN009).
                        return true;
                    }

                    if ((property.ReturnsByRef || IsBorrowLike(operation.Type, RefKind.None)) && property.GetMethod is { } getter)
                    {
                        var contract = contracts.GetMethod(getter);
                        if (Relevance(contract) == Found.Resource)
                        {
                            return true;
                        }

                        mayBorrow = mayBorrow || !contract.IsEmpty;
                    }

                    break;
                case OperationKind.LocalReference when !mayBorrow:
                    mayBorrow = IsBorrowLike(operation.Type, ((ILocalReferenceOperation)operation).Local.RefKind);
                    break;
                case OperationKind.Using:
                    return DisposesVariable(((IUsingOperation)operation).Resources);
                case OperationKind.UsingDeclaration:
                    return DisposesVariable(((IUsingDeclarationOperation)operation).DeclarationGroup);
            }

            return false;
        }

        /// <summary>
        /// A using over a variable that outlives it (<c>using (stream)</c>, <c>using var reader = this.reader;</c>): its
        /// implicit Dispose releases a value the body may use afterwards, as an explicit Dispose would. A using over what
        /// it creates (<c>using var reader = new StreamReader(path);</c>) releases it where nothing can use it again.
        /// </summary>
        private static bool DisposesVariable(IOperation resources)
        {
            if (resources is not IVariableDeclarationGroupOperation group)
            {
                return IsVariable(resources);
            }

            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if ((declarator.Initializer ?? declaration.Initializer) is { } initializer && IsVariable(initializer.Value))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsVariable(IOperation value) =>
            value.WithoutConversions() is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation;

        /// <summary>True for a call whose contract makes the body relevant; notes one that only invalidates.</summary>
        private bool Matters(MethodContract contract)
        {
            switch (Relevance(contract))
            {
                case Found.Resource:
                    return true;
                case Found.Invalidation:
                    invalidates = true;
                    return false;
                default:
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
        private static bool IsBorrowLike(ITypeSymbol? type, RefKind refKind)
        {
            return refKind != RefKind.None || (type is not null && (type.TypeKind == TypeKind.Pointer || type.IsRefLikeType));
        }

        private static bool IsHandedOver(ContractKind kind)
        {
            return kind == ContractKind.Transfers || kind == ContractKind.Releases || kind == ContractKind.Borrowed;
        }
    }
}
