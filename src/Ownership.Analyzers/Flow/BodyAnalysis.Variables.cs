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
        }

        private void CollectVariables(IOperation root)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local:
                        VariableOf(local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        VariableOf(parameter.Parameter);
                        break;
                    case IFlowCaptureOperation capture:
                        VariableOf(capture.Id);
                        break;
                    case IFlowCaptureReferenceOperation captureReference:
                        VariableOf(captureReference.Id);
                        break;
                    case IFieldReferenceOperation field when IsTrackedField(field):
                        VariableOf(field.Field);
                        break;
                }
            }
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
            if (field.Field.IsStatic)
            {
                return method is not null && SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, method.ContainingType);
            }

            return field.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };
        }

        private FlowState CreateEntryState()
        {
            var state = new FlowState(VariableCount, resourceCapacity);
            for (var index = 0; index < variables.Count; index++)
            {
                switch (variables[index])
                {
                    case IParameterSymbol parameter when parameter.RefKind != RefKind.Out:
                        var contract = ContractOf(parameter);
                        if (contract.Kind == ContractKind.Transfers || contract.Kind == ContractKind.Releases)
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
                        var content = NewResource(ResourceKind.FieldContent, null, field.Locations.IsEmpty ? Location.None : field.Locations[0], field.Name, fieldContract.Family, contracts.IsDisposable(field.Type));
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

        private int NewResource(ResourceKind kind, IOperation? site, Location location, string name, string? family, bool isDisposable, string? origin = null)
        {
            if (resources.Count >= resourceCapacity)
            {
                outOfRoom = true;
                return -1;
            }

            var resource = new Resource(resources.Count, kind, site, location, name, origin ?? (site is null ? "parameter " + name : name), family, isDisposable);
            resources.Add(resource);
            return resource.Id;
        }
    }
}
