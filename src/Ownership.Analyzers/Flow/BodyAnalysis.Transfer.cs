using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Flow
{
    /// <summary>The transfer function: what each operation does to the state. Values are bit sets of resources.</summary>
    internal sealed partial class BodyAnalysis
    {
        private readonly Dictionary<CaptureId, int> captureTargets = new Dictionary<CaptureId, int>();
        private readonly Dictionary<int, Location?> exitLocations = new Dictionary<int, Location?>();

        // Leaks on some path where a local's scope ends inside the body, and each resource's state joined over every path
        // through such an end: judged after the reporting pass, as the body's exit is.
        private readonly Dictionary<int, Location?> scopeEndLeaks = new Dictionary<int, Location?>();
        private readonly Dictionary<int, ResourceState> scopeEndStates = new Dictionary<int, ResourceState>();
        private FlowState? exitState;
        private ulong acquiredInStatement;
        private ulong reacquiredWhileHeld;

        private void RunStatement(IOperation operation, FlowState state)
        {
            var acquired = BeginStatement();
            Evaluate(operation, state);
            EndStatement(acquired, state);
        }

        private ulong BeginStatement()
        {
            var outer = acquiredInStatement;
            acquiredInStatement = 0;
            reacquiredWhileHeld = 0;
            return outer;
        }

        /// <summary>An owned value acquired by this statement and held by nothing is a discarded result.</summary>
        private void EndStatement(ulong outer, FlowState state)
        {
            foreach (var resource in Bits(acquiredInStatement))
            {
                if (IsLeakCandidate(state.Resources[resource]) && !state.IsHeld(resource))
                {
                    if (IsViewedByHeldBorrow(resource, state))
                    {
                        // new Span<byte>(NativeMemory.Alloc(n), n): only the view holds the block, and pinning the view
                        // gives its address back. Which release that leads to is beyond what is followed here.
                        Escape(1UL << resource, state);
                        continue;
                    }

                    var leaked = resources[resource];
                    if (IsFirstReport(3, leaked.AcquisitionSite, resource))
                    {
                        report.Leak(leaked, null, LeakKind.Discarded);
                    }

                    state.Resources[resource] = new ResourceState(StateFlags.Escaped, null);
                }
            }

            acquiredInStatement = outer;
        }

        /// <summary>True when a variable holds a view made over <paramref name="resource"/> (a span over its block).</summary>
        private bool IsViewedByHeldBorrow(int resource, FlowState state)
        {
            foreach (var id in Bits(BorrowsOf(1UL << resource)))
            {
                if (resources[id].BorrowOrigin == BorrowOrigin.View && state.IsHeld(id))
                {
                    return true;
                }
            }

            return false;
        }

        private ulong Evaluate(IOperation? operation, FlowState state)
        {
            if (operation is null)
            {
                return 0;
            }

            // A switch on the kind, not on the operation's interfaces: this runs for every operation of every pass, and
            // each failed interface test costs a walk over the operation's interface map.
            switch (operation.Kind)
            {
                case OperationKind.LocalReference:
                    return state.PointsTo[VariableOf(((ILocalReferenceOperation)operation).Local)];
                case OperationKind.ParameterReference:
                    return state.PointsTo[VariableOf(((IParameterReferenceOperation)operation).Parameter)];
                case OperationKind.FlowCaptureReference:
                    return state.PointsTo[VariableOf(((IFlowCaptureReferenceOperation)operation).Id)];
                case OperationKind.FieldReference:
                    var field = (IFieldReferenceOperation)operation;
                    if (IsTrackedField(field))
                    {
                        return state.PointsTo[VariableOf(field.Field)];
                    }

                    UseInstanceOf(field, state);
                    return 0;
                case OperationKind.FlowCapture:
                    var capture = (IFlowCaptureOperation)operation;
                    var capturedVariable = VariableOfTarget(capture.Value);
                    if (capturedVariable >= 0)
                    {
                        // The capture may stand for the variable itself, as the target of a later assignment.
                        captureTargets[capture.Id] = capturedVariable;
                    }

                    else if (capture.Value.Kind is OperationKind.ArrayElementReference or OperationKind.PropertyReference or
                             OperationKind.FieldReference or OperationKind.Invalid)
                    {
                        // Storage the compiler captured before branches in the value (slots[i] = c ? a : b), should an
                        // assignment to the capture follow.
                        storageCaptures[capture.Id] = capture.Value;
                    }

                    if (capture.Value is IObjectCreationOperation { Type.IsValueType: true })
                    {
                        // new Cursor { At = p }: the initializer writes into a struct on this frame.
                        newValueCaptures.Add(capture.Id);
                    }

                    var captured = Evaluate(capture.Value, state);
                    var captureVariable = VariableOf(capture.Id);
                    state.PointsTo[captureVariable] = captured;
                    state.GoneThrough[captureVariable] = GoneThrough(capture.Value, captured, state);
                    state.SetUntracked(captureVariable, MayBeUntracked(capture.Value, captured, state));
                    return captured;
                case OperationKind.Conversion:
                    var conversion = (IConversionOperation)operation;
                    var converted = Evaluate(conversion.Operand, state);
                    return IsSpanOverArray(conversion)
                        ? Borrow(conversion, conversion.Operand, converted, BorrowOrigin.View, state)
                        : converted;
                case OperationKind.ExpressionStatement:
                    return Evaluate(((IExpressionStatementOperation)operation).Operation, state);
                case OperationKind.SimpleAssignment:
                    return Assign((ISimpleAssignmentOperation)operation, state);
                case OperationKind.CompoundAssignment:
                    var compound = (ICompoundAssignmentOperation)operation;
                    var target = Evaluate(compound.Target, state);
                    Use(target, compound.Target, state);
                    Use(Evaluate(compound.Value, state), compound.Value, state);
                    return target;
                case OperationKind.Increment:
                case OperationKind.Decrement:
                    var increment = (IIncrementOrDecrementOperation)operation;
                    var incremented = Evaluate(increment.Target, state);
                    Use(incremented, increment.Target, state);
                    return incremented;
                case OperationKind.Binary:
                    return Binary((IBinaryOperation)operation, state);
                case OperationKind.Unary:
                    var unary = (IUnaryOperation)operation;
                    var operand = Evaluate(unary.Operand, state);
                    Use(operand, unary.Operand, state);
                    return 0;
                case OperationKind.IsNull:
                    Evaluate(((IIsNullOperation)operation).Operand, state);
                    return 0;
                case OperationKind.IsPattern:
                    Evaluate(((IIsPatternOperation)operation).Value, state);
                    return 0;
                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    if (IsAddressConversion(invocation.TargetMethod, invocation.Arguments) ||
                        (invocation.TargetMethod.Name == "GetValueOrDefault" && invocation.Arguments.IsEmpty && IsNullable(invocation.Instance)))
                    {
                        // address.ToPointer(), address?.GetValueOrDefault(): the same address, as a cast would give it.
                        return Evaluate(invocation.Instance, state);
                    }

                    return Invoke(invocation, invocation.TargetMethod, invocation.Instance, invocation.Arguments, state);
                case OperationKind.ObjectCreation:
                    var creation = (IObjectCreationOperation)operation;
                    if (creation.Constructor is { } constructor && IsAddressConversion(constructor, creation.Arguments))
                    {
                        // new IntPtr(pointer): the same address, as a cast would give it.
                        return Evaluate(creation.Arguments[0].Value, state);
                    }

                    var created = creation.Constructor is null ? 0 : Invoke(creation, creation.Constructor, null, creation.Arguments, state);
                    if (created == 0 && trackAllDisposables && contracts.IsDisposableToTrack(creation.Type))
                    {
                        created = Acquire(creation, null, creation.Type, state);
                    }

                    Evaluate(creation.Initializer, state);
                    return created;
                case OperationKind.ArrayElementReference:
                    var element = (IArrayElementReferenceOperation)operation;
                    Use(Evaluate(element.ArrayReference, state), element.ArrayReference, state);
                    foreach (var index in element.Indices)
                    {
                        Use(Evaluate(index, state), index, state);
                    }

                    return 0;
                case OperationKind.PropertyReference:
                    var property = (IPropertyReferenceOperation)operation;
                    if (TrackedBackingField(property) is { } backingField)
                    {
                        return state.PointsTo[VariableOf(backingField)];
                    }

                    switch (property.Property.Name)
                    {
                        case "IsAllocated":
                        case "HasValue" when IsNullable(property.Instance):
                            // Asking a GCHandle whether it is allocated, or a nullable address whether it has one, is how
                            // code avoids a double Free.
                            Evaluate(property.Instance, state);
                            return 0;
                        case "Value" when IsNullable(property.Instance):
                            // nint? address: its Value is the address.
                            return Evaluate(property.Instance, state);
                        case "Length" or "IsEmpty" when property.Instance?.Type?.IsRefLikeType == true:
                            // A span's length lives in the span, not in the storage it points to.
                            Evaluate(property.Instance, state);
                            return 0;
                        default:
                            return Property(property, state);
                    }

                case OperationKind.Argument:
                    return Evaluate(((IArgumentOperation)operation).Value, state);
                case OperationKind.AddressOf:
                    Evaluate(((IAddressOfOperation)operation).Reference, state);
                    return Foreign(operation, state);
                case OperationKind.ArrayCreation:
                    Unknown(operation, state);
                    return Foreign(operation, state);
                case OperationKind.Literal:
                case OperationKind.DefaultValue:
                case OperationKind.InstanceReference:
                case OperationKind.TypeOf:
                case OperationKind.SizeOf:
                case OperationKind.LocalFunction:
                    return 0;
                case OperationKind.FlowAnonymousFunction:
                    return CapturedLeases(operation.Syntax, state);
                case OperationKind.DelegateCreation:
                    return Evaluate(((IDelegateCreationOperation)operation).Target, state);
                case OperationKind.YieldReturn:
                    // yield return value: each element is handed to the consumer, as a return hands it to the caller.
                    var yielded = ((IReturnOperation)operation).ReturnedValue;
                    var handedOut = Evaluate(yielded, state);
                    Use(handedOut, yielded, state);
                    Escape(handedOut, state);
                    return 0;
                case OperationKind.EventAssignment when !((IEventAssignmentOperation)operation).Adds:
                    // watcher.Changed -= OnChanged: unsubscribing from a disposed object is how code lets go of it, not a
                    // use of it; subscribing still is.
                    var removal = (IEventAssignmentOperation)operation;
                    Evaluate((removal.EventReference as IEventReferenceOperation)?.Instance, state);
                    Use(Evaluate(removal.HandlerValue, state), removal.HandlerValue, state);
                    return 0;
                default:
                    return Unknown(operation, state);
            }
        }

        /// <summary>
        /// Any other operation: each tracked value read inside it is used, and one stored into an aggregate may be kept
        /// (an array's initializer, which has no type of its own, stores its elements into the array; a method group,
        /// <c>new Observer(…).OnNext</c>, makes a delegate that keeps its receiver).
        /// </summary>
        private ulong Unknown(IOperation operation, FlowState state)
        {
            var keeps = operation.Kind is OperationKind.ArrayInitializer or OperationKind.MethodReference ||
                        (operation.Kind != OperationKind.None && operation.Type is { } type && !type.IsRefLikeType &&
                         type.SpecialType != SpecialType.System_String && type.SpecialType != SpecialType.System_Boolean);
            foreach (var child in operation.ChildOperations)
            {
                var value = Evaluate(child, state);
                Use(value, child, state);
                if (keeps)
                {
                    Escape(value, state);
                }
            }

            return 0;
        }

        private ulong Binary(IBinaryOperation binary, FlowState state)
        {
            var left = Evaluate(binary.LeftOperand, state);
            var right = Evaluate(binary.RightOperand, state);
            switch (binary.OperatorKind)
            {
                case BinaryOperatorKind.Equals:
                case BinaryOperatorKind.NotEquals:
                case BinaryOperatorKind.ObjectValueEquals:
                case BinaryOperatorKind.ObjectValueNotEquals:
                case BinaryOperatorKind.LessThan:
                case BinaryOperatorKind.LessThanOrEqual:
                case BinaryOperatorKind.GreaterThan:
                case BinaryOperatorKind.GreaterThanOrEqual:
                    // Comparing a pointer is not reading what it points to.
                    return 0;
                case BinaryOperatorKind.Subtract when left != 0 && right != 0:
                    // (nuint)end - (nuint)start: the distance between two addresses is a number, not an address.
                    break;
                case BinaryOperatorKind.Add:
                case BinaryOperatorKind.Subtract:
                    if (IsAddress(binary.Type))
                    {
                        Use(left, binary.LeftOperand, state);
                        Use(right, binary.RightOperand, state);
                        var pointer = IsAddress(binary.LeftOperand.Type) ? binary.LeftOperand : binary.RightOperand;
                        return Borrow(binary, pointer, left | right, BorrowOrigin.Interior, state);
                    }

                    break;
            }

            Use(left, binary.LeftOperand, state);
            Use(right, binary.RightOperand, state);
            return 0;
        }

        /// <summary><c>IntPtr.ToPointer()</c>, <c>new IntPtr(void*)</c> and their <c>UIntPtr</c> twins: a cast written as a call.</summary>
        private static bool IsAddressConversion(IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments)
        {
            var type = method.ContainingType.SpecialType;
            if (type != SpecialType.System_IntPtr && type != SpecialType.System_UIntPtr)
            {
                return false;
            }

            return method.MethodKind == MethodKind.Constructor
                ? arguments.Length == 1 && arguments[0].Value.Type?.TypeKind == TypeKind.Pointer
                : method.Name == "ToPointer" && !method.IsStatic;
        }

        /// <summary>An instance of <see cref="Nullable{T}"/>: a value that may be missing, as a null reference may.</summary>
        private static bool IsNullable(IOperation? instance)
        {
            return instance?.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        }

        /// <summary>A pointer, <c>nint</c> or <c>nuint</c>: an address.</summary>
        internal static bool IsAddress(ITypeSymbol? type)
        {
            return type is not null && (type.TypeKind == TypeKind.Pointer || type.SpecialType == SpecialType.System_IntPtr || type.SpecialType == SpecialType.System_UIntPtr);
        }

        private ulong Assign(ISimpleAssignmentOperation assignment, FlowState state)
        {
            if (assignment.Target is IFlowCaptureReferenceOperation lvalue && storageCaptures.TryGetValue(lvalue.Id, out var storage))
            {
                // slots[i] = c ? a : b: the compiler captured slots[i] before the branches, its parts already read.
                return Store(assignment, storage, evaluateTarget: false, state);
            }

            if (assignment.Target is IInstanceReferenceOperation)
            {
                // this = default; in a struct: every field of this object is overwritten (ValueStringBuilder.Dispose).
                var whole = Evaluate(assignment.Value, state);
                Use(whole, assignment.Value, state);
                Escape(whole, state);
                for (var i = 0; i < variables.Count; i++)
                {
                    if (variables[i] is IFieldSymbol { IsStatic: false })
                    {
                        CheckOverwrite(assignment, i, state.PointsTo[i], 0, state);
                        state.PointsTo[i] = 0;
                        state.GoneThrough[i] = 0;
                    }
                }

                return whole;
            }

            var variable = VariableOfAssignmentTarget(assignment.Target);
            if (variable >= 0 && variables[variable] is ISymbol flagSymbol && FlagOf(flagSymbol) is var flag and >= 0)
            {
                // ok = true: the flag's value is known until its next assignment; anything else, either value.
                var bit = 1UL << flag;
                var constant = assignment.Value.ConstantValue;
                state.MayBeTrue = constant.HasValue && constant.Value is false ? state.MayBeTrue & ~bit : state.MayBeTrue | bit;
                state.MayBeFalse = constant.HasValue && constant.Value is true ? state.MayBeFalse & ~bit : state.MayBeFalse | bit;
            }

            if (variable >= 0 && !assignment.IsRef && variables[variable] is ILocalSymbol { RefKind: not RefKind.None } &&
                (state.PointsTo[variable] & BorrowMask()) != 0)
            {
                // Assigning to a ref local that refers into a collection or array writes through it: a use of that storage.
                var through = state.PointsTo[variable];
                Use(through, assignment.Target, state);
                var written = Evaluate(assignment.Value, state);
                Use(written, assignment.Value, state);
                Escape(written, state);
                return written;
            }

            if (variable < 0)
            {
                return Store(assignment, assignment.Target, evaluateTarget: true, state);
            }

            var old = state.PointsTo[variable];
            var value = Evaluate(assignment.Value, state);
            if (variables[variable] is ILocalSymbol { IsFixed: true } pinned)
            {
                // fixed (byte* p = array): p points into the array only while the fixed statement pins it.
                var pinnedSource = assignment.Value.ChildOperations.FirstOrDefault() ?? assignment.Value;
                if (value == 0)
                {
                    // fixed (T* p = span): what the span points into, through its GetPinnableReference().
                    value = Peek(pinnedSource, state);
                }

                value = Borrow(assignment.Value, pinnedSource, value, BorrowOrigin.Pinned, state);
                foreach (var id in Bits(value))
                {
                    resources[id].PinnedBy = pinned;
                    resources[id].Name = pinned.Name;
                }
            }
            else if (assignment.IsRef && assignment.Value is IArrayElementReferenceOperation element)
            {
                value = Borrow(element, element.ArrayReference, Peek(element.ArrayReference, state), BorrowOrigin.View, state);
            }
            else if (assignment.IsRef && assignment.Value is IPropertyReferenceOperation { Property.ReturnsByRef: true } elementOfView)
            {
                // A ref to an element of a span or list view is part of the same borrow.
                value |= Peek(elementOfView.Instance, state) & BorrowMask();
            }
            else if (variables[variable] is IFieldSymbol)
            {
                NoteKeptThroughField(assignment.Target, assignment.Value, state);
                CheckStore(assignment, assignment.Target, value, state);
            }

            CheckOverwrite(assignment, variable, old, value, state);
            state.PointsTo[variable] = value;
            state.GoneThrough[variable] = GoneThrough(assignment.Value, value, state);
            state.SetUntracked(variable, MayBeUntracked(assignment.Value, value, state));
            NameNewResources(value, variables[variable]);
            if (variables[variable] is ISymbol symbol && (capturedNames.Contains(NameOf(symbol)) || IsOuterVariable(symbol)))
            {
                // A lambda or local function sees this variable, or this body is one and the variable is its parent's:
                // the other side may release or keep the value at any time.
                Escape(value, state);
            }

            return value;
        }

        /// <summary>An assignment to something other than a followed variable: memory, an array, another object, a property.</summary>
        private ulong Store(ISimpleAssignmentOperation assignment, IOperation target, bool evaluateTarget, FlowState state)
        {
            if (evaluateTarget)
            {
                EvaluateTargetChildren(target, state);
            }

            var stored = Evaluate(assignment.Value, state);
            Use(stored, assignment.Value, state);
            NoteKeptThroughField(target, assignment.Value, state);
            if (IsElementCopy(assignment.Value))
            {
                // buffer[kept++] = frame, frame a ref local to an element of buffer: the element is copied, the reference
                // into the storage stays here.
                stored = 0;
            }

            if (target is IPropertyReferenceOperation { Property.SetMethod: { } setter } indexer &&
                contracts.GetMethod(setter).This.Kind == ContractKind.Invalidates)
            {
                // dictionary[key] = value, list.Capacity = n: the setter may move the storage.
                Escape(stored, state);
                Invalidate(indexer.Instance, Peek(indexer.Instance, state), assignment, state);
                return stored;
            }

            if (target is IDiscardOperation)
            {
                // _ = value keeps nothing: what only the discard received is judged at the statement's end.
                return stored;
            }

            // The value may be kept there. Where half-typed code stores it cannot be told.
            if (!IsMemoryStore(target) && !IsStoreIntoLocalValue(target) && !HasInvalidPart(target))
            {
                CheckStore(assignment, target, stored, state);
            }

            Escape(stored, state);
            return stored;
        }

        /// <summary>A local or parameter of an enclosing body, seen from a lambda's or local function's body.</summary>
        private bool IsOuterVariable(ISymbol symbol)
        {
            return method is { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } &&
                   symbol is ILocalSymbol or IParameterSymbol &&
                   !SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, method);
        }

        private int VariableOfTarget(IOperation target)
        {
            while (target is IDeclarationExpressionOperation declaration)
            {
                target = declaration.Expression;
            }

            switch (target)
            {
                case ILocalReferenceOperation local:
                    return VariableOf(local.Local);
                case IParameterReferenceOperation parameter:
                    return VariableOf(parameter.Parameter);
                case IFlowCaptureReferenceOperation capture:
                    return VariableOf(capture.Id);
                case IFieldReferenceOperation field when IsTrackedField(field):
                    return VariableOf(field.Field);
                case IPropertyReferenceOperation property when TrackedBackingField(property) is { } backingField:
                    return VariableOf(backingField);
                default:
                    return -1;
            }
        }

        /// <summary>Where an assignment stores: a flow capture of a variable reference stands for that variable.</summary>
        private int VariableOfAssignmentTarget(IOperation target)
        {
            if (target is IFlowCaptureReferenceOperation capture && captureTargets.TryGetValue(capture.Id, out var variable))
            {
                return variable;
            }

            return VariableOfTarget(target);
        }

        private void EvaluateTargetChildren(IOperation target, FlowState state)
        {
            if (target is IFieldReferenceOperation field)
            {
                // Writing a field of a disposed object runs none of its code, as reading one does (SQLite's
                // connection._noDispose = false in the finally after its using).
                UseInstanceOf(field, state);
                return;
            }

            foreach (var child in target.ChildOperations)
            {
                Use(Evaluate(child, state), child, state);
            }
        }

        /// <summary>
        /// Reading or writing a field that is not followed as a variable uses the object it belongs to, unless that object
        /// is a disposed one (<see cref="UsedByFieldRead"/>).
        /// </summary>
        private void UseInstanceOf(IFieldReferenceOperation field, FlowState state)
        {
            Use(UsedByFieldRead(field.Instance, Evaluate(field.Instance, state)), field.Instance, state);
        }

        private void NameNewResources(ulong value, object variable)
        {
            if (variable is not ISymbol symbol)
            {
                return;
            }

            foreach (var id in Bits(value & acquiredInStatement))
            {
                resources[id].Name = NameOf(symbol);
            }
        }

        /// <summary>OWN004: the assignment drops the last holder of a resource that is still owned.</summary>
        private void CheckOverwrite(ISimpleAssignmentOperation assignment, int variable, ulong old, ulong value, FlowState state)
        {
            foreach (var id in Bits(old))
            {
                var reacquired = (reacquiredWhileHeld & (1UL << id)) != 0;
                var lost = reacquired ||
                           ((value & (1UL << id)) == 0 && IsDefinitelyOwned(state.Resources[id]) && !state.IsHeld(id, variable));
                if (!lost || resources[id].Kind != ResourceKind.Owned)
                {
                    continue;
                }

                var resource = resources[id];
                var name = variables[variable] is ISymbol symbol ? NameOf(symbol) : resource.Name;
                if (IsFirstReport(4, assignment, id))
                {
                    report.Overwrite(assignment, name, resource);
                }

                if (!reacquired)
                {
                    // Reported once here: the lost value is not reported again as a leak.
                    state.Resources[id] = new ResourceState(state.Resources[id].Flags | StateFlags.Escaped, state.Resources[id].Site);
                }
            }
        }

        private ulong Invoke(IOperation call, IMethodSymbol target, IOperation? instance, ImmutableArray<IArgumentOperation> arguments, FlowState state)
        {
            if (IsMonitor(target.ContainingType))
            {
                // lock (x) and Monitor's calls read the object's header, not its state, and keep nothing: locking an
                // object that was disposed is fine.
                foreach (var argument in arguments)
                {
                    Evaluate(argument.Value, state);
                    if (argument.Parameter?.RefKind == RefKind.Ref)
                    {
                        AssignUnknown(argument.Value, state);
                    }
                }

                return 0;
            }

            var contract = contracts.GetMethod(target);
            var receiver = Evaluate(instance, state);
            var thisKind = contract.This.Kind;
            if (thisKind != ContractKind.Releases && thisKind != ContractKind.Transfers && !WorksWhenClosed(target))
            {
                Use(receiver, instance, state);
            }

            if (receiver != 0 && contract.IsEmpty && !target.IsStatic && !target.ReturnsVoid && instance?.Type is { } receiverType &&
                MayBeReceiver(target.ReturnType, receiverType))
            {
                // new Activity(name).Start(), new Channel(…).OpenAsync(): a method that returns the receiver's type, a type
                // it implements or a task of one may return the receiver itself. Which one it returns is not known: the
                // receiver is no longer checked for leaks.
                Escape(receiver, state);
            }

            var values = arguments.Length == 0 ? System.Array.Empty<ulong>() : new ulong[arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                var argument = arguments[i];
                values[i] = Evaluate(argument.Value, state);
                var kind = ParameterContract(contract, argument).Kind;
                if (kind != ContractKind.Releases && kind != ContractKind.Transfers && argument.Parameter?.RefKind != RefKind.Out &&
                    !LooksUpIdentity(target, argument))
                {
                    Use(values[i], argument.Value, state);
                }
            }

            // Effects happen after every argument was read: list.Add(list.Count) reads before it invalidates.
            var result = 0UL;
            var leaveOpen = LeavesOpen(arguments);
            for (var i = 0; i < arguments.Length; i++)
            {
                var argument = arguments[i];
                var parameterContract = ParameterContract(contract, argument);
                if (leaveOpen && parameterContract.Kind == ContractKind.Transfers)
                {
                    // new StreamReader(stream, leaveOpen: true): the caller keeps the stream.
                    parameterContract = new ValueContract(ContractKind.Borrowed);
                }

                var refKind = argument.Parameter?.RefKind ?? RefKind.None;
                switch (parameterContract.Kind)
                {
                    case ContractKind.Releases:
                        Release(values[i], parameterContract.Family, call, argument.Value, isTransfer: false, state);
                        break;
                    case ContractKind.Transfers:
                        Release(values[i], parameterContract.Family, call, argument.Value, isTransfer: true, state);
                        break;
                    case ContractKind.Owned when refKind == RefKind.Out || refKind == RefKind.Ref:
                        AcquireInto(argument, parameterContract.Family, target, state);
                        break;
                    case ContractKind.Invalidates:
                        Invalidate(argument.Value, values[i], call, state);
                        break;
                    case ContractKind.Borrowed:
                        break;
                    default:
                        if (refKind == RefKind.Out)
                        {
                            AssignUnknown(argument.Value, state);
                        }
                        else if (argument.Parameter is null || !argument.Parameter.Type.IsRefLikeType)
                        {
                            // A plain parameter may keep what it is given: the caller still owns it, but no leak is reported.
                            CheckPassedToKeeper(argument, values[i], state);
                            Escape(values[i], state);
                            if (refKind == RefKind.Ref)
                            {
                                // Volatile.Write(ref _handle, next): the variable may hold anything afterwards.
                                AssignUnknown(argument.Value, state);
                            }
                        }

                        break;
                }
            }

            switch (thisKind)
            {
                case ContractKind.Releases:
                    Release(WithoutWrappedViews(receiver, instance), contract.This.Family, call, instance, isTransfer: false, state);
                    break;
                case ContractKind.Transfers:
                    Release(WithoutWrappedViews(receiver, instance), contract.This.Family, call, instance, isTransfer: true, state);
                    break;
                case ContractKind.Invalidates:
                    Invalidate(instance, receiver, call, state);
                    break;
            }

            if (instance is IInstanceReferenceOperation || (instance is null && !target.IsStatic && target.MethodKind != MethodKind.Constructor))
            {
                ForgetFields(state, staticOnly: false);
            }
            else if (method is not null && SymbolEqualityComparer.Default.Equals(target.ContainingType, method.ContainingType))
            {
                ForgetFields(state, staticOnly: true);
            }

            if (contract.Return.Kind == ContractKind.Owned)
            {
                result = Acquire(call, contract.Return.Family, call.Type, state);
            }
            else if (contract.Return.Kind == ContractKind.Borrowed && !IsCopiedOut(call, target))
            {
                var source = instance;
                var sourceValue = receiver;
                if (contract.Return.BorrowSource is { } sourceName)
                {
                    source = null;
                    sourceValue = 0;
                    for (var i = 0; i < arguments.Length; i++)
                    {
                        if (arguments[i].Parameter?.Name == sourceName)
                        {
                            source = arguments[i].Value;
                            sourceValue = values[i];
                        }
                    }
                }

                result = Borrow(call, source, sourceValue, BorrowOrigin.View, state);
            }

            return result;
        }

        /// <summary>
        /// The receiver of a release method, less the views it only wraps: a span or pointer made into a disposable
        /// (<c>SpanOwner&lt;T&gt; owner = new Span&lt;T&gt;(pointer, n)</c>, by a user-defined conversion) is not what that
        /// disposable's Dispose releases. A borrow whose own type can be released (a [Borrowed] stream) is still there.
        /// </summary>
        private ulong WithoutWrappedViews(ulong receiver, IOperation? instance)
        {
            foreach (var id in Bits(receiver))
            {
                var resource = resources[id];
                if (resource.Kind == ResourceKind.Borrow && resource.AcquisitionSite?.Type is { } viewType &&
                    !SymbolEqualityComparer.Default.Equals(viewType, instance?.Type) &&
                    !contracts.IsDisposable(viewType) && contracts.GetType(viewType).Kind != ContractKind.Owned)
                {
                    receiver &= ~(1UL << id);
                }
            }

            return receiver;
        }

        /// <summary>
        /// Members that work on a closed object: <c>MemoryStream.ToArray()</c>, documented to (write through a writer that
        /// disposes the stream, then take the bytes: FASTER's recovery infos); a stream's <c>CanRead</c>, <c>CanSeek</c>
        /// and <c>CanWrite</c>, documented to be false once it is closed; and the connection tests <c>Socket.Connected</c>
        /// and <c>PipeStream.IsConnected</c>, false once closed (MySqlConnector disposes a socket that failed to connect,
        /// then tests it).
        /// </summary>
        private static bool WorksWhenClosed(IMethodSymbol target)
        {
            switch (target.Name)
            {
                case "ToArray":
                case "GetBuffer":
                    return target.Parameters.IsEmpty && IsSystemType(target.ContainingType, "IO", "MemoryStream");
                case "TryGetBuffer":
                    // Hands out the same array as GetBuffer, when the stream allows it, without checking either.
                    return target.Parameters.Length == 1 && IsSystemType(target.ContainingType, "IO", "MemoryStream");
                case "ToString":
                case "GetStringBuilder":
                    // A closed StringWriter still gives what was written to it.
                    return target.Parameters.IsEmpty && IsSystemType(target.ContainingType, "IO", "StringWriter");
                case "get_CanRead":
                case "get_CanSeek":
                case "get_CanWrite":
                    return DerivesFromSystemType(target.ContainingType, "IO", "Stream");
                case "get_Connected":
                    return DerivesFromSystemType(target.ContainingType, "Net.Sockets", "Socket");
                case "get_IsConnected":
                    return DerivesFromSystemType(target.ContainingType, "IO.Pipes", "PipeStream");
                case "SetHandleAsInvalid":
                case "get_IsClosed":
                case "get_IsInvalid":
                    // A closed handle keeps its value and its closed bit: asking for them, or marking it invalid, is how
                    // code that closed it finishes (DangerousGetHandle is still a use: the value names freed memory).
                    return DerivesFromSystemType(target.ContainingType, "Runtime.InteropServices", "SafeHandle");
                default:
                    return false;
            }
        }

        /// <summary>
        /// Whether a result of type <paramref name="result"/> may be the receiver itself: the receiver's type, a base type or
        /// interface of it other than <c>object</c>, or a <c>Task</c> or <c>ValueTask</c> of one.
        /// </summary>
        private static bool MayBeReceiver(ITypeSymbol result, ITypeSymbol receiver)
        {
            if (result is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } task &&
                (IsSystemType(task, "Threading.Tasks", "Task") || IsSystemType(task, "Threading.Tasks", "ValueTask")))
            {
                result = task.TypeArguments[0];
            }

            if (result.SpecialType == SpecialType.System_Object)
            {
                return false;
            }

            for (var type = receiver; type is not null; type = type.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(type, result))
                {
                    return true;
                }
            }

            return result.TypeKind == TypeKind.Interface && receiver.AllInterfaces.Contains((INamedTypeSymbol)result, SymbolEqualityComparer.Default);
        }

        /// <summary>
        /// <c>list.Remove(handle)</c>, <c>set.Contains(handle)</c>, <c>ReferenceEquals(a, b)</c>: a lookup whose parameter is
        /// <c>object</c> or an unconstrained type parameter sees the object's identity, not its state, so handing it a
        /// disposed object is no use of it. A parameter of the object's own type, or any other method, is still a use.
        /// <c>GC.KeepAlive(callback)</c> and <c>GC.SuppressFinalize(socket)</c> are the collector's business with the object,
        /// not with its state, too.
        /// </summary>
        private static bool LooksUpIdentity(IMethodSymbol target, IArgumentOperation argument)
        {
            switch (target.Name)
            {
                case "KeepAlive":
                case "SuppressFinalize":
                    return IsSystemType(target.ContainingType, string.Empty, "GC");
                case "Remove":
                case "TryRemove":
                case "Contains":
                case "ContainsKey":
                case "ContainsValue":
                case "IndexOf":
                case "LastIndexOf":
                case "ReferenceEquals":
                    return argument.Parameter?.OriginalDefinition.Type switch
                    {
                        { SpecialType: SpecialType.System_Object } => true,
                        ITypeParameterSymbol parameter => parameter.ConstraintTypes.IsEmpty && !parameter.HasUnmanagedTypeConstraint,
                        _ => false,
                    };
                default:
                    return false;
            }
        }

        private static bool IsMonitor(INamedTypeSymbol type)
        {
            return IsSystemType(type, "Threading", "Monitor");
        }

        private static bool DerivesFromSystemType(INamedTypeSymbol? type, string space, string name)
        {
            for (; type is not null; type = type.BaseType)
            {
                if (IsSystemType(type, space, name))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The type <c>System.<paramref name="space"/>.<paramref name="name"/></c>, where the space may have dots (<c>Net.Sockets</c>).</summary>
        internal static bool IsSystemType(INamedTypeSymbol type, string space, string name)
        {
            if (type.Name != name)
            {
                return false;
            }

            var inner = type.ContainingNamespace;
            for (var end = space.Length; end > 0;)
            {
                var start = space.LastIndexOf('.', end - 1) + 1;
                if (inner is null || inner.Name.Length != end - start || string.CompareOrdinal(inner.Name, 0, space, start, end - start) != 0)
                {
                    return false;
                }

                inner = inner.ContainingNamespace;
                end = start - 1;
            }

            return inner is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };
        }

        private static bool LeavesOpen(ImmutableArray<IArgumentOperation> arguments)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { Name: "leaveOpen" } && argument.Value.ConstantValue is { HasValue: true, Value: true })
                {
                    return true;
                }
            }

            return false;
        }

        private static ValueContract ParameterContract(MethodContract contract, IArgumentOperation argument)
        {
            return argument.Parameter is null ? ValueContract.None : contract.Parameter(argument.Parameter.Ordinal);
        }

        /// <summary>A call on <c>this</c> may change its fields: stop following them (what they held may be kept).</summary>
        private void ForgetFields(FlowState state, bool staticOnly)
        {
            for (var i = 0; i < variables.Count; i++)
            {
                if (variables[i] is IFieldSymbol field && (!staticOnly || field.IsStatic) && state.PointsTo[i] != 0)
                {
                    Escape(state.PointsTo[i], state);
                    state.PointsTo[i] = 0;
                }
            }
        }

        private void AssignUnknown(IOperation target, FlowState state)
        {
            var variable = VariableOfTarget(target);
            if (variable >= 0)
            {
                state.PointsTo[variable] = 0;
                state.SetUntracked(variable, true);
            }
        }

        /// <summary>An <c>out</c> argument of an owning call: acquired only when a Try… call returns true.</summary>
        private void AcquireInto(IArgumentOperation argument, string? family, IMethodSymbol target, FlowState state)
        {
            var variable = VariableOfTarget(argument.Value);
            var id = AcquireId(argument, family, argument.Value.Type, state, argument.Parent);
            if (id < 0)
            {
                return;
            }

            if (variable >= 0)
            {
                state.PointsTo[variable] = 1UL << id;
                state.SetUntracked(variable, false);
                NameNewResources(1UL << id, variables[variable]);
            }

            if (target.ReturnType.SpecialType == SpecialType.System_Boolean && argument.Parent is IOperation call)
            {
                state.Resources[id] = new ResourceState(StateFlags.Owned | StateFlags.Unconfirmed, null);
                tryAcquisitions[call] = (tryAcquisitions.TryGetValue(call, out var mask) ? mask : 0) | (1UL << id);
            }
        }

        private ulong Acquire(IOperation site, string? family, ITypeSymbol? type, FlowState state)
        {
            var id = AcquireId(site, family, type, state);
            return id < 0 ? 0 : 1UL << id;
        }

        private int AcquireId(IOperation site, string? family, ITypeSymbol? type, FlowState state, IOperation? call = null)
        {
            if (!resourceBySite.TryGetValue(site, out var id))
            {
                id = NewResource(ResourceKind.Owned, site, site.Syntax.GetLocation(), null, family, contracts.IsDisposable(type), call);
                if (id < 0)
                {
                    return -1;
                }

                resourceBySite.Add(site, id);
            }

            var bit = 1UL << id;
            if (IsDefinitelyOwned(state.Resources[id]) && state.HolderCount(id) == 1)
            {
                // The same site runs again (a loop) while the previous value is still owned and held by one variable:
                // overwriting that variable loses it. A second holder (var old = array; array = Rent(…); Return(old);)
                // keeps it, but one site's two values cannot be told apart: the previous one is no longer followed.
                reacquiredWhileHeld |= bit;
            }

            // A new value: whatever held the previous one no longer points to this one.
            for (var i = 0; i < state.PointsTo.Length; i++)
            {
                state.PointsTo[i] &= ~bit;
                state.GoneThrough[i] &= ~bit;
            }

            state.Resources[id] = new ResourceState(StateFlags.Owned, null);
            acquiredInStatement |= bit;
            return id;
        }

        private void Release(ulong value, string? family, IOperation call, IOperation? argument, bool isTransfer, FlowState state)
        {
            if (argument is not null && IsElementCopy(argument))
            {
                // reference.Dispose(), with ref var reference = ref items[i]: what is released is the element, which is not
                // followed, not the reference into the array (R3's ListDisposableCore, Garnet's CircularDiskWriteBuffer).
                return;
            }

            if (IsOneOfSeveral(value, argument, state))
            {
                // Release(a ? p : q): the value is p's resource or q's, and each is still held apart, so which one this
                // call releases is not known here. Too little to report anything on: from here on, neither is checked.
                Escape(value, state);
                return;
            }

            value = WithoutOthersValues(value, MayBeUntracked(argument, value, state), state);
            var someOfFamily = HoldsFamily(value, family, state);
            foreach (var id in Bits(value))
            {
                var resource = resources[id];
                var current = state.Resources[id];
                if (current.Flags == StateFlags.None)
                {
                    continue;
                }

                var name = NameOf(argument, resource);
                if (NotOwnedReason(resource, family) is { } reason)
                {
                    if (IsFirstReport(6, call, id))
                    {
                        report.ReleaseNotOwned(call, name, isTransfer, reason, resource.Location);
                    }

                    continue;
                }

                if (resource.Kind == ResourceKind.Borrow || resource.Kind == ResourceKind.Foreign)
                {
                    continue;
                }

                if (current.Has(StateFlags.Gone) && !IsDisposedAgain(resource, current, isTransfer) && IsGoneThrough(argument, value, id, state) &&
                    !IsInfeasible(current, call))
                {
                    // One report per released expression: a variable that may hold either of two resources is one mistake.
                    if (IsFirstReport(2, argument ?? call, -1))
                    {
                        report.DoubleRelease(call, name, resource, current, isTransfer);
                    }
                }
                else if (!isTransfer && family is not null && resource.Family is not null && family != resource.Family && current.Has(StateFlags.Owned) &&
                         !someOfFamily)
                {
                    // One report per call, whichever of the resources the value may hold it names.
                    if (IsFirstReport(10, call, -1))
                    {
                        report.WrongFamily(call, argument, name, resource, family);
                    }
                }

                // Whichever resource the variable held on this path, it is the one released: every candidate is.
                if (!resource.ReleaseSites.Contains(call))
                {
                    resource.ReleaseSites.Add(call);
                }

                MarkGone(id, isTransfer ? StateFlags.Transferred : StateFlags.Released, call, state);
                if (!isTransfer)
                {
                    ReleaseAdopted(resource, call, state);
                }
            }
        }

        /// <summary>
        /// Dispose must be idempotent: a disposable disposed again, or handed to a second owner after a first one (each
        /// will dispose it: LiteDB's reader and writer CryptoStreams over one stream), is not freed twice. Handing over
        /// one that was already disposed is still reported.
        /// </summary>
        private static bool IsDisposedAgain(Resource resource, ResourceState current, bool isTransfer)
        {
            return resource.IsDisposable && (!isTransfer || !current.Has(StateFlags.Released));
        }

        /// <summary>
        /// <paramref name="call"/> releases or transfers a resource: so it is for every variable holding it, and a release
        /// makes its borrows stale.
        /// </summary>
        private void MarkGone(int id, StateFlags gone, IOperation call, FlowState state)
        {
            state.Resources[id] = new ResourceState((state.Resources[id].Flags & StateFlags.Escaped) | gone, call);
            state.MarkGoneThroughHolders(1UL << id);
            if (gone == StateFlags.Released)
            {
                MarkStale(BorrowsOf(1UL << id), call, state);
            }
        }

        /// <summary>
        /// A value handed to a constructor (<c>new StreamWriter(stream)</c>, <c>: base(stream)</c>) is owned by the new
        /// object, which keeps it alive: using it is fine until that object is released.
        /// </summary>
        private static bool IsAdopted(ResourceState state)
        {
            return state.Has(StateFlags.Transferred) && !state.Has(StateFlags.Released) &&
                   state.Site is IObjectCreationOperation or IInvocationOperation { TargetMethod.MethodKind: MethodKind.Constructor };
        }

        /// <summary>
        /// <c>var w = own ? new Writer() : given; …; if (own) w.Close();</c>: a release of a value that is either acquired
        /// here, or not followed at all (<paramref name="mayBeUntracked"/>: Serilog's <c>pad ? GetOrCreate() : output</c>),
        /// or someone else's (a parameter's, a field's) releases the one acquired here, if any; the other is no longer
        /// followed, since which one the call gets depends on a condition the analysis does not correlate.
        /// </summary>
        private ulong WithoutOthersValues(ulong value, bool mayBeUntracked, FlowState state)
        {
            var acquiredHere = 0UL;
            var others = 0UL;
            var lent = 0UL;
            foreach (var id in Bits(value))
            {
                switch (resources[id].Kind)
                {
                    case ResourceKind.Owned:
                        acquiredHere |= 1UL << id;
                        break;
                    case ResourceKind.FieldContent:
                        others |= 1UL << id;
                        break;
                    case ResourceKind.Borrow when resources[id].BorrowOrigin == BorrowOrigin.Parameter:
                        lent |= 1UL << id;
                        break;
                }
            }

            if ((acquiredHere == 0 && !mayBeUntracked) || (others | lent) == 0)
            {
                return value;
            }

            // A [Borrowed] parameter stays the caller's: not released here, nor reported as released without owning it.
            Escape(others, state);
            return value & ~(others | lent);
        }

        /// <summary>
        /// True when <paramref name="value"/> may hold an owned resource of <paramref name="family"/>. A variable that holds
        /// one of two families (<c>p = global ? AllocHGlobal(n) : AllocCoTaskMem(n)</c>) is released by the call of its
        /// family on the paths that choose it (<c>if (global) FreeHGlobal(p); else FreeCoTaskMem(p);</c>), a condition the
        /// analysis does not correlate: OWN010 is reported only when no candidate is of the release's family.
        /// </summary>
        private bool HoldsFamily(ulong value, string? family, FlowState state)
        {
            if (family is null)
            {
                return false;
            }

            foreach (var id in Bits(value))
            {
                if (resources[id].Family == family && state.Resources[id].Has(StateFlags.Owned))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Releasing an object releases what its constructor adopted: writer.Dispose() closes the stream it was given.</summary>
        private void ReleaseAdopted(Resource owner, IOperation call, FlowState state)
        {
            if (owner.AcquisitionSite is not IObjectCreationOperation creation)
            {
                return;
            }

            for (var i = 0; i < resources.Count; i++)
            {
                var adopted = state.Resources[i];
                if (i != owner.Id && IsAdopted(adopted) && ReferenceEquals(adopted.Site, creation))
                {
                    MarkGone(i, StateFlags.Released, call, state);
                }
            }
        }

        /// <summary>
        /// True when the value is one of several resources, not each of them: two or more of them are each held alone by
        /// some variable (<c>Free(a ? p : q)</c>), or another variable than <paramref name="argument"/>'s may hold several
        /// of them too (<c>front</c> and <c>back</c> swapped in a loop). A variable that alone held one resource or another,
        /// depending on the path, holds both at the join: then on every path the one it holds is the one released, and
        /// all of them are.
        /// </summary>
        private bool IsOneOfSeveral(ulong value, IOperation? argument, FlowState state)
        {
            if ((value & (value - 1)) == 0)
            {
                // One resource or none: the common case, decided before looking for the argument's variable.
                return false;
            }

            var released = argument is null ? -1 : VariableOfTarget(argument.WithoutConversions());
            var heldAlone = 0UL;
            for (var i = 0; i < state.PointsTo.Length; i++)
            {
                var held = state.PointsTo[i];
                if ((held & value) == 0)
                {
                    continue;
                }

                if ((held & (held - 1)) == 0)
                {
                    heldAlone |= held;
                }
                else if (i != released && variables[i] is ISymbol)
                {
                    // Flow captures are the compiler's temporaries: the one that carried the value here is not another holder.
                    return true;
                }
            }

            return (heldAlone & (heldAlone - 1)) != 0;
        }

        private void Escape(ulong value, FlowState state)
        {
            foreach (var id in Bits(value))
            {
                var current = state.Resources[id];
                state.Resources[id] = new ResourceState(current.Flags | StateFlags.Escaped, current.Site);
            }
        }

        /// <summary>
        /// The resources of <paramref name="value"/>, read from <paramref name="operation"/>, that may be gone as seen
        /// through it: through the variable it reads, when it reads one; otherwise every gone one.
        /// </summary>
        private ulong GoneThrough(IOperation? operation, ulong value, FlowState state)
        {
            var variable = operation is null ? -1 : VariableOfTarget(operation.WithoutConversions());
            return variable >= 0 ? state.GoneThrough[variable] & value : state.GoneOf(value);
        }

        /// <summary>
        /// Whether <paramref name="operand"/> may hold, on some path, a value the analysis does not follow besides
        /// <paramref name="value"/>: a variable marked so, or a value with no resource that is not null.
        /// </summary>
        private bool MayBeUntracked(IOperation? operand, ulong value, FlowState state)
        {
            if (operand is null)
            {
                return false;
            }

            var unwrapped = operand.WithoutConversions();
            var variable = VariableOfTarget(unwrapped);
            if (variable >= 0)
            {
                return state.IsUntracked(variable);
            }

            return value == 0 && unwrapped is not IDefaultValueOperation && !(unwrapped.ConstantValue.HasValue && unwrapped.ConstantValue.Value is null);
        }

        private bool IsGoneThrough(IOperation? operation, ulong value, int resource, FlowState state)
        {
            return (GoneThrough(operation, value, state) & (1UL << resource)) != 0;
        }

        /// <summary>OWN001: a read of a resource that may have been released or transferred.</summary>
        private void Use(ulong value, IOperation? at, FlowState state)
        {
            if (value == 0 || at is null)
            {
                return;
            }

            foreach (var id in Bits(value))
            {
                var current = state.Resources[id];
                if (resources[id].Kind == ResourceKind.Borrow)
                {
                    if (current.Has(StateFlags.Stale) && current.Site is not null && IsGoneThrough(at, value, id, state))
                    {
                        var borrow = resources[id];
                        var borrowName = NameOf(at, borrow);
                        if (IsFirstReport(5, at, -1))
                        {
                            report.StaleBorrow(at, borrowName, borrow, current);
                        }
                    }
                }
                else if (current.Has(StateFlags.Gone) && current.Site is not null && !IsAdopted(current) && IsGoneThrough(at, value, id, state) &&
                         reporting && !IsInfeasible(current, at))
                {
                    // IsInfeasible reads the syntax (and the state machine's symbols): only in a pass that reports.
                    var resource = resources[id];
                    var name = NameOf(at, resource);
                    // One report per use, whichever of the resources the value may hold was released.
                    if (IsFirstReport(1, at, -1))
                    {
                        report.UseAfterRelease(at, name, resource, current);
                    }
                }
            }
        }

        private void Returned(IOperation returned, ulong value, FlowState state)
        {
            Use(value, returned, state);
            CheckReturnedBorrow(returned, value, state);
            if (method is not null && method.MethodKind != MethodKind.AnonymousFunction)
            {
                var returnContract = contracts.GetMethod(method).Return;
                foreach (var id in Bits(value))
                {
                    var resource = resources[id];
                    if (returnContract.Kind != ContractKind.Owned && !IsHeldByField(id, state) &&
                        (IsAcquiredHere(resource, state) || IsDetachedOwnedField(resource, state)) && !IsNewEnumerator(resource))
                    {
                        // Once per return, whichever of its possible values it names.
                        if (IsFirstReport(11, returned, -1))
                        {
                            report.UnannotatedOwnedReturn(returned, resource, method);
                        }
                    }
                }
            }

            Escape(value | NativeMemoryViewedBy(value), state);
        }

        /// <summary>
        /// The native blocks that views in <paramref name="value"/> are made over (<c>return new Span&lt;T&gt;(pointer, n)</c>,
        /// DotNext's SpanOwner): the caller gets the block with the view, and can take its address back from it. A view
        /// over a rented array is not among them: its array cannot be had back from a span.
        /// </summary>
        private ulong NativeMemoryViewedBy(ulong value)
        {
            var blocks = 0UL;
            foreach (var id in Bits(value))
            {
                if (resources[id].Kind != ResourceKind.Borrow || resources[id].BorrowOrigin != BorrowOrigin.View)
                {
                    continue;
                }

                foreach (var source in Bits(resources[id].SourceResources))
                {
                    if (resources[source].Kind == ResourceKind.Owned && IsAddress(resources[source].AcquisitionSite?.Type))
                    {
                        blocks |= 1UL << source;
                    }
                }
            }

            return blocks;
        }

        /// <summary>
        /// A new enumerator (a disposable with <c>MoveNext</c> and <c>Current</c>), tracked by
        /// ownership_track_all_disposables: returned, it goes to the foreach that asked for it, which disposes it.
        /// </summary>
        private static bool IsNewEnumerator(Resource resource)
        {
            if (resource.AcquisitionSite is not IObjectCreationOperation { Type: { } type })
            {
                return false;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (implemented.Name is "IEnumerator" or "IAsyncEnumerator")
                {
                    return true;
                }
            }

            // The foreach pattern needs no interface: a public MoveNext() and Current.
            var moves = false;
            var current = false;
            foreach (var member in type.GetMembers())
            {
                moves |= member is IMethodSymbol { Name: "MoveNext" or "MoveNextAsync", Parameters.IsEmpty: true, IsStatic: false };
                current |= member is IPropertySymbol { Name: "Current", IsStatic: false };
            }

            return moves && current;
        }

        /// <summary>A maybe-state ("on some path") whose release and this place sit under opposite values of one flag.</summary>
        private bool IsInfeasible(ResourceState state, IOperation here)
        {
            return state.Has(StateFlags.Owned | StateFlags.Null | StateFlags.Escaped) && state.Site is { } site &&
                   (guards.AreExclusive(site.Syntax, here.Syntax) || guards.IsLeftByStateChange(site.Syntax, here.Syntax));
        }

        /// <summary>Released under opposite values of one flag: every path through both releases it.</summary>
        private bool IsReleasedOnBothSides(Resource resource)
        {
            for (var i = 0; i < resource.ReleaseSites.Count; i++)
            {
                for (var j = i + 1; j < resource.ReleaseSites.Count; j++)
                {
                    if (guards.AreExclusive(resource.ReleaseSites[i].Syntax, resource.ReleaseSites[j].Syntax))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>A field of this object keeps the value (return _buffer = Rent(n);): it stays the owner, the caller borrows.</summary>
        private bool IsHeldByField(int resource, FlowState state)
        {
            var bit = 1UL << resource;
            for (var i = 0; i < variables.Count; i++)
            {
                if (variables[i] is IFieldSymbol && (state.PointsTo[i] & bit) != 0)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAcquiredHere(Resource resource, FlowState state)
        {
            return resource.Kind == ResourceKind.Owned && IsLeakCandidate(state.Resources[resource.Id]);
        }

        /// <summary>The content of an [Owned] field, taken out of it (the field no longer holds it): ownership moves to the caller.</summary>
        private bool IsDetachedOwnedField(Resource resource, FlowState state)
        {
            if (resource.Kind != ResourceKind.FieldContent || resource.SourceSymbol is not IFieldSymbol field ||
                contracts.GetMember(field).Kind != ContractKind.Owned || !variableIndex.TryGetValue(field, out var fieldVariable))
            {
                return false;
            }

            return (state.PointsTo[fieldVariable] & (1UL << resource.Id)) == 0 && !state.Resources[resource.Id].Has(StateFlags.Gone | StateFlags.Escaped);
        }

        /// <summary>Null checks, <c>IsAllocated</c>, a SafeHandle's <c>IsInvalid</c> and Try… results refine the state on each branch.</summary>
        private void Refine(IOperation condition, bool whenTrue, FlowState state)
        {
            switch (condition)
            {
                case IConversionOperation conversion:
                    Refine(conversion.Operand, whenTrue, state);
                    break;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    Refine(not.Operand, !whenTrue, state);
                    break;
                case ILocalReferenceOperation or IParameterReferenceOperation when FlagOf(condition) is var flag and >= 0:
                    // The branch where the flag has a value it cannot have here is taken by no path.
                    var bit = 1UL << flag;
                    if (((whenTrue ? state.MayBeTrue : state.MayBeFalse) & bit) == 0)
                    {
                        state.Unreachable = true;
                    }
                    else if (whenTrue)
                    {
                        state.MayBeFalse &= ~bit;
                    }
                    else
                    {
                        state.MayBeTrue &= ~bit;
                    }

                    break;
                case IInvocationOperation invocation when tryAcquisitions.TryGetValue(invocation, out var acquired):
                    foreach (var id in Bits(acquired))
                    {
                        var current = state.Resources[id];
                        state.Resources[id] = whenTrue
                            ? new ResourceState(current.Flags & ~StateFlags.Unconfirmed, current.Site)
                            : new ResourceState(StateFlags.Null, current.Site);
                    }

                    break;
                case IBinaryOperation binary when binary.OperatorKind == BinaryOperatorKind.Equals || binary.OperatorKind == BinaryOperatorKind.NotEquals:
                    var compared = IsNullConstant(binary.RightOperand) ? binary.LeftOperand : IsNullConstant(binary.LeftOperand) ? binary.RightOperand : null;
                    if (compared is not null)
                    {
                        RefineNull(compared, whenTrue == (binary.OperatorKind == BinaryOperatorKind.Equals), state);
                    }

                    break;
                case IIsNullOperation isNull:
                    RefineNull(isNull.Operand, whenTrue, state);
                    break;
                case IIsPatternOperation isPattern:
                    var pattern = isPattern.Pattern;
                    var negated = false;
                    if (pattern is INegatedPatternOperation negatedPattern)
                    {
                        pattern = negatedPattern.Pattern;
                        negated = true;
                    }

                    if (pattern is IConstantPatternOperation constant && IsNullConstant(constant.Value))
                    {
                        RefineNull(isPattern.Value, whenTrue != negated, state);
                    }
                    else if (pattern is IRecursivePatternOperation or ITypePatternOperation or IDeclarationPatternOperation)
                    {
                        if (whenTrue != negated)
                        {
                            RefineNull(isPattern.Value, isNull: false, state);
                        }
                    }

                    break;
                case IPropertyReferenceOperation { Property.Name: "HasValue" } hasValue when IsNullable(hasValue.Instance):
                    RefineNull(hasValue.Instance!, isNull: !whenTrue, state);
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsInvalid", Instance.Type: INamedTypeSymbol handleType } invalid
                    when DerivesFromSystemType(handleType, "Runtime.InteropServices", "SafeHandle"):
                    // if (handle.IsInvalid) return false;: a handle that failed to open holds nothing to release, as a null
                    // holds nothing (a SafeHandle releases only a valid one).
                    RefineNull(invalid.Instance!, isNull: whenTrue, state);
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsAllocated" } allocated:
                    // GCHandle.Free zeroes the handle it is called on, so IsAllocated tells released from held.
                    foreach (var id in Bits(Peek(allocated.Instance, state)))
                    {
                        var current = state.Resources[id];
                        var held = current.Flags & ~(StateFlags.Gone | StateFlags.Null);
                        state.Resources[id] = new ResourceState(whenTrue && held != 0 ? held : StateFlags.Null, current.Site);
                    }

                    break;
            }
        }

        private void RefineNull(IOperation tested, bool isNull, FlowState state)
        {
            var value = Peek(tested, state);
            var single = value != 0 && (value & (value - 1)) == 0;
            if (isNull && !single && VariableOfTarget(tested.WithoutConversions()) is var variable and >= 0)
            {
                // The variable may hold one of several values, and here it holds none of them.
                state.PointsTo[variable] = 0;
                state.SetUntracked(variable, false);
                return;
            }

            foreach (var id in Bits(value))
            {
                var current = state.Resources[id];
                if (isNull && single)
                {
                    state.Resources[id] = new ResourceState(StateFlags.Null, current.Site);
                }
                else if (!isNull && (current.Flags & ~StateFlags.Null) != 0)
                {
                    state.Resources[id] = new ResourceState(current.Flags & ~StateFlags.Null, current.Site);
                }
            }
        }

        /// <summary>The value of a variable read, without evaluating anything.</summary>
        private ulong Peek(IOperation? operation, FlowState state)
        {
            operation = operation?.WithoutConversions();

            var variable = operation is null ? -1 : VariableOfTarget(operation);
            return variable < 0 ? 0 : state.PointsTo[variable];
        }

        private static bool IsNullConstant(IOperation operation)
        {
            operation = operation.WithoutConversions();

            switch (operation)
            {
                case ILiteralOperation literal:
                    return literal.ConstantValue.HasValue && (literal.ConstantValue.Value is null || IsZero(literal.ConstantValue.Value));
                case IDefaultValueOperation:
                    return true;
                case IFieldReferenceOperation { Field.Name: "Zero", Field.IsStatic: true } field:
                    return field.Field.ContainingType.SpecialType == SpecialType.System_IntPtr || field.Field.ContainingType.SpecialType == SpecialType.System_UIntPtr;
                default:
                    return false;
            }
        }

        private static bool IsZero(object value)
        {
            return value is int i ? i == 0 : value is long l ? l == 0 : value is uint u ? u == 0 : value is ulong ul && ul == 0;
        }

        /// <summary>Still owned on every path that acquired it (it may not have been acquired on others).</summary>
        private static bool IsDefinitelyOwned(ResourceState state)
        {
            return state.Has(StateFlags.Owned) && !state.Has(StateFlags.Gone | StateFlags.Escaped | StateFlags.Unconfirmed | StateFlags.Stale);
        }

        /// <summary>Owned on some path, not kept elsewhere, not an unconfirmed Try… result, and not the correlated-flag pattern.</summary>
        private static bool IsLeakCandidate(ResourceState state)
        {
            if (!state.Has(StateFlags.Owned) || state.Has(StateFlags.Escaped | StateFlags.Unconfirmed | StateFlags.Stale))
            {
                return false;
            }

            return !FollowsCondition(state);
        }

        /// <summary>
        /// Never acquired on some paths and released on others: ownership followed a condition the analysis does not
        /// correlate (<c>var p = own ? Alloc() : shared; …; if (own) Free(p);</c>), so no leak is reported.
        /// </summary>
        private static bool FollowsCondition(ResourceState state)
        {
            return state.Has(StateFlags.Null) && state.Has(StateFlags.Gone);
        }

        private void LeaveRegions(ImmutableArray<ControlFlowRegion> regions, FlowState state, Location? exit)
        {
            var dying = new HashSet<int>();
            foreach (var region in regions)
            {
                foreach (var local in region.Locals)
                {
                    if (local.IsFixed)
                    {
                        Unpin(local, state);
                    }

                    if (variableIndex.TryGetValue(local, out var index))
                    {
                        dying.Add(index);
                    }
                }

                foreach (var capture in region.CaptureIds)
                {
                    if (captureIndex.TryGetValue(capture, out var index))
                    {
                        dying.Add(index);
                    }
                }
            }

            if (dying.Count > 0)
            {
                Die(dying, state, _ => exit, LeakKind.EveryPath, atScopeEnd: true);
            }
        }

        /// <summary>
        /// A path reaches the end of the body. What leaks on it is noted, but judged only after every path is seen,
        /// so that ownership that followed correlated conditions ("if (owns) free") is not reported.
        /// </summary>
        private void ReachExit(FlowState state, Location? exit)
        {
            if (!reporting)
            {
                return;
            }

            // Judged on each path, since a join of paths would pair one path's release with another's re-acquisition.
            CheckDanglingFields(state);
            var atExit = state.Clone();
            var dying = BodyVariables(atExit);
            foreach (var variable in dying)
            {
                foreach (var id in Bits(atExit.PointsTo[variable]))
                {
                    if (!exitLocations.ContainsKey(id) && resources[id].Kind == ResourceKind.Owned &&
                        IsLeakCandidate(atExit.Resources[id]) && !atExit.IsHeld(id, dying))
                    {
                        exitLocations.Add(id, exit);
                    }
                }
            }

            if (exitState is null)
            {
                exitState = atExit;
            }
            else
            {
                exitState.JoinWith(atExit);
            }
        }

        /// <summary>After the reporting pass: what leaked on some path, unless all paths together show the correlated-flag pattern.</summary>
        private void JudgeExit()
        {
            foreach (var leak in scopeEndLeaks)
            {
                var resource = resources[leak.Key];
                if (!FollowsCondition(scopeEndStates[leak.Key]) && IsFirstReport(3, resource.AcquisitionSite, leak.Key))
                {
                    report.Leak(resource, leak.Value, LeakKind.SomePath);
                }
            }

            if (exitState is null)
            {
                return;
            }

            foreach (var leak in exitLocations)
            {
                var joined = exitState.Resources[leak.Key];
                if (FollowsCondition(joined))
                {
                    continue;
                }

                var resource = resources[leak.Key];
                if (joined.Has(StateFlags.Gone) && IsReleasedOnBothSides(resource))
                {
                    continue;
                }

                var kind = joined.Flags == StateFlags.Owned ? LeakKind.EveryPath : LeakKind.SomePath;
                if (IsFirstReport(3, resource.AcquisitionSite, leak.Key))
                {
                    report.Leak(resource, leak.Value, kind);
                }
            }
        }

        /// <summary>OWN009: a field still holds a value this body released or transferred: the next release frees it again.</summary>
        private void CheckDanglingFields(FlowState state)
        {
            // A finalizer is the last thing to run on its object, and the runtime calls a SafeHandle's ReleaseHandle once:
            // what either leaves in a field is never seen again. A readonly struct cannot reset its fields, nor itself:
            // its release method (a pooled lease's Return) has nothing to fix, and its copies keep the value anyway.
            if (method is null || method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction or MethodKind.Destructor ||
                method is { IsOverride: true, Name: "ReleaseHandle", Parameters.Length: 0 } ||
                method.ContainingType is { TypeKind: TypeKind.Struct, IsReadOnly: true } || IsMarshallerRelease(method))
            {
                return;
            }

            for (var i = 0; i < variables.Count; i++)
            {
                if (variables[i] is not IFieldSymbol field)
                {
                    continue;
                }

                foreach (var id in Bits(state.PointsTo[i] & state.GoneThrough[i]))
                {
                    var resource = resources[id];
                    var current = state.Resources[id];
                    if (!resource.IsDisposable && resource.Kind != ResourceKind.Borrow && current.Has(StateFlags.Gone) && current.Site is { } release &&
                        !IsReleasedInPlace(release, field) && !DanglingFieldExemptions.RunsOnce(release.Syntax, method.ContainingType) &&
                        !DanglingFieldExemptions.IsSafeInEveryCaller(method, BackingFields.Declared(field), cancellationToken))
                    {
                        if (IsFirstReport(9, release, id))
                        {
                            report.DanglingField(release, field, method);
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The release method of a custom marshaller's shape: <c>Free()</c> of a stateful marshaller, <c>FreeNative()</c>
        /// of a native struct, in a type that is (or is nested in) a <c>[CustomMarshaller]</c>. The interop stub the
        /// compiler generates calls it once for each call it marshals, and uses that marshaller no more.
        /// </summary>
        private static bool IsMarshallerRelease(IMethodSymbol method)
        {
            if (method.IsStatic || method.Name is not ("Free" or "FreeNative"))
            {
                return false;
            }

            for (var type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (attribute.AttributeClass is { } marker &&
                        (IsSystemType(marker, "Runtime.InteropServices.Marshalling", "CustomMarshallerAttribute") ||
                         IsSystemType(marker, "Runtime.InteropServices.Marshalling", "ContiguousCollectionMarshallerAttribute")))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// _pin.Free(): a struct field released by its own mutating method, which gets the field itself, not a copy, and
        /// may reset it (GCHandle.Free and MemoryHandle.Dispose do). Whether it does is not known here, so it is not
        /// reported. A readonly field hands the method a copy: the field keeps the released value.
        /// </summary>
        private static bool IsReleasedInPlace(IOperation release, IFieldSymbol field)
        {
            return release is IInvocationOperation { TargetMethod.IsReadOnly: false, Instance: IFieldReferenceOperation receiver } &&
                   field.Type.IsValueType && !field.IsReadOnly && SymbolEqualityComparer.Default.Equals(receiver.Field, field);
        }

        private void LeaveBody(FlowState state, Location? exit, LeakKind kind)
        {
            Die(BodyVariables(state), state, _ => exit, kind);
        }

        /// <summary>The variables that die when the body ends; what <c>ref</c> and <c>out</c> parameters hold goes back to the caller.</summary>
        private HashSet<int> BodyVariables(FlowState state)
        {
            var dying = new HashSet<int>();
            for (var i = 0; i < variables.Count; i++)
            {
                switch (variables[i])
                {
                    case IFieldSymbol:
                        break;
                    case IParameterSymbol { RefKind: RefKind.Out or RefKind.Ref }:
                        Escape(state.PointsTo[i], state);
                        break;
                    default:
                        dying.Add(i);
                        break;
                }
            }

            return dying;
        }

        /// <summary>
        /// OWN003: the variables in <paramref name="dying"/> go out of scope, and what only they hold leaks. A leak on some
        /// path where a local's scope ends inside the body (<paramref name="atScopeEnd"/>: a loop body's, a block's) is
        /// judged with every path through that end, as the body's exit judges its own (<see cref="JudgeExit"/>).
        /// </summary>
        private void Die(HashSet<int> dying, FlowState state, Func<int, Location?> exitOf, LeakKind kind, bool atScopeEnd = false)
        {
            var held = 0UL;
            foreach (var variable in dying)
            {
                held |= state.PointsTo[variable];
            }

            foreach (var id in Bits(held))
            {
                var current = state.Resources[id];
                var resource = resources[id];
                if (resource.Kind != ResourceKind.Owned || state.IsHeld(id, dying))
                {
                    continue;
                }

                if (atScopeEnd && reporting)
                {
                    scopeEndStates[id] = scopeEndStates.TryGetValue(id, out var seen) ? seen.Join(current) : current;
                }

                if (IsLeakCandidate(current))
                {
                    var how = kind == LeakKind.ExceptionPath ? kind : current.Flags == StateFlags.Owned ? LeakKind.EveryPath : LeakKind.SomePath;
                    if (atScopeEnd && how == LeakKind.SomePath)
                    {
                        if (reporting && !scopeEndLeaks.ContainsKey(id))
                        {
                            scopeEndLeaks.Add(id, exitOf(id));
                        }
                    }
                    else if (IsFirstReport(3, resource.AcquisitionSite, id))
                    {
                        report.Leak(resource, exitOf(id), how);
                    }
                }
            }

            foreach (var variable in dying)
            {
                state.PointsTo[variable] = 0;
            }
        }

        private ulong Property(IPropertyReferenceOperation property, FlowState state)
        {
            var instance = Evaluate(property.Instance, state);
            var read = UsedByFieldRead(property.Instance, instance);
            if (read != instance && BackingFields.Of(property.Property) is null && !ComputesFromFields(property.Property, depth: 0) &&
                !(property.Property.GetMethod is { } closedGetter && WorksWhenClosed(closedGetter)))
            {
                // A property with a body is a call into the object, which may be disposed.
                read = instance;
            }

            Use(read, property.Instance, state);
            foreach (var argument in property.Arguments)
            {
                Use(Evaluate(argument.Value, state), argument.Value, state);
            }

            if (property.Property.GetMethod is { } getter && contracts.GetMethod(getter).Return.Kind == ContractKind.Borrowed && !IsCopiedOut(property, getter))
            {
                return Borrow(property, property.Instance, instance, BorrowOrigin.View, state);
            }

            return 0;
        }

        /// <summary>
        /// A getter that only computes from its object's fields (<c>public uint Id =&gt; _id;</c>, <c>public uint Crc =&gt;
        /// ~seed;</c>, such a getter of the object itself or of its base, <c>=&gt; base.StreamState</c>, or of an object a
        /// field holds: <c>crc?.Result ?? 0</c>, also written <c>if (crc == null) return 0; return crc.Result;</c>): reading
        /// it reads fields, which a disposed object still has. A call, an element access or a <c>throw</c> makes it a call
        /// into the object.
        /// </summary>
        private static bool ComputesFromFields(IPropertySymbol property, int depth)
        {
            if (depth > 1 || property.IsStatic || property.GetMethod is not { DeclaringSyntaxReferences: { Length: 1 } references })
            {
                return false;
            }

            var type = property.ContainingType;
            return references[0].GetSyntax() switch
            {
                ArrowExpressionClauseSyntax arrow => IsFieldComputation(arrow.Expression, type, depth),
                AccessorDeclarationSyntax { ExpressionBody: { } body } => IsFieldComputation(body.Expression, type, depth),
                AccessorDeclarationSyntax { Body: { } block } => ReturnsFieldComputation(block, type, depth),
                _ => false,
            };
        }

        /// <summary>
        /// A getter's statements that only return what <see cref="IsFieldComputation"/> accepts, behind <c>if</c>s whose
        /// conditions it accepts too: no other statement, so nothing else runs.
        /// </summary>
        private static bool ReturnsFieldComputation(StatementSyntax statement, INamedTypeSymbol type, int depth)
        {
            switch (statement)
            {
                case ReturnStatementSyntax { Expression: { } returned }:
                    return IsFieldComputation(returned, type, depth);
                case IfStatementSyntax branch:
                    return IsFieldComputation(branch.Condition, type, depth) && ReturnsFieldComputation(branch.Statement, type, depth) &&
                           (branch.Else is null || ReturnsFieldComputation(branch.Else.Statement, type, depth));
                case BlockSyntax block:
                    if (block.Statements.Count == 0)
                    {
                        return false;
                    }

                    foreach (var inner in block.Statements)
                    {
                        if (!ReturnsFieldComputation(inner, type, depth))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary>True when <paramref name="expression"/>, in a getter of <paramref name="type"/>, only reads fields, constants and getters that do.</summary>
        private static bool IsFieldComputation(ExpressionSyntax expression, INamedTypeSymbol type, int depth)
        {
            switch (expression)
            {
                case LiteralExpressionSyntax:
                    return true;
                case IdentifierNameSyntax identifier:
                    return IsFieldOrFieldGetter(type, identifier.Identifier.ValueText, depth);
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or BaseExpressionSyntax, Name: IdentifierNameSyntax member }:
                    return IsFieldOrFieldGetter(type, member.Identifier.ValueText, depth);
                case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax holder, Name: IdentifierNameSyntax member } access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    return IsGetterOfHeldObject(type, holder, member, depth);
                case ConditionalAccessExpressionSyntax { Expression: IdentifierNameSyntax holder, WhenNotNull: MemberBindingExpressionSyntax { Name: IdentifierNameSyntax member } }:
                    return IsGetterOfHeldObject(type, holder, member, depth);
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsFieldComputation(parenthesized.Expression, type, depth);
                case PrefixUnaryExpressionSyntax unary:
                    return IsFieldComputation(unary.Operand, type, depth);
                case CastExpressionSyntax { Type: PredefinedTypeSyntax } cast:
                    return IsFieldComputation(cast.Expression, type, depth);
                case BinaryExpressionSyntax binary:
                    return IsFieldComputation(binary.Left, type, depth) && IsFieldComputation(binary.Right, type, depth);
                case ConditionalExpressionSyntax conditional:
                    return IsFieldComputation(conditional.Condition, type, depth) && IsFieldComputation(conditional.WhenTrue, type, depth) &&
                           IsFieldComputation(conditional.WhenFalse, type, depth);
                default:
                    return false;
            }
        }

        /// <summary><c>crc.Result</c> in a getter: <c>crc</c> is a field, and <c>Result</c> a getter of its type that computes from fields.</summary>
        private static bool IsGetterOfHeldObject(INamedTypeSymbol type, IdentifierNameSyntax holder, IdentifierNameSyntax member, int depth)
        {
            if (FieldNamed(type, holder.Identifier.ValueText) is not { Type: INamedTypeSymbol held })
            {
                return false;
            }

            foreach (var candidate in held.GetMembers(member.Identifier.ValueText))
            {
                if (candidate is IFieldSymbol { IsStatic: false } || (candidate is IPropertySymbol heldProperty && ComputesFromFields(heldProperty, depth + 1)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The first member by that name of <paramref name="type"/> or a base type is an instance field, a constant, or a
        /// getter (not an indexer) that computes from fields.
        /// </summary>
        private static bool IsFieldOrFieldGetter(INamedTypeSymbol type, string name, int depth)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers(name))
                {
                    switch (member)
                    {
                        case IFieldSymbol field:
                            return !field.IsStatic || field.IsConst;
                        case IPropertySymbol { IsIndexer: false } property:
                            return BackingFields.Of(property) is not null || ComputesFromFields(property, depth + 1);
                        default:
                            return false;
                    }
                }
            }

            return false;
        }

        /// <summary>An instance field or a constant of <paramref name="type"/> by that name.</summary>
        private static IFieldSymbol? FieldNamed(INamedTypeSymbol type, string name)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IFieldSymbol field && (!field.IsStatic || field.IsConst))
                {
                    return field;
                }
            }

            return null;
        }

        /// <summary>A ref return read by value (<c>var x = list[i]</c>) copies the element: nothing refers to the storage afterwards.</summary>
        private static bool IsCopiedOut(IOperation read, IMethodSymbol target)
        {
            if (!target.ReturnsByRef && !target.ReturnsByRefReadonly)
            {
                return false;
            }

            switch (read.Parent)
            {
                case ISimpleAssignmentOperation { IsRef: true } assignment when ReferenceEquals(assignment.Value, read):
                case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                case IReturnOperation:
                    return false;
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, read):
                case ICompoundAssignmentOperation:
                case IIncrementOrDecrementOperation:
                case IAddressOfOperation:
                    // Written through, or its address taken: a use of the storage, not a copy to keep.
                    return false;
                default:
                    return true;
            }
        }

        /// <summary>
        /// A ref local declared as a reference to an element (<c>ref var frame = ref buffer[j];</c>, or to what a ref-returning
        /// call gives) read as a value: a copy of the element. A ref local to a variable (<c>ref var r = ref data;</c>) reads
        /// that variable's value, a borrow if it holds one.
        /// </summary>
        private bool IsElementCopy(IOperation value)
        {
            if (value.WithoutConversions() is not ILocalReferenceOperation { Local: { RefKind: not RefKind.None, Type.IsRefLikeType: false } local })
            {
                return false;
            }

            foreach (var reference in local.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: RefExpressionSyntax { Expression: var referred } })
                {
                    return referred is ElementAccessExpressionSyntax or InvocationExpressionSyntax;
                }
            }

            return false;
        }

        /// <summary>
        /// What reading a field (or an auto-property) of <paramref name="instance"/> uses of its <paramref name="value"/>:
        /// not a disposed object, which can still be read (<c>node = node.Next</c> after <c>node.Dispose()</c>), since
        /// Dispose releases what the object holds, not the object.
        /// </summary>
        private ulong UsedByFieldRead(IOperation? instance, ulong value)
        {
            return instance?.Type?.IsReferenceType == true ? WithoutDisposables(value) : value;
        }

        /// <summary><paramref name="value"/> without the disposables it may hold.</summary>
        private ulong WithoutDisposables(ulong value)
        {
            foreach (var id in Bits(value))
            {
                if (resources[id].IsDisposable)
                {
                    value &= ~(1UL << id);
                }
            }

            return value;
        }

        private ulong BorrowMask()
        {
            var mask = 0UL;
            foreach (var resource in resources)
            {
                if (resource.Kind == ResourceKind.Borrow)
                {
                    mask |= 1UL << resource.Id;
                }
            }

            return mask;
        }

        /// <summary>The borrows whose source includes one of <paramref name="sources"/>.</summary>
        private ulong BorrowsOf(ulong sources)
        {
            var mask = 0UL;
            foreach (var resource in resources)
            {
                if (resource.Kind == ResourceKind.Borrow && (resource.SourceResources & sources) != 0)
                {
                    mask |= 1UL << resource.Id;
                }
            }

            return mask;
        }

        /// <summary>Memory no allocator returned; tracked only to catch its release, and only while slots remain.</summary>
        private ulong Foreign(IOperation site, FlowState state)
        {
            if (!resourceBySite.TryGetValue(site, out var id))
            {
                if (resources.Count >= FlowState.MaxResources - 16)
                {
                    return 0;
                }

                id = NewResource(ResourceKind.Foreign, site, site.Syntax.GetLocation(), null, null, false);
                if (id < 0)
                {
                    return 0;
                }

                resourceBySite.Add(site, id);
            }

            state.Resources[id] = new ResourceState(StateFlags.Owned | StateFlags.Unconfirmed, null);
            return 1UL << id;
        }

        private static bool IsSpanOverArray(IConversionOperation conversion)
        {
            return conversion.Operand.Type is IArrayTypeSymbol &&
                   conversion.Type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", ContainingNamespace.Name: "System" };
        }

        /// <summary>
        /// A field or property of a struct that lives on this frame (a local, or one an initializer is filling,
        /// <c>new Lease { Span = … }</c>): the store alone keeps nothing past the body. Where the struct goes next is not
        /// followed, so nothing is reported for it either.
        /// </summary>
        private bool IsStoreIntoLocalValue(IOperation target)
        {
            var instance = target switch
            {
                IFieldReferenceOperation field => field.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            };
            if (instance is not { Type.IsValueType: true })
            {
                return false;
            }

            return instance.WithoutConversions() switch
            {
                ILocalReferenceOperation local => local.Local.RefKind == RefKind.None,
                IFlowCaptureReferenceOperation capture => newValueCaptures.Contains(capture.Id),
                _ => false,
            };
        }

        /// <summary>A store target that does not bind, or one whose object does not (<c>ptr[2].pv</c> with an unknown type).</summary>
        private static bool HasInvalidPart(IOperation target)
        {
            for (IOperation? part = target; part is not null; part = (part as IMemberReferenceOperation)?.Instance ?? (part as IArrayElementReferenceOperation)?.ArrayReference)
            {
                if (part.Kind == OperationKind.Invalid || part.Type?.TypeKind == TypeKind.Error)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A store through a pointer or into unmanaged memory, or into a field or property of a struct there
        /// (<c>data[0].DataPointer = (IntPtr)p</c>): whoever owns that memory decides how long it lives.
        /// </summary>
        private static bool IsMemoryStore(IOperation target)
        {
            return target.Kind == OperationKind.None ||
                   (target is IFieldReferenceOperation { Instance: { } instance } && instance.Kind == OperationKind.None) ||
                   (target is IPropertyReferenceOperation { Instance: { } owner } && owner.Kind == OperationKind.None);
        }

        private string NameOf(IOperation? operation, Resource resource)
        {
            operation = operation?.WithoutConversions();

            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return local.Local.Name;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.Name;
                case IFieldReferenceOperation field:
                    return field.Field.Name;
                default:
                    return resource.Name;
            }
        }

        /// <summary>
        /// The source text of an operation, short enough for a message; the implicit release at the end of
        /// <c>using (stream)</c> or <c>using var reader = …</c> is described as that statement's head, not as the bare name
        /// or declarator, and a call after <c>?.</c> with its receiver (<c>_client?.Dispose()</c>, not <c>.Dispose()</c>).
        /// </summary>
        internal static string Describe(IOperation operation)
        {
            var syntax = operation.Syntax;
            while (syntax.Parent is ConditionalAccessExpressionSyntax access && ReferenceEquals(access.WhenNotNull, syntax))
            {
                syntax = access;
            }

            var text = syntax switch
            {
                IdentifierNameSyntax { Parent: UsingStatementSyntax head } name when ReferenceEquals(head.Expression, name) => "using (" + name.Identifier.ValueText + ")",
                VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: UsingStatementSyntax } declaration } => "using (" + declaration + ")",
                VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } } declaration } => "using " + declaration,
                _ => syntax.ToString(),
            };
            var newline = text.IndexOfAny(new[] { '\r', '\n' });
            if (newline >= 0)
            {
                text = text.Substring(0, newline) + "…";
            }

            return text.Length > 80 ? text.Substring(0, 79) + "…" : text;
        }

        private static ResourceBits Bits(ulong mask) => new ResourceBits(mask);
    }
}
