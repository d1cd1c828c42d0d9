using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Flow
{
    /// <summary>Variables (locals, parameters, flow captures, fields of <c>this</c>) and the resources they start with.</summary>
    internal sealed partial class BodyAnalysis
    {
        private const int MaxWalkDepth = 200;

        private void CollectVariables()
        {
            if (method is not null)
            {
                foreach (var parameter in method.Parameters)
                {
                    VariableOf(parameter);
                }
            }

            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    CollectVariables(operation);
                }

                if (block.BranchValue is not null)
                {
                    CollectVariables(block.BranchValue);
                }
            }

            SettleFlags();
        }

        /// <summary>
        /// Every variable <paramref name="operation"/> reads or writes: recursive over <c>ChildOperations</c>, whose
        /// enumerator allocates nothing, with a switch on the kind; past <see cref="MaxWalkDepth"/> (a long chain of
        /// <c>a + b + …</c>) the rest is walked with an explicit stack instead.
        /// </summary>
        private void CollectVariables(IOperation operation, int depth = 0)
        {
            if (depth > MaxWalkDepth)
            {
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    CollectVariable(descendant);
                }

                return;
            }

            CollectVariable(operation);
            foreach (var child in operation.ChildOperations)
            {
                CollectVariables(child, depth + 1);
            }
        }

        private void CollectVariable(IOperation operation)
        {
            switch (operation.Kind)
            {
                case OperationKind.LocalReference:
                    var local = ((ILocalReferenceOperation)operation).Local;
                    VariableOf(local);
                    if (local.Type.SpecialType == SpecialType.System_Boolean)
                    {
                        CollectFlag(local, local.RefKind, operation);
                    }

                    break;
                case OperationKind.ParameterReference:
                    var parameter = ((IParameterReferenceOperation)operation).Parameter;
                    var named = VariableOf(parameter);
                    namedParameters |= named < 64 ? 1UL << named : 0;
                    if (parameter.Type.SpecialType == SpecialType.System_Boolean)
                    {
                        CollectFlag(parameter, parameter.RefKind, operation);
                    }

                    break;
                case OperationKind.FlowCapture:
                    var capture = (IFlowCaptureOperation)operation;
                    VariableOf(capture.Id);
                    if (FlagSymbol(capture.Value) is { } captured)
                    {
                        // flag = a && b: the compiler captures the flag, then assigns the capture.
                        flagCaptures[capture.Id] = captured;
                    }

                    break;
                case OperationKind.FlowCaptureReference:
                    var captureReference = (IFlowCaptureReferenceOperation)operation;
                    VariableOf(captureReference.Id);
                    if (IsOtherWrite(captureReference))
                    {
                        unsteadyCaptures.Add(captureReference.Id);
                    }

                    break;
                case OperationKind.DeclarationPattern when ((IDeclarationPatternOperation)operation).DeclaredSymbol is ILocalSymbol { Type.SpecialType: SpecialType.System_Boolean } declared:
                    // x is bool b: the pattern assigns b, not an assignment.
                    patternLocals.Add(declared);
                    break;
                case OperationKind.FieldReference when IsTrackedField((IFieldReferenceOperation)operation):
                    VariableOf(((IFieldReferenceOperation)operation).Field);
                    break;
                case OperationKind.PropertyReference when TrackedBackingField((IPropertyReferenceOperation)operation) is { } backingField:
                    VariableOf(backingField);
                    break;
            }
        }

        /// <summary>
        /// A <c>bool</c> local or parameter is followed as a flag while every write to it assigns it whole (<c>ok = true;</c>):
        /// one passed by <c>ref</c> or <c>out</c>, compound-assigned, deconstructed into or seen by a lambda is not, nor a
        /// <c>ref</c> local or parameter.
        /// </summary>
        private void CollectFlag(ISymbol symbol, RefKind refKind, IOperation reference)
        {
            if (!flagIndex.TryGetValue(symbol, out var flag))
            {
                if (flagIndex.Count == FlowState.MaxResources)
                {
                    return;
                }

                flag = flagIndex.Count;
                flagIndex.Add(symbol, flag);
                if (capturedNames.Contains(symbol.Name) || refKind != RefKind.None)
                {
                    unsteadyFlags |= 1UL << flag;
                }
            }

            if (IsOtherWrite(reference))
            {
                unsteadyFlags |= 1UL << flag;
            }
        }

        /// <summary>A write to <paramref name="reference"/> other than assigning it whole, or a <c>ref</c> or address taken of it.</summary>
        private static bool IsOtherWrite(IOperation reference)
        {
            var parent = reference.Parent;
            return parent is ICompoundAssignmentOperation or ICoalesceAssignmentOperation or IIncrementOrDecrementOperation or
                       ITupleOperation or IDeclarationExpressionOperation or IAddressOfOperation or ISimpleAssignmentOperation { IsRef: true } ||
                   (parent is IArgumentOperation argument && argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out);
        }

        /// <summary>After collecting: a flag written through a capture other than whole is not followed.</summary>
        private void SettleFlags()
        {
            foreach (var capture in unsteadyCaptures)
            {
                if (flagCaptures.TryGetValue(capture, out var symbol) && flagIndex.TryGetValue(symbol, out var flag))
                {
                    unsteadyFlags |= 1UL << flag;
                }
            }

            foreach (var local in patternLocals)
            {
                if (flagIndex.TryGetValue(local, out var flag))
                {
                    unsteadyFlags |= 1UL << flag;
                }
            }
        }

        /// <summary>The ordinal of a flag this body follows, or -1.</summary>
        private int FlagOf(IOperation? operation)
        {
            return FlagSymbol(operation) is { } symbol ? FlagOf(symbol) : -1;
        }

        private int FlagOf(ISymbol symbol)
        {
            return flagIndex.TryGetValue(symbol, out var flag) && (unsteadyFlags & (1UL << flag)) == 0 ? flag : -1;
        }

        /// <summary>The <c>bool</c> local or parameter <paramref name="operation"/> reads, or null.</summary>
        private static ISymbol? FlagSymbol(IOperation? operation)
        {
            return operation switch
            {
                ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Boolean } local => local.Local,
                IParameterReferenceOperation { Parameter.Type.SpecialType: SpecialType.System_Boolean } parameter => parameter.Parameter,
                _ => null,
            };
        }

        private int VariableOf(ISymbol symbol) => VariableOf(variableIndex, symbol);

        /// <summary>A flow capture's variable: kept apart from the symbols' so that looking one up boxes nothing.</summary>
        private int VariableOf(CaptureId capture) => VariableOf(captureIndex, capture);

        private int VariableOf<TKey>(Dictionary<TKey, int> index, TKey key)
            where TKey : notnull
        {
            if (!index.TryGetValue(key, out var variable))
            {
                variable = variables.Count;
                variables.Add(key);
                index.Add(key, variable);
            }

            return variable;
        }

        /// <summary>A field of <c>this</c> (or a static field of the containing type): the body can follow what it holds.</summary>
        private bool IsTrackedField(IFieldReferenceOperation field)
        {
            return IsOfThisObject(field.Field, field.Instance);
        }

        /// <summary>A member read on <c>this</c>, or a static member of the containing type.</summary>
        private bool IsOfThisObject(ISymbol member, IOperation? instance)
        {
            if (member.IsStatic)
            {
                return method is not null && SymbolEqualityComparer.Default.Equals(member.ContainingType, method.ContainingType);
            }

            return instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };
        }

        /// <summary>
        /// The backing field of an auto-property of <c>this</c> (or a static one of the containing type) that can hold a
        /// resource: the body follows what the property holds as it follows a field's. Null for any other property.
        /// </summary>
        private IFieldSymbol? TrackedBackingField(IPropertyReferenceOperation reference)
        {
            var property = reference.Property;
            if (!property.Parameters.IsEmpty || !IsOfThisObject(property, reference.Instance))
            {
                return null;
            }

            if (!backingFields.TryGetValue(property, out var backingField))
            {
                backingField = contracts.CanHoldResource(property.Type) ? BackingFields.Of(property) : null;
                backingFields.Add(property, backingField);
            }

            return backingField;
        }

        /// <summary>A variable's name as the code spells it: an auto-property's, not its backing field's.</summary>
        private static string NameOf(ISymbol symbol)
        {
            return BackingFields.Declared(symbol).Name;
        }

        private FlowState CreateEntryState()
        {
            var state = new FlowState(VariableCount, resourceCapacity) { MayBeTrue = ulong.MaxValue, MayBeFalse = ulong.MaxValue };
            for (var index = 0; index < variables.Count; index++)
            {
                switch (variables[index])
                {
                    case IParameterSymbol parameter when parameter.RefKind != RefKind.Out:
                        var contract = ContractOf(parameter);
                        var handedOver = contract.Kind == ContractKind.Transfers || contract.Kind == ContractKind.Releases;
                        if (handedOver && index < 64 && (namedParameters & (1UL << index)) == 0)
                        {
                            // A handed-over parameter the body never names: a no-op implementation (a null pool's Free).
                            // OWN012 reports the attribute when the body does nothing with it; this is not a leak of the body's.
                        }
                        else if (handedOver)
                        {
                            // The caller handed it over: this body must release or transfer it. The family is the
                            // caller's check; a deallocator's own body may release through lower-level calls.
                            Bind(state, index, NewResource(ResourceKind.Owned, null, parameter.Locations.IsEmpty ? Location.None : parameter.Locations[0], parameter.Name, null, contracts.IsDisposable(parameter.Type)), StateFlags.Owned);
                        }
                        else if (contracts.CanHoldResource(parameter.Type))
                        {
                            // Someone else's value: tracked for use after release, never for leaks.
                            var kind = contract.Kind == ContractKind.Borrowed ? ResourceKind.Borrow : ResourceKind.FieldContent;
                            var id = NewResource(kind, null, parameter.Locations.IsEmpty ? Location.None : parameter.Locations[0], parameter.Name, null, contracts.IsDisposable(parameter.Type));
                            if (id >= 0 && kind == ResourceKind.Borrow)
                            {
                                resources[id].BorrowOrigin = BorrowOrigin.Parameter;
                                resources[id].SourceName = "the caller";
                            }

                            Bind(state, index, id, StateFlags.Owned | StateFlags.Unconfirmed);
                        }

                        break;
                    case IFieldSymbol field when contracts.CanHoldResource(field.Type):
                        var fieldContract = contracts.GetMember(field);
                        var declared = BackingFields.Declared(field);
                        var content = NewResource(ResourceKind.FieldContent, null, declared.Locations.IsEmpty ? Location.None : declared.Locations[0], declared.Name, fieldContract.Family, contracts.IsDisposable(field.Type));
                        if (content >= 0)
                        {
                            resources[content].SourceSymbol = field;
                        }

                        Bind(state, index, content, StateFlags.Owned | StateFlags.Unconfirmed);
                        break;
                }
            }

            return state;
        }

        private ValueContract ContractOf(IParameterSymbol parameter)
        {
            if (parameter.ContainingSymbol is IMethodSymbol owner)
            {
                return contracts.GetMethod(owner).Parameter(parameter.Ordinal);
            }

            return ValueContract.None;
        }

        private static void Bind(FlowState state, int variable, int resource, StateFlags flags)
        {
            if (resource < 0)
            {
                return;
            }

            state.PointsTo[variable] = 1UL << resource;
            state.Resources[resource] = new ResourceState(flags, null);
        }

        /// <summary>A resource acquired at <paramref name="site"/> (named in messages by its text), or a parameter or field's (by <paramref name="name"/>).</summary>
        private int NewResource(ResourceKind kind, IOperation? site, Location location, string? name, string? family, bool isDisposable, IOperation? originSite = null)
        {
            if (resources.Count >= resourceCapacity)
            {
                outOfRoom = true;
                return -1;
            }

            var resource = site is null
                ? new Resource(resources.Count, kind, null, location, name, "parameter " + name, null, family, isDisposable)
                : new Resource(resources.Count, kind, site, location, null, null, originSite, family, isDisposable);
            resources.Add(resource);
            return resource.Id;
        }
    }
}
