using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.Analyzers.Rules
{
    /// <summary>
    /// OWN008: a type that owns fields must release each of them in its release method (Dispose, DisposeAsync or a
    /// [Releases] method), directly or through helpers of the same type; a type with owned fields and no release method
    /// is flagged at the type.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class TypeAnalyzer : OwnershipAnalyzer
    {
        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.OWN008FieldNotReleased);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, ContractProvider contracts)
        {
            context.RegisterSymbolStartAction(
                start =>
                {
                    var type = (INamedTypeSymbol)start.Symbol;
                    if ((type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct) || !HasFieldThatMayOwn(type, contracts) ||
                        GeneratedTypes.IsCompilerGenerated(type))
                    {
                        // Most types hold no pointer, handle, array or disposable: nothing to gather for them. A state
                        // machine the compiler wrote disposes what it holds by its own protocol.
                        return;
                    }

                    var facts = new TypeFacts(type, contracts);
                    start.RegisterOperationAction(operation => facts.Observe(operation.Operation, operation.ContainingSymbol), OperationKind.SimpleAssignment, OperationKind.FieldInitializer, OperationKind.Invocation, OperationKind.Loop,
                        OperationKind.VariableDeclarator, OperationKind.IsPattern, OperationKind.Using, OperationKind.UsingDeclaration);
                    start.RegisterSymbolEndAction(end => facts.Report(end.ReportDiagnostic));
                },
                SymbolKind.NamedType);
        }

        private static bool HasFieldThatMayOwn(INamedTypeSymbol type, ContractProvider contracts)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false } field && contracts.CanHoldResource(field.Type))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// What one member does with one field: where it last assigns an acquisition to it and last releases the field
        /// itself (not a copy), -1 for never, and whether it hands the field to a helper of its type instead of releasing
        /// it. Together they tell a release by another name (Clear, Free) or one method's scratch from a grow.
        /// </summary>
        private readonly struct FieldUse
        {
            public FieldUse(int lastAcquisition, int lastDirectRelease, bool handedToHelper)
            {
                LastAcquisition = lastAcquisition;
                LastDirectRelease = lastDirectRelease;
                HandedToHelper = handedToHelper;
            }

            public int LastAcquisition { get; }

            public int LastDirectRelease { get; }

            public bool HandedToHelper { get; }

            public FieldUse With(FieldUse other) => new FieldUse(
                System.Math.Max(LastAcquisition, other.LastAcquisition),
                System.Math.Max(LastDirectRelease, other.LastDirectRelease),
                HandedToHelper || other.HandedToHelper);
        }

        /// <summary>What one type's members do with its fields, gathered while its bodies are analysed.</summary>
        private sealed class TypeFacts
        {
            private readonly INamedTypeSymbol type;
            private readonly ContractProvider contracts;
            private readonly ConcurrentDictionary<IFieldSymbol, Location> ownedFields = new ConcurrentDictionary<IFieldSymbol, Location>(SymbolEqualityComparer.Default);
            private readonly ConcurrentDictionary<(ISymbol Method, IFieldSymbol Field), bool> released = new ConcurrentDictionary<(ISymbol, IFieldSymbol), bool>();
            private readonly ConcurrentDictionary<(ISymbol Caller, ISymbol Callee), bool> calls = new ConcurrentDictionary<(ISymbol, ISymbol), bool>();

            // var h = _handle; _handle = null; h.Dispose(): a local that took a field's value, and the locals released.
            // Kept apart and joined in Report, since the driver may observe the release before the copy.
            private readonly ConcurrentDictionary<(ISymbol Method, ILocalSymbol Local), IFieldSymbol> copies = new ConcurrentDictionary<(ISymbol, ILocalSymbol), IFieldSymbol>();
            private readonly ConcurrentDictionary<(ISymbol Method, ILocalSymbol Local), bool> releasedLocals = new ConcurrentDictionary<(ISymbol, ILocalSymbol), bool>();

            // Fields whose acquired value is also added to a collection (Pages.Add(_currentPage)): the collection keeps it
            // too, and releasing the collection's contents releases it. Only an [Owned] field is then still its owner.
            private readonly ConcurrentDictionary<IFieldSymbol, bool> addedToCollection = new ConcurrentDictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);
            private readonly HashSet<IFieldSymbol> annotated = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);

            // What each member does with each field it acquires into or releases: made on the first such use, since most
            // types that may own a field never do either.
            private ConcurrentDictionary<(ISymbol Method, IFieldSymbol Field), FieldUse>? fieldUses;

            // Owned auto-properties ([Owned] on the property or [field: Owned]): reading the property on this reads the field.
            private readonly Dictionary<IPropertySymbol, IFieldSymbol> ownedProperties = new Dictionary<IPropertySymbol, IFieldSymbol>(SymbolEqualityComparer.Default);

            public TypeFacts(INamedTypeSymbol type, ContractProvider contracts)
            {
                this.type = type;
                this.contracts = contracts;
                foreach (var member in type.GetMembers())
                {
                    if (member is IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field && contracts.GetMember(field).Kind == ContractKind.Owned)
                    {
                        ownedFields.TryAdd(field, field.Locations.FirstOrDefault() ?? Location.None);
                        annotated.Add(field);
                    }
                    else if (member is IFieldSymbol { IsStatic: false, AssociatedSymbol: IPropertySymbol property } backingField &&
                             contracts.GetMember(backingField).Kind == ContractKind.Owned)
                    {
                        ownedProperties[property] = backingField;
                        ownedFields.TryAdd(backingField, property.Locations.FirstOrDefault() ?? Location.None);
                        annotated.Add(backingField);
                    }
                }
            }

            public void Observe(IOperation operation, ISymbol? containingSymbol)
            {
                if (containingSymbol is null)
                {
                    return;
                }

                switch (operation)
                {
                    case ISimpleAssignmentOperation assignment when OwnField(assignment.Target) is { } target && IsAcquisition(assignment.Value, operation.Syntax.SyntaxTree):
                        ownedFields.TryAdd(target, target.Locations.FirstOrDefault() ?? Location.None);
                        NoteUse(containingSymbol, target, new FieldUse(operation.Syntax.SpanStart, -1, handedToHelper: false));
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when OwnField(assignment.Value) is { } copied:
                        copies.TryAdd((containingSymbol, local.Local), copied);
                        break;
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when OwnField(initializer.Value) is { } copied:
                        copies.TryAdd((containingSymbol, declarator.Symbol), copied);
                        break;
                    case IIsPatternOperation isPattern when OwnField(isPattern.Value) is { } copied && DeclaredBy(isPattern.Pattern) is ILocalSymbol named:
                        // if (_scratch is { } s) { _scratch = null; Return(s); }
                        copies.TryAdd((containingSymbol, named), copied);
                        break;
                    case IUsingOperation usingOperation:
                        // using (_handle) { } disposes the field; using (_handle = Open()) { } too, at its end (FastZip's
                        // streams); using (var h = _handle) { } disposes the local.
                        if (usingOperation.Resources?.WithoutConversions() is ISimpleAssignmentOperation acquired)
                        {
                            MarkReleased(containingSymbol, acquired.Target, at: usingOperation.Syntax.Span.End);
                        }
                        else
                        {
                            MarkReleased(containingSymbol, usingOperation.Resources);
                        }

                        foreach (var local in usingOperation.Locals)
                        {
                            releasedLocals.TryAdd((containingSymbol, local), true);
                        }

                        break;
                    case IUsingDeclarationOperation usingDeclaration:
                        foreach (var local in usingDeclaration.DeclarationGroup.Declarations.SelectMany(declaration => declaration.Declarators))
                        {
                            releasedLocals.TryAdd((containingSymbol, local.Symbol), true);
                        }

                        break;
                    case IFieldInitializerOperation initializer when IsAcquisition(initializer.Value, operation.Syntax.SyntaxTree):
                        foreach (var field in initializer.InitializedFields)
                        {
                            if (!field.IsStatic && SymbolEqualityComparer.Default.Equals(field.ContainingType, type))
                            {
                                ownedFields.TryAdd(field, field.Locations.FirstOrDefault() ?? Location.None);
                            }
                        }

                        break;
                    case IInvocationOperation invocation:
                        ObserveCall(invocation, containingSymbol);
                        break;
                    case IForEachLoopOperation loop when OwnField(loop.Collection) is { } collection && ReleasesSomething(loop.Body):
                        // Releasing each element releases the collection's contents.
                        released.TryAdd((containingSymbol, collection), true);
                        break;
                }
            }

            private void ObserveCall(IInvocationOperation invocation, ISymbol caller)
            {
                var target = invocation.TargetMethod;
                var contract = contracts.GetMethod(target);
                if (invocation.Instance is null || invocation.Instance is IInstanceReferenceOperation)
                {
                    // A helper of this type, or a base type's method run on this object, which may call back into an
                    // override of this type (Reachable follows those by name).
                    if (SymbolEqualityComparer.Default.Equals(target.ContainingType.OriginalDefinition, type.OriginalDefinition) ||
                        (!target.IsStatic && IsBaseType(target.ContainingType)))
                    {
                        calls.TryAdd((caller, target.OriginalDefinition), true);
                    }
                }
                else if (contract.This.Kind == ContractKind.Releases || contract.This.Kind == ContractKind.Transfers || IsClose(target))
                {
                    MarkReleased(caller, invocation.Instance);
                }

                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter is null)
                    {
                        continue;
                    }

                    var kind = contract.Parameter(argument.Parameter.Ordinal).Kind;
                    var sameType = SymbolEqualityComparer.Default.Equals(target.ContainingType.OriginalDefinition, type.OriginalDefinition);
                    if (kind == ContractKind.Releases || kind == ContractKind.Transfers || (sameType && kind == ContractKind.None))
                    {
                        // Released, transferred out, or handed to a helper of this type that deals with it.
                        MarkReleased(caller, argument.Value, directly: kind != ContractKind.None);
                        if (kind == ContractKind.None && OwnFieldOrElement(argument.Value) is { } handed)
                        {
                            NoteUse(caller, handed, new FieldUse(-1, -1, handedToHelper: true));
                        }
                    }
                    else if (kind == ContractKind.None && invocation.IsCollectionAdd() && OwnField(argument.Value) is { } kept)
                    {
                        addedToCollection.TryAdd(kept, true);
                    }
                }
            }

            /// <summary>
            /// Notes that <paramref name="caller"/> releases <paramref name="value"/>: a field of this type (or an element of
            /// one), or a local; not <paramref name="directly"/> when it hands it to a helper of this type. The release is
            /// where the value stands, or <paramref name="at"/> (the end of a <c>using</c>).
            /// </summary>
            private void MarkReleased(ISymbol caller, IOperation? value, bool directly = true, int? at = null)
            {
                if (OwnFieldOrElement(value) is { } field)
                {
                    released.TryAdd((caller, field), true);
                    if (directly)
                    {
                        NoteUse(caller, field, new FieldUse(-1, at ?? value!.Syntax.SpanStart, handedToHelper: false));
                    }
                }
                else if (Unwrap(value) is ILocalReferenceOperation local)
                {
                    releasedLocals.TryAdd((caller, local.Local), true);
                }
            }

            public void Report(System.Action<Diagnostic> report)
            {
                if (ownedFields.IsEmpty)
                {
                    return;
                }

                foreach (var local in releasedLocals.Keys)
                {
                    if (copies.TryGetValue(local, out var copied))
                    {
                        released.TryAdd((local.Method, copied), true);
                    }
                }

                var releaseMethods = type.GetMembers().OfType<IMethodSymbol>().Where(IsReleaseMethod).ToList();
                var fields = ownedFields.Keys.Where(field => annotated.Contains(field) || !addedToCollection.ContainsKey(field))
                    .OrderBy(NameOf, System.StringComparer.Ordinal).ToList();
                if (releaseMethods.Count == 0)
                {
                    var unreleased = fields.Where(field => annotated.Contains(field) || !HasReleaseByAnotherName(field)).ToList();

                    // Every report names all the fields, so that the fix's new Dispose releases them all at once.
                    var all = string.Join(",", unreleased.Select(NameOf));
                    var reason = unreleased.Count == 0 ? null : BaseReleaseMethod(type) is { } inherited
                        ? $"because it does not override '{inherited}' of its base type"
                        : "because it has no release method (Dispose or a [Releases] method)";
                    foreach (var field in unreleased)
                    {
                        report(Diagnostic.Create(
                            Descriptors.OWN008FieldNotReleased,
                            type.Locations.FirstOrDefault() ?? Location.None,
                            new[] { ownedFields[field] },
                            ImmutableDictionary<string, string?>.Empty.Add("Field", NameOf(field)).Add("Fields", all),
                            type.Name,
                            NameOf(field),
                            reason));
                    }

                    return;
                }

                var releasedByAny = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
                foreach (var releaseMethod in releaseMethods)
                {
                    foreach (var reached in Reachable(releaseMethod))
                    {
                        foreach (var field in fields)
                        {
                            if (released.ContainsKey((reached, field)))
                            {
                                releasedByAny.Add(field);
                            }
                        }
                    }
                }

                var first = releaseMethods[0];
                var firstName = first.ExplicitInterfaceImplementations.FirstOrDefault() is { } implemented
                    ? $"{implemented.ContainingType.Name}.{implemented.Name}"
                    : first.Name;
                foreach (var field in fields)
                {
                    if (!releasedByAny.Contains(field))
                    {
                        report(Diagnostic.Create(
                            Descriptors.OWN008FieldNotReleased,
                            first.Locations.FirstOrDefault() ?? Location.None,
                            new[] { ownedFields[field] },
                            ImmutableDictionary<string, string?>.Empty.Add("Field", NameOf(field)).Add("ReleaseMethod", firstName),
                            type.Name,
                            NameOf(field),
                            $"in '{firstName}'"));
                    }
                }
            }

            /// <summary>
            /// True when a member of this type releases <paramref name="field"/> (not through a helper) and leaves it
            /// released: <c>DefaultInterpolatedStringHandler.Clear()</c> returning its rented array, a marshaller's
            /// <c>Free()</c>, or a method that rents into the field and returns it in its own <c>finally</c>. In a type
            /// with no release method, whose field's ownership was only inferred from its acquisitions, that is its release
            /// by another name, which its users call. A grow (return the old block, rent a new one) is not one. A type with
            /// a Dispose is still held to it.
            /// </summary>
            private bool HasReleaseByAnotherName(IFieldSymbol field)
            {
                foreach (var entry in released.Keys)
                {
                    if (SymbolEqualityComparer.Default.Equals(entry.Field, field) && EndsReleased(entry))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>
            /// True when <paramref name="entry"/>'s member leaves its field released: it acquires nothing into it, or it
            /// releases the field itself after its last acquisition in the text. A release through a copy taken before a
            /// new acquisition (<c>var old = _f; _f = Rent(n); Return(old);</c>) leaves the field owned.
            /// </summary>
            private bool EndsReleased((ISymbol Method, IFieldSymbol Field) entry)
            {
                if (fieldUses is null || !fieldUses.TryGetValue(entry, out var use))
                {
                    // Released only through a local copy (var h = _handle; _handle = null; h.Dispose();).
                    return true;
                }

                // A direct release after the last acquisition ends it released, whatever helpers were handed the field too
                // (SkiaSharp's finalizer deletes the critical section, then frees its memory).
                return use.LastDirectRelease >= 0
                    ? use.LastAcquisition < 0 || use.LastDirectRelease > use.LastAcquisition
                    : !use.HandedToHelper && use.LastAcquisition < 0;
            }

            private void NoteUse(ISymbol method, IFieldSymbol field, FieldUse use)
            {
                var uses = LazyInitializer.EnsureInitialized(ref fieldUses, () => new ConcurrentDictionary<(ISymbol, IFieldSymbol), FieldUse>())!;
                uses.AddOrUpdate((method, field), use, (_, seen) => seen.With(use));
            }

            /// <summary>The name the source uses: an auto-property's, for its backing field.</summary>
            private static string NameOf(IFieldSymbol field)
            {
                return BackingFields.Declared(field).Name;
            }

            /// <summary>
            /// The release method and every method of this type it calls on <c>this</c>, transitively; through a base
            /// type's method it calls, the overrides of this type that method calls by name (SqlClient's
            /// <c>Dispose</c> calls the base's <c>DecrementPendingCallbacks</c>, which calls the abstract
            /// <c>FreeGcHandle</c> this type overrides to free its handle).
            /// </summary>
            private IEnumerable<ISymbol> Reachable(IMethodSymbol start)
            {
                var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { start };
                var pending = new Stack<ISymbol>();
                pending.Push(start);
                while (pending.Count > 0)
                {
                    var current = pending.Pop();
                    foreach (var call in calls.Keys)
                    {
                        if (SymbolEqualityComparer.Default.Equals(call.Caller, current) && seen.Add(call.Callee))
                        {
                            pending.Push(call.Callee);
                        }
                    }

                    if (current is IMethodSymbol method && !SymbolEqualityComparer.Default.Equals(method.ContainingType, type))
                    {
                        foreach (var reached in CalledByName(method))
                        {
                            if (seen.Add(reached))
                            {
                                pending.Push(reached);
                            }
                        }
                    }
                }

                return seen;
            }

            /// <summary>
            /// What a base type's <paramref name="method"/> (from its source) calls on this object by name (<c>Free()</c>,
            /// <c>this.Free()</c>): this type's overrides of that name, and the base types' own methods of that name,
            /// whose source is followed in turn. A base type from metadata has no source: nothing is followed there.
            /// </summary>
            private IEnumerable<IMethodSymbol> CalledByName(IMethodSymbol method)
            {
                foreach (var reference in method.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax().DescendantNodes())
                    {
                        var name = node switch
                        {
                            InvocationExpressionSyntax { Expression: SimpleNameSyntax simple } => simple.Identifier.ValueText,
                            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } } => member.Identifier.ValueText,
                            _ => null,
                        };
                        if (name is null)
                        {
                            continue;
                        }

                        foreach (var candidate in type.GetMembers(name))
                        {
                            if (candidate is IMethodSymbol { IsOverride: true } hook)
                            {
                                yield return hook;
                            }
                        }

                        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
                        {
                            foreach (var candidate in baseType.OriginalDefinition.GetMembers(name))
                            {
                                if (candidate is IMethodSymbol { IsStatic: false, IsAbstract: false } inherited && !inherited.DeclaringSyntaxReferences.IsEmpty)
                                {
                                    yield return inherited;
                                }
                            }
                        }
                    }
                }
            }

            /// <summary>True when <paramref name="candidate"/> is a base type of this type (any construction of it).</summary>
            private bool IsBaseType(INamedTypeSymbol candidate)
            {
                for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(baseType.OriginalDefinition, candidate.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            private bool IsReleaseMethod(IMethodSymbol method)
            {
                // An explicit implementation (void IDisposable.Dispose()) is the type's release as much as a public Dispose.
                if (method.IsStatic || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation))
                {
                    return false;
                }

                var thisKind = contracts.GetMethod(method).This.Kind;
                return thisKind == ContractKind.Releases || (method.Name is "Dispose" or "DisposeAsync" && method.Parameters.Length <= 1) ||
                       IsReleaseHook(method);
            }

            /// <summary>
            /// <c>_reader.Close()</c> on a disposable (Stream, TextReader, XmlReader): Close is Dispose by another name, so a
            /// release method that closes a field releases it. The flow does not treat Close as a release: a parameter's
            /// writer closed on one pass of a loop would make every later write a use after release.
            /// </summary>
            private bool IsClose(IMethodSymbol method)
            {
                return method is { Name: "Close", IsStatic: false, Parameters.Length: 0 } && contracts.IsDisposable(method.ContainingType);
            }

            /// <summary>
            /// The release method a base type lets this one override: <c>Dispose(bool)</c>, or a virtual <c>Dispose()</c>;
            /// null when no base type is disposable that way.
            /// </summary>
            private static string? BaseReleaseMethod(INamedTypeSymbol type)
            {
                var withFlag = false;
                var plain = false;
                for (var current = type.BaseType; current is not null; current = current.BaseType)
                {
                    foreach (var member in current.GetMembers("Dispose"))
                    {
                        if (member is IMethodSymbol { IsStatic: false, DeclaredAccessibility: not Accessibility.Private } dispose &&
                            (dispose.IsVirtual || dispose.IsAbstract || dispose.IsOverride))
                        {
                            var parameters = dispose.Parameters;
                            withFlag |= parameters.Length == 1 && parameters[0].Type.SpecialType == SpecialType.System_Boolean;
                            plain |= parameters.Length == 0;
                        }
                    }
                }

                return withFlag ? "Dispose(bool)" : plain ? "Dispose()" : null;
            }

            /// <summary>
            /// An override that a base type's release calls: <c>ReleaseHandle</c> (SafeHandle, CriticalHandle), <c>Close</c>
            /// (Stream, TextReader, TextWriter), or a method the base type's own parameterless <c>Dispose</c> calls by name
            /// (<c>protected abstract void Release()</c>). This type's release code lives there.
            /// </summary>
            private static bool IsReleaseHook(IMethodSymbol method)
            {
                if (!method.IsOverride || method.Parameters.Length != 0 || method.OverriddenMethod?.ContainingType is not { } declaringBase)
                {
                    return false;
                }

                if (method.Name is "ReleaseHandle" or "Close")
                {
                    return true;
                }

                foreach (var dispose in declaringBase.GetMembers("Dispose"))
                {
                    if (dispose is not IMethodSymbol { Parameters.Length: 0 })
                    {
                        continue;
                    }

                    foreach (var reference in dispose.DeclaringSyntaxReferences)
                    {
                        foreach (var node in reference.GetSyntax().DescendantNodes())
                        {
                            if (node is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: var name } } && name == method.Name)
                            {
                                return true;
                            }
                        }
                    }
                }

                return false;
            }

            private bool IsAcquisition(IOperation? value, SyntaxTree tree)
            {
                value = value?.WithoutConversions();

                return value switch
                {
                    IInvocationOperation invocation => contracts.GetMethod(invocation.TargetMethod).Return.Kind == ContractKind.Owned,
                    IObjectCreationOperation { Constructor: { } constructor } creation => contracts.GetMethod(constructor).Return.Kind == ContractKind.Owned ||
                        (contracts.IsDisposableToTrack(creation.Type) && contracts.OptionsOf(tree).TrackAllDisposables),
                    _ => false,
                };
            }

            private bool ReleasesSomething(IOperation body)
            {
                foreach (var operation in body.DescendantsAndSelf())
                {
                    if (operation is IInvocationOperation invocation && contracts.GetMethod(invocation.TargetMethod).ReleasesSomething)
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>The field of this type that <paramref name="operation"/> reads on <c>this</c> (an owned auto-property's backing field included), or null.</summary>
            private IFieldSymbol? OwnField(IOperation? operation)
            {
                operation = Unwrap(operation);
                if (operation is IInvocationOperation { TargetMethod: { Name: "Exchange" or "CompareExchange" } exchange } swap &&
                    swap.Arguments.Length > 0 && exchange.ContainingType.ToDisplayString() == "System.Threading.Interlocked")
                {
                    // Interlocked.Exchange(ref _handle, null) returns what the field held.
                    operation = swap.Arguments[0].Value.WithoutConversions();
                }

                if (operation is IPropertyReferenceOperation { Instance: IInstanceReferenceOperation } propertyReference)
                {
                    return ownedProperties.TryGetValue(propertyReference.Property.OriginalDefinition, out var backingField) ? backingField : null;
                }

                return operation is IFieldReferenceOperation { Field: { IsStatic: false } field, Instance: IInstanceReferenceOperation } &&
                       SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, type.OriginalDefinition)
                    ? field.OriginalDefinition
                    : null;
            }

            /// <summary>The local a pattern names for the whole value it matched (<c>is { } s</c>, <c>is Handle h</c>), if any.</summary>
            private static ISymbol? DeclaredBy(IPatternOperation pattern)
            {
                return pattern switch
                {
                    IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
                    IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
                    _ => null,
                };
            }

            /// <summary>The value itself: without conversions, and for the receiver of <c>x?.M()</c>, <c>x</c>.</summary>
            private static IOperation? Unwrap(IOperation? operation)
            {
                operation = operation?.WithoutConversions();
                return operation is IConditionalAccessInstanceOperation instance ? TestedValue(instance)?.WithoutConversions() : operation;
            }

            /// <summary>
            /// The value a conditional access tested: that of the nearest <c>?.</c> whose right-hand side holds
            /// <paramref name="instance"/> (in <c>a?.b?.M()</c>, the receiver of <c>M</c> is <c>a.b</c>, not <c>a</c>).
            /// </summary>
            private static IOperation? TestedValue(IConditionalAccessInstanceOperation instance)
            {
                IOperation child = instance;
                for (var parent = instance.Parent; parent is not null; child = parent, parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, child))
                    {
                        return access.Operation;
                    }
                }

                return null;
            }

            /// <summary>A field of this type, or an element of one (<c>blocks[i]</c>): releasing elements in a loop counts.</summary>
            private IFieldSymbol? OwnFieldOrElement(IOperation? operation)
            {
                operation = operation?.WithoutConversions();

                return operation switch
                {
                    IArrayElementReferenceOperation element => OwnField(element.ArrayReference),
                    IPropertyReferenceOperation { Property.IsIndexer: true } indexer => OwnField(indexer.Instance),
                    _ => OwnField(operation),
                };
            }
        }
    }
}
