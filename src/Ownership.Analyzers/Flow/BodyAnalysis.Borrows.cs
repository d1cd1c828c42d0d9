using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Flow
{
    /// <summary>Borrows: views into a source that go stale when the source is invalidated, released or unpinned.</summary>
    internal sealed partial class BodyAnalysis
    {
        /// <summary>Stands for <c>this</c> as the source of a borrow.</summary>
        private static readonly object ThisSource = new object();

        /// <summary>A borrow made at <paramref name="site"/> from the value of <paramref name="source"/>; valid from here.</summary>
        private ulong Borrow(IOperation site, IOperation? source, ulong sourceValue, BorrowOrigin origin, FlowState state)
        {
            if (source is not null && IsNullConstant(source))
            {
                // A view over null (Span<T> s = null) is empty: nothing to borrow.
                return 0;
            }

            if (!resourceBySite.TryGetValue(site, out var id))
            {
                id = NewResource(ResourceKind.Borrow, site, site.Syntax.GetLocation(), null, null, false);
                if (id < 0)
                {
                    return 0;
                }

                resourceBySite.Add(site, id);
                var borrow = resources[id];
                borrow.BorrowOrigin = origin;
                borrow.SourceSymbol = source is null ? null : SourceSymbolOf(source);
                borrow.SourceName = source is null ? "its source" : SourceNameOf(source);
                borrow.OverAddress = origin == BorrowOrigin.View && IsAddress(source?.WithoutConversions().Type);
            }

            resources[id].SourceResources |= sourceValue & ~(1UL << id);
            var bit = 1UL << id;
            for (var i = 0; i < state.PointsTo.Length; i++)
            {
                state.PointsTo[i] &= ~bit;
                state.GoneThrough[i] &= ~bit;
            }

            state.Resources[id] = new ResourceState(StateFlags.Owned, null);
            return bit;
        }

        /// <summary>What a borrow's source is: a local, parameter or field symbol, or <c>this</c>.</summary>
        private object? SourceSymbolOf(IOperation? source)
        {
            source = source?.WithoutConversions();

            switch (source)
            {
                case null:
                case IInstanceReferenceOperation:
                    return ThisSource;
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field:
                    return field.Field;
                case IFlowCaptureReferenceOperation capture when captureTargets.TryGetValue(capture.Id, out var variable):
                    return variables[variable];
                default:
                    return null;
            }
        }

        private string SourceNameOf(IOperation source)
        {
            source = StorageNamed(source.WithoutConversions());

            return SourceSymbolOf(source) switch
            {
                ISymbol symbol => NameOf(symbol),
                _ when source is IInstanceReferenceOperation => "this",
                _ => Describe(source),
            };
        }

        /// <summary>
        /// The storage a pinned address is named after in messages: <c>&amp;array[0]</c> names <c>array</c>, and
        /// <c>&amp;MemoryMarshal.GetReference(span)</c> names <c>span</c>.
        /// </summary>
        private static IOperation StorageNamed(IOperation source)
        {
            if (source is IAddressOfOperation address)
            {
                source = address.Reference.WithoutConversions();
            }

            return source switch
            {
                IArrayElementReferenceOperation element => element.ArrayReference.WithoutConversions(),
                IInvocationOperation { TargetMethod: { Name: "GetReference" or "GetArrayDataReference", ContainingType.Name: "MemoryMarshal" }, Arguments.Length: 1 } call =>
                    call.Arguments[0].Value.WithoutConversions(),
                _ => source,
            };
        }

        /// <summary>
        /// <paramref name="site"/> may move or discard the storage of <paramref name="source"/>: every borrow from it (or from
        /// a resource it holds) is stale from here, and so is every borrow of those borrows.
        /// </summary>
        private void Invalidate(IOperation? source, ulong sourceValue, IOperation site, FlowState state)
        {
            var symbol = SourceSymbolOf(source);
            var stale = 0UL;
            foreach (var borrow in resources)
            {
                if (borrow.Kind == ResourceKind.Borrow && borrow.BorrowOrigin != BorrowOrigin.Parameter &&
                    ((symbol is not null && Equals(borrow.SourceSymbol, symbol)) || (borrow.SourceResources & sourceValue) != 0))
                {
                    stale |= 1UL << borrow.Id;
                }
            }

            MarkStale(stale, site, state);
        }

        /// <summary>Marks borrows stale, then the borrows of those borrows, until nothing changes.</summary>
        private void MarkStale(ulong stale, IOperation site, FlowState state)
        {
            var pending = stale;
            var done = 0UL;
            while (pending != 0)
            {
                foreach (var id in Bits(pending))
                {
                    var current = state.Resources[id];
                    if (current.Flags != StateFlags.None)
                    {
                        state.Resources[id] = new ResourceState((current.Flags & ~StateFlags.Owned) | StateFlags.Stale, site);
                    }
                }

                // Stale as seen through what holds it now: a variable re-pointed elsewhere on this path is not.
                state.MarkGoneThroughHolders(pending);
                done |= pending;
                pending = BorrowsOf(done) & ~done;
            }
        }

        /// <summary>Leaving the scope of a <c>fixed</c> local unpins what its pointers point into.</summary>
        private void Unpin(ILocalSymbol local, FlowState state)
        {
            foreach (var borrow in resources)
            {
                if (borrow.BorrowOrigin == BorrowOrigin.Pinned && SymbolEqualityComparer.Default.Equals(borrow.PinnedBy, local) && borrow.AcquisitionSite is not null)
                {
                    MarkStale(1UL << borrow.Id, borrow.AcquisitionSite, state);
                }
            }
        }

        /// <summary>OWN006: why a borrowed or foreign value is not the caller's to release, or null when it is.</summary>
        private string? NotOwnedReason(Resource resource, string? family)
        {
            switch (resource.Kind)
            {
                case ResourceKind.Borrow:
                    return resource.BorrowOrigin switch
                    {
                        BorrowOrigin.Parameter => "it is a [Borrowed] parameter, and the caller still owns it",
                        BorrowOrigin.Interior when !PointsIntoKnownBlock(resource) => null,
                        BorrowOrigin.Interior => $"it points into the middle of '{resource.SourceName}'; release '{resource.SourceName}' itself",
                        BorrowOrigin.Pinned when PinsNativeMemory(resource) => null,
                        BorrowOrigin.Pinned => $"it is pinned from '{resource.SourceName}' by a fixed statement",
                        _ => $"it is borrowed from '{resource.SourceName}'",
                    };
                case ResourceKind.Foreign:
                    if (resource.AcquisitionSite is IArrayCreationOperation)
                    {
                        return family is null ? null : $"it was created by '{resource.Origin}', not rented";
                    }

                    return $"it points to memory that no allocator returned ('{resource.Origin}')";
                default:
                    return null;
            }
        }

        /// <summary>
        /// True when an offset pointer is taken from the start of a block: one acquired here, handed over, or held by an
        /// [Owned] field. An offset from an address of unknown origin (a plain parameter's) may lead back to its block's
        /// start: a marshaller may hand out its block 4 bytes in, and free <c>native - 4</c>.
        /// </summary>
        private bool PointsIntoKnownBlock(Resource interior)
        {
            foreach (var id in Bits(interior.SourceResources))
            {
                var source = resources[id];
                if (source.Kind == ResourceKind.Owned ||
                    (source.SourceSymbol is IFieldSymbol field && contracts.GetMember(field).Kind == ContractKind.Owned))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when a pinned pointer comes from a view over native memory (<c>fixed (T* p = span)</c> where the span was
        /// made over an allocated address): pinning it gives an address in that block, which may be its start.
        /// </summary>
        private bool PinsNativeMemory(Resource pinned)
        {
            var seen = 0UL;
            var pending = pinned.SourceResources;
            while (pending != 0)
            {
                var next = 0UL;
                foreach (var id in Bits(pending))
                {
                    var source = resources[id];
                    if (source.Kind == ResourceKind.Borrow)
                    {
                        next |= source.SourceResources;
                    }
                    else if (IsAddress(source.AcquisitionSite?.Type))
                    {
                        return true;
                    }
                }

                seen |= pending;
                pending = next & ~seen;
            }

            return false;
        }

        /// <summary>OWN007: a [Borrowed] parameter, a pinned pointer or a view stored where it outlives its lease.</summary>
        private void CheckStore(IOperation store, IOperation target, ulong value, FlowState state)
        {
            if (target is IPropertyReferenceOperation { Property: { Type.IsRefLikeType: true, ContainingType.IsRefLikeType: false } })
            {
                // assertion.ClientDataHash = hash, a span property of a class: its setter cannot keep a span, only read it.
                return;
            }

            foreach (var id in Bits(value))
            {
                var borrow = resources[id];
                if (borrow.Kind != ResourceKind.Borrow || borrow.BorrowOrigin == BorrowOrigin.Interior || !state.Resources[id].Has(StateFlags.Owned))
                {
                    continue;
                }

                if (borrow.OverAddress && borrow.SourceResources == 0 && !TakesAddressesInFrame())
                {
                    // Data = new ReadOnlySpan<byte>(fido_assert_authdata_ptr(native, i), n): a native library's memory, or
                    // someone else's, whose lifetime this body cannot tell. Only this frame's own memory (stackalloc, &local)
                    // is known to die with it.
                    continue;
                }

                if (borrow.BorrowOrigin == BorrowOrigin.View &&
                    (IsSameObjectField(target, borrow) || IsSourceKeptByThis(target, borrow, state) || IsSourceStoredInFieldOfThis(target, borrow)))
                {
                    // A view into this object's own storage kept in this object's field lives as long as its source.
                    continue;
                }

                if (borrow.BorrowOrigin == BorrowOrigin.View && IsIntoCallersStruct(target))
                {
                    // ctx.buffer = new Span<byte>(output.Buffer) with ctx an out parameter: handed back to the caller, as a
                    // return would hand it (Google.Protobuf's WriteContext.Initialize).
                    continue;
                }

                var how = target switch
                {
                    IFieldReferenceOperation field => $"be stored in field '{field.Field.Name}'",
                    IFlowCaptureReferenceOperation capture when captureTargets.TryGetValue(capture.Id, out var variable) && variables[variable] is IFieldSymbol field =>
                        $"be stored in field '{field.Name}'",
                    IArrayElementReferenceOperation => "be stored in an array",
                    IPropertyReferenceOperation property => $"be stored in '{property.Property.Name}'",
                    _ => "be stored where it outlives the borrow",
                };
                if (IsFirstReport(7, store, id))
                {
                    report.BorrowEscapes(store, borrow.Name, borrow.SourceName, how, borrow.Location);
                }
            }
        }

        /// <summary>
        /// _data = array.AsSpan() where a field of this object holds the array too (_lease = array): the object owns both
        /// the storage and the view into it.
        /// </summary>
        private bool IsSourceKeptByThis(IOperation target, Resource borrow, FlowState state)
        {
            if (!IsFieldOfThis(target) || borrow.SourceResources == 0)
            {
                return false;
            }

            foreach (var source in Bits(borrow.SourceResources))
            {
                if (!IsHeldByField(source, state) && !resources[source].KeptByThis)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// <c>_memory = new Span&lt;T&gt;(array); _owner = array;</c>: the variable the view was taken from is stored into a
        /// field of this object somewhere in the body, before or after the view (a constructor's order is its own).
        /// </summary>
        private bool IsSourceStoredInFieldOfThis(IOperation target, Resource borrow)
        {
            if (!IsFieldOfThis(target) || borrow.SourceSymbol is not (ILocalSymbol or IParameterSymbol))
            {
                return false;
            }

            if (storedIntoFieldsOfThis is null)
            {
                // The compiler captures a field before the branches of what is stored in it (_owner = c ? a : b).
                var captured = new Dictionary<CaptureId, IOperation>();
                var assignments = new List<ISimpleAssignmentOperation>();
                foreach (var block in graph.Blocks)
                {
                    foreach (var operation in block.Operations)
                    {
                        foreach (var descendant in operation.DescendantsAndSelf())
                        {
                            if (descendant is IFlowCaptureOperation capture)
                            {
                                captured[capture.Id] = capture.Value;
                            }
                            else if (descendant is ISimpleAssignmentOperation assignment)
                            {
                                assignments.Add(assignment);
                            }
                        }
                    }
                }

                storedIntoFieldsOfThis = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var assignment in assignments)
                {
                    var field = assignment.Target is IFlowCaptureReferenceOperation reference && captured.TryGetValue(reference.Id, out var original) ? original : assignment.Target;
                    if (!IsFieldOfThis(field) || field.Type is not { IsRefLikeType: false })
                    {
                        // A span field (_current = array) keeps a view, not the storage.
                        continue;
                    }

                    switch (assignment.Value.WithoutConversions())
                    {
                        case ILocalReferenceOperation local:
                            storedIntoFieldsOfThis.Add(local.Local);
                            break;
                        case IParameterReferenceOperation parameter:
                            storedIntoFieldsOfThis.Add(parameter.Parameter);
                            break;
                    }
                }
            }

            return storedIntoFieldsOfThis.Contains((ISymbol)borrow.SourceSymbol);
        }

        /// <summary>
        /// <c>_segment = new Segment(array)</c>: what the new object was given is kept by this object through it, so a view
        /// of it kept in another field of this object lives beside its storage (Components' ReverseStringBuilder).
        /// </summary>
        private void NoteKeptThroughField(IOperation target, IOperation value, FlowState state)
        {
            if (!IsFieldOfThis(target) || value.WithoutConversions() is not IObjectCreationOperation creation)
            {
                return;
            }

            foreach (var argument in creation.Arguments)
            {
                foreach (var id in Bits(Peek(argument.Value, state)))
                {
                    resources[id].KeptByThis = true;
                }
            }
        }

        private bool IsSameObjectField(IOperation target, Resource borrow)
        {
            return IsFieldOfThis(target) &&
                   (borrow.SourceSymbol == ThisSource || (borrow.SourceSymbol is IFieldSymbol { IsStatic: false } sourceField &&
                    method is not null && SymbolEqualityComparer.Default.Equals(sourceField.ContainingType, method.ContainingType)));
        }

        /// <summary>
        /// True when the body takes an address in its own frame (<c>stackalloc</c>, <c>&amp;local</c>,
        /// <c>Unsafe.AsPointer</c>): then a pointer the analysis does not follow may point into memory that dies with it.
        /// </summary>
        private bool TakesAddressesInFrame()
        {
            if (takesAddressesInFrame is { } known)
            {
                return known;
            }

            var found = false;
            foreach (var node in graph.OriginalOperation.Syntax.DescendantNodesAndSelf())
            {
                if (node.IsKind(SyntaxKind.StackAllocArrayCreationExpression) || node.IsKind(SyntaxKind.ImplicitStackAllocArrayCreationExpression) ||
                    node.IsKind(SyntaxKind.AddressOfExpression) ||
                    (node is IdentifierNameSyntax { Identifier.ValueText: "AsPointer" }))
                {
                    found = true;
                    break;
                }
            }

            takesAddressesInFrame = found;
            return found;
        }

        /// <summary>A field of a struct that the caller passed by <c>ref</c> or <c>out</c> (<c>ctx.buffer</c>, <c>ctx.state.span</c>).</summary>
        private static bool IsIntoCallersStruct(IOperation target)
        {
            var instance = (target as IFieldReferenceOperation)?.Instance;
            while (instance is IFieldReferenceOperation outer)
            {
                instance = outer.Instance;
            }

            return instance is IParameterReferenceOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref, Type.IsValueType: true };
        }

        /// <summary>A field of this object, or an auto-property of it (<c>Buffer = _pooled.AsSpan(0, n)</c> in a constructor).</summary>
        private bool IsFieldOfThis(IOperation target)
        {
            return target switch
            {
                IFieldReferenceOperation { Instance: IInstanceReferenceOperation } => true,
                IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } property => BackingFields.Of(property.Property) is not null,
                // _memory = c ? a : b: the compiler captured the field before the branches.
                IFlowCaptureReferenceOperation capture => captureTargets.TryGetValue(capture.Id, out var variable) && variables[variable] is IFieldSymbol { IsStatic: false },
                _ => false,
            };
        }

        /// <summary>
        /// A lambda carries the [Borrowed] parameters and pinned pointers it captures: storing or returning it keeps them
        /// past their lease just as storing them would.
        /// </summary>
        private ulong CapturedLeases(SyntaxNode lambda, FlowState state)
        {
            HashSet<string>? names = null;
            var captured = 0UL;
            for (var i = 0; i < variables.Count; i++)
            {
                if (variables[i] is not ISymbol symbol || state.PointsTo[i] == 0)
                {
                    continue;
                }

                foreach (var id in Bits(state.PointsTo[i]))
                {
                    var origin = resources[id].BorrowOrigin;
                    if (resources[id].Kind == ResourceKind.Borrow && (origin == BorrowOrigin.Parameter || origin == BorrowOrigin.Pinned))
                    {
                        names ??= IdentifiersIn(lambda);
                        if (names.Contains(NameOf(symbol)))
                        {
                            captured |= 1UL << id;
                        }
                    }
                }
            }

            return captured;
        }

        private static HashSet<string> IdentifiersIn(SyntaxNode node)
        {
            var names = new HashSet<string>();
            foreach (var descendant in node.DescendantNodes())
            {
                if (descendant is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax identifier)
                {
                    names.Add(identifier.Identifier.ValueText);
                }
            }

            return names;
        }

        /// <summary>OWN007 for arguments: a [Borrowed] parameter or pinned pointer added to a collection or given to a keeping callee.</summary>
        private void CheckPassedToKeeper(IArgumentOperation argument, ulong value, FlowState state)
        {
            foreach (var id in Bits(value))
            {
                var borrow = resources[id];
                if (borrow.Kind == ResourceKind.Borrow && (borrow.BorrowOrigin == BorrowOrigin.Parameter || borrow.BorrowOrigin == BorrowOrigin.Pinned) &&
                    state.Resources[id].Has(StateFlags.Owned) && argument.Parent is IInvocationOperation invocation && invocation.IsCollectionAdd())
                {
                    if (IsFirstReport(7, argument, id))
                    {
                        report.BorrowEscapes(argument, borrow.Name, borrow.SourceName, "be added to a collection that outlives the borrow", borrow.Location);
                    }
                }
            }
        }

        /// <summary>OWN007 for returns: a borrow returned as owned, or from a method that does not say it returns a borrow.</summary>
        private void CheckReturnedBorrow(IOperation returned, ulong value, FlowState state)
        {
            if (method is null || method.MethodKind == MethodKind.AnonymousFunction)
            {
                return;
            }

            // A ref return is a borrow by its nature, and the compiler's escape rules already govern it.
            var returnContract = contracts.GetMethod(method).Return.Kind;
            if (returnContract == ContractKind.Borrowed || method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                return;
            }

            foreach (var id in Bits(value))
            {
                var borrow = resources[id];
                if (borrow.Kind != ResourceKind.Borrow || borrow.BorrowOrigin == BorrowOrigin.Interior || !state.Resources[id].Has(StateFlags.Owned))
                {
                    continue;
                }

                // An unannotated helper returning a view of what it was given is common and harmless: only say so for owned returns,
                // [Borrowed] parameters and pinned pointers.
                if (borrow.BorrowOrigin == BorrowOrigin.View && returnContract != ContractKind.Owned)
                {
                    continue;
                }

                var how = returnContract == ContractKind.Owned
                    ? "be returned as [Owned]"
                    : "be returned from a method whose return is not [return: Borrowed]";
                if (IsFirstReport(7, returned, id))
                {
                    report.BorrowEscapes(returned, borrow.Name, borrow.SourceName, how, borrow.Location);
                }
            }
        }
    }
}
