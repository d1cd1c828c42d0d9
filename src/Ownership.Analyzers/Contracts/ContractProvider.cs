using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>
    /// Answers, for any method, parameter, return, field or type, what it owns, borrows, transfers, releases or
    /// invalidates: from the Ownership attributes first, then users' contract files, then the built-in catalog.
    /// Built once per compilation; every answer is cached.
    /// </summary>
    public sealed class ContractProvider
    {
        private const string CatalogResourceName = "Ownership.BuiltIn.ownership.txt";
        private const string CatalogPath = "BuiltIn.ownership.txt";

        private static readonly ImmutableArray<ContractLine> CatalogLines = ReadCatalog(out CatalogErrors);
        private static readonly ImmutableArray<ContractError> CatalogErrors;
        private static readonly IReadOnlyDictionary<string, int[]> CatalogIndex = CatalogContracts.Index(CatalogLines);
        private static readonly ImmutableArray<string> CatalogMethodNames = CatalogContracts.MethodNames(CatalogLines).Distinct().ToImmutableArray();

        /// <summary>
        /// The provider of each live compilation, shared by the three analyzers that run over it, so that the catalog is
        /// resolved and the caches filled once. The one static table of the package, and safe: it is keyed by the
        /// compilation, holds nothing beyond the compilation's life, and never hands one compilation's answers to another.
        /// </summary>
        private static readonly ConditionalWeakTable<Compilation, ContractProvider> PerCompilation = new ConditionalWeakTable<Compilation, ContractProvider>();

        private readonly Dictionary<ISymbol, MethodContract> fileMethods;
        private readonly Dictionary<ISymbol, ValueContract> fileValues;
        private readonly CatalogContracts catalog;
        private readonly ConcurrentDictionary<IMethodSymbol, MethodContract> methodCache = new ConcurrentDictionary<IMethodSymbol, MethodContract>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, ValueContract> valueCache = new ConcurrentDictionary<ISymbol, ValueContract>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, bool> disposableCache = new ConcurrentDictionary<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IAssemblySymbol, bool> annotatedAssemblies = new ConcurrentDictionary<IAssemblySymbol, bool>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<SyntaxTree, TreeOptions> treeOptions = new ConcurrentDictionary<SyntaxTree, TreeOptions>();
        private readonly HashSet<string> namesWithContracts;
        private readonly Func<IMethodSymbol, MethodContract> computeMethod;
        private readonly Func<ISymbol, ValueContract> computeMember;
        private readonly Func<ITypeSymbol, bool> computeIsDisposable;
        private readonly Func<SyntaxTree, TreeOptions> readTreeOptions;
        private readonly AnalyzerOptions options;
        private readonly INamedTypeSymbol? disposable;
        private readonly INamedTypeSymbol? asyncDisposable;

        private ContractProvider(
            Compilation compilation,
            AnalyzerOptions options,
            Dictionary<ISymbol, MethodContract> fileMethods,
            Dictionary<ISymbol, ValueContract> fileValues,
            ImmutableArray<ContractError> errors)
        {
            // One delegate each for the caches' GetOrAdd: an instance method group converts to a new delegate at every call.
            computeMethod = ComputeMethod;
            computeMember = ComputeMember;
            computeIsDisposable = ComputeIsDisposable;
            readTreeOptions = ReadTreeOptions;
            this.options = options;
            this.fileMethods = fileMethods;
            this.fileValues = fileValues;
            catalog = new CatalogContracts(compilation, CatalogLines, CatalogIndex);
            namesWithContracts = new HashSet<string>(CatalogMethodNames) { "Dispose", "DisposeAsync", WellKnownMemberNames.InstanceConstructorName };
            foreach (var listed in fileMethods.Keys)
            {
                namesWithContracts.Add(listed.Name);
            }

            Errors = errors;
            disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            asyncDisposable = compilation.GetTypeByMetadataName("System.IAsyncDisposable");
            HasAnything = !CatalogLines.IsEmpty || fileMethods.Count > 0 || fileValues.Count > 0 || errors.Length > 0 ||
                          compilation.GetTypeByMetadataName(AttributeNames.Owned) is not null;
        }

        /// <summary>The parsed lines of the built-in catalog.</summary>
        internal static ImmutableArray<ContractLine> BuiltInLines => CatalogLines;

        /// <summary>Problems in the built-in catalog itself (kept empty by a test).</summary>
        internal static ImmutableArray<ContractError> BuiltInErrors => CatalogErrors;

        /// <summary>False when the compilation can hold no resource this package tracks.</summary>
        public bool HasAnything { get; }

        /// <summary>Malformed lines of users' contract files (and of the catalog, which a test keeps empty).</summary>
        public ImmutableArray<ContractError> Errors { get; }

        /// <summary>
        /// The provider for <paramref name="compilation"/> under <paramref name="options"/>: the one another Ownership
        /// analyzer already built for the same compilation and the same options, else a new one.
        /// </summary>
        public static ContractProvider For(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            if (PerCompilation.TryGetValue(compilation, out var shared) && shared.IsFor(options))
            {
                return shared;
            }

            var created = Create(compilation, options, cancellationToken);
            if (shared is not null)
            {
                return created;
            }

            // Two analyzers starting together may both build one: the first one kept serves every later analyzer.
            var kept = PerCompilation.GetValue(compilation, _ => created);
            return kept.IsFor(options) ? kept : created;
        }

        /// <summary>Resolves the contract files of one compilation against its symbols.</summary>
        public static ContractProvider Create(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
        {
            var userLines = new List<ContractLine>();
            var errors = new List<ContractError>(CatalogErrors);
            foreach (var file in options.AdditionalFiles)
            {
                if (!file.Path.EndsWith(ContractFile.Suffix, System.StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var text = file.GetText(cancellationToken);
                if (text is not null)
                {
                    ContractFile.Parse(file.Path, text, userLines, errors);
                }
            }

            var methods = new Dictionary<ISymbol, MethodContract>(SymbolEqualityComparer.Default);
            var values = new Dictionary<ISymbol, ValueContract>(SymbolEqualityComparer.Default);

            // Users' lines now, so that their mistakes are reported; the catalog's on demand (CatalogContracts), after them.
            Resolve(compilation, userLines, methods, values, errors);
            return new ContractProvider(compilation, options, methods, values, errors.ToImmutableArray());
        }

        /// <summary>Same contract files and the same .editorconfig options: the answers would be the same.</summary>
        private bool IsFor(AnalyzerOptions other)
        {
            return ReferenceEquals(options, other) ||
                   (options.AdditionalFiles == other.AdditionalFiles && ReferenceEquals(options.AnalyzerConfigOptionsProvider, other.AnalyzerConfigOptionsProvider));
        }

        /// <summary>
        /// The <c>.editorconfig</c> options of <paramref name="tree"/>, read once per tree: every body asks, and each read
        /// is two case-insensitive lookups per key.
        /// </summary>
        internal TreeOptions OptionsOf(SyntaxTree tree)
        {
            return treeOptions.GetOrAdd(tree, readTreeOptions);
        }

        private TreeOptions ReadTreeOptions(SyntaxTree tree)
        {
            return new TreeOptions(IsOptionOn(tree, Options.TrackAllDisposables), IsOptionOn(tree, Options.LeaksOnExceptionPaths));
        }

        /// <summary>Reads an <c>.editorconfig</c> option for <paramref name="tree"/> (<c>true</c>/<c>false</c>).</summary>
        private bool IsOptionOn(SyntaxTree tree, string key)
        {
            if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(key, out var value) || options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(key, out value))
            {
                return string.Equals(value.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);
            }

            return false;
        }

        /// <summary>The contract of <paramref name="method"/>: its attributes, else a contract line, else nothing.</summary>
        public MethodContract GetMethod(IMethodSymbol method)
        {
            var definition = method.ReducedFrom ?? method.OriginalDefinition;

            // Most calls go to the runtime or to packages that know nothing of these attributes: there, only a contract
            // line (or an override of one, of the same name), Dispose, or an owned type's constructor has a contract.
            if (!namesWithContracts.Contains(definition.Name) && !MayBeAnnotated(definition))
            {
                return MethodContract.Empty;
            }

            return methodCache.GetOrAdd(definition, computeMethod);
        }

        /// <summary>What a field or property holds: owned (with family) or nothing.</summary>
        public ValueContract GetMember(ISymbol member)
        {
            return valueCache.GetOrAdd(member.OriginalDefinition, computeMember);
        }

        /// <summary>True when every instance of <paramref name="type"/> is a resource (an [Owned] type or a catalog type).</summary>
        public ValueContract GetType(ITypeSymbol type)
        {
            return type is INamedTypeSymbol named ? GetMember(named) : ValueContract.None;
        }

        /// <summary>True when <paramref name="type"/> implements <c>IDisposable</c> or <c>IAsyncDisposable</c>.</summary>
        public bool IsDisposable(ITypeSymbol? type)
        {
            // List<int> and List<string> implement the same interfaces as List<T>: one answer per definition, which
            // spares substituting the interfaces of every constructed type.
            return type is not null && disposableCache.GetOrAdd(type.OriginalDefinition, computeIsDisposable);
        }

        private bool ComputeIsDisposable(ITypeSymbol type)
        {
            if (SymbolEqualityComparer.Default.Equals(type, disposable) || SymbolEqualityComparer.Default.Equals(type, asyncDisposable))
            {
                return true;
            }

            foreach (var implemented in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(implemented, disposable) || SymbolEqualityComparer.Default.Equals(implemented, asyncDisposable))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// How to release a value acquired by <paramref name="acquisition"/>: a call with <c>{0}</c> standing for the
        /// value (<c>System.Runtime.InteropServices.NativeMemory.Free({0})</c>), or null when no deallocator is known.
        /// A deallocator of the acquiring type comes first, then one of the catalog with the same family.
        /// </summary>
        public string? ReleaseCallFor(IOperation? acquisition, string? family, bool isDisposable)
        {
            if (isDisposable)
            {
                return "{0}.Dispose()";
            }

            IMethodSymbol? acquirer = null;
            IOperation? receiver = null;
            switch (acquisition)
            {
                case IInvocationOperation invocation:
                    acquirer = invocation.TargetMethod;
                    receiver = invocation.Instance;
                    break;
                case IArgumentOperation { Parent: IInvocationOperation invocation }:
                    acquirer = invocation.TargetMethod;
                    receiver = invocation.Instance;
                    break;
            }

            if (acquirer is not null)
            {
                // Contract lines first, in file order: the catalog names the plain deallocator (FreeHGlobal) before
                // the specialised ones (ZeroFreeGlobalAllocAnsi).
                // Only the catalog lines of the acquirer's type are resolved: "M:" + its ID + "." starts them.
                var typeLines = "M:" + acquirer.ContainingType.OriginalDefinition.GetDocumentationCommentId()?.Substring(2) + ".";
                foreach (var listed in ListedMethods(line => line.MemberId.StartsWith(typeLines, StringComparison.Ordinal)))
                {
                    if (SymbolEqualityComparer.Default.Equals(listed.ContainingType, acquirer.ContainingType.OriginalDefinition) &&
                        ReleaseCall(listed, family, receiver) is { } listedCall)
                    {
                        return listedCall;
                    }
                }

                foreach (var member in acquirer.ContainingType.GetMembers())
                {
                    if (member is IMethodSymbol candidate && ReleaseCall(candidate, family, receiver) is { } sameType)
                    {
                        return sameType;
                    }
                }
            }

            if (family is null)
            {
                return null;
            }

            foreach (var candidate in ListedMethods(line => ReleasesFamily(line, family)))
            {
                if (ReleaseCall(candidate, family, receiver) is { } fromCatalog)
                {
                    return fromCatalog;
                }
            }

            return null;
        }

        /// <summary>The methods of users' contract lines, then those of the catalog lines <paramref name="catalogLine"/> accepts, each in file order.</summary>
        private IEnumerable<IMethodSymbol> ListedMethods(Func<ContractLine, bool> catalogLine)
        {
            foreach (var listed in fileMethods.Keys)
            {
                if (listed is IMethodSymbol method)
                {
                    yield return method;
                }
            }

            foreach (var method in catalog.Methods(catalogLine))
            {
                yield return method;
            }
        }

        private static bool ReleasesFamily(ContractLine line, string family)
        {
            foreach (var entry in line.Entries)
            {
                if (entry.Value.Kind == ContractKind.Releases && entry.Value.Family == family)
                {
                    return true;
                }
            }

            return false;
        }

        private string? ReleaseCall(IMethodSymbol candidate, string? family, IOperation? receiver)
        {
            var contract = GetMethod(candidate);
            if (contract.IsEmpty)
            {
                return null;
            }

            // IMethodSymbol.Parameters makes a new array at every call: read it once.
            var parameters = candidate.Parameters;
            if (contract.This.Kind == ContractKind.Releases && contract.This.Family == family && AllOptional(parameters, except: -1))
            {
                return "{0}." + candidate.Name + "()";
            }

            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = contract.Parameter(i);
                if (parameter.Kind != ContractKind.Releases || parameter.Family != family || !AllOptional(parameters, except: i) || i != 0)
                {
                    continue;
                }

                if (candidate.IsStatic)
                {
                    return candidate.ContainingType.ToDisplayString() + "." + candidate.Name + "({0})";
                }

                if (receiver is not null && SymbolEqualityComparer.Default.Equals(receiver.Type?.OriginalDefinition, candidate.ContainingType.OriginalDefinition))
                {
                    return receiver.Syntax.ToString() + "." + candidate.Name + "({0})";
                }
            }

            return null;
        }

        private static bool AllOptional(ImmutableArray<IParameterSymbol> parameters, int except)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                if (i != except && !parameters[i].IsOptional)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Types whose values can be, or point into, a resource: pointers, handles, arrays, owned types, disposables.</summary>
        public bool CanHoldResource(ITypeSymbol type)
        {
            switch (type.TypeKind)
            {
                case TypeKind.Pointer:
                case TypeKind.FunctionPointer:
                case TypeKind.Array:
                    return true;
            }

            if (type.SpecialType == SpecialType.System_IntPtr || type.SpecialType == SpecialType.System_UIntPtr)
            {
                return true;
            }

            return type.SpecialType == SpecialType.None && type.TypeKind != TypeKind.Enum &&
                   (type.Name == "GCHandle" || GetType(type).Kind == ContractKind.Owned || IsDisposable(type));
        }

        /// <summary>With ownership_track_all_disposables: an IDisposable whose creation makes it the creator's to dispose.</summary>
        public bool IsDisposableToTrack(ITypeSymbol? type)
        {
            if (type is null || !IsDisposable(type))
            {
                return false;
            }

            // A Task is disposable but is never meant to be disposed.
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.Name == "Task" && current.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
                {
                    return false;
                }
            }

            return true;
        }

        private MethodContract ComputeMethod(IMethodSymbol method)
        {
            var contract = ComputeDeclared(method);

            // A constructor of an owned type returns a new owned instance, whatever else its parameters declare
            // (new Block([Transfers] p) both takes p and makes an owned Block).
            if (method.MethodKind == MethodKind.Constructor && !contract.Return.IsSome && GetType(method.ContainingType) is { IsSome: true } ownedType)
            {
                return new MethodContract(ownedType, contract.This, contract.Parameters);
            }

            return contract;
        }

        private MethodContract ComputeDeclared(IMethodSymbol method)
        {
            var fromAttributes = MayBeAnnotated(method) ? FromAttributes(method) : MethodContract.Empty;
            if (!fromAttributes.IsEmpty)
            {
                return fromAttributes;
            }

            if (fileMethods.TryGetValue(method, out var fromFile))
            {
                return fromFile;
            }

            // Every method name of the catalog and the contract files is in namesWithContracts: a name outside it needs no
            // catalog key built and looked up.
            var nameHasContracts = namesWithContracts.Contains(method.Name);
            if (nameHasContracts && catalog.Method(method) is { } fromCatalog)
            {
                return fromCatalog;
            }

            // An override keeps the contract of the member it overrides (FileStream.Read is Stream.Read).
            if (method.OverriddenMethod is { } overridden)
            {
                var inherited = GetMethod(overridden);
                if (!inherited.IsEmpty)
                {
                    return inherited;
                }
            }

            // A method of the user's own that implements an annotated interface member keeps that member's contract
            // (a custom IAllocator's Free releases). Only source methods: the runtime's implementations have none to inherit.
            if (method.Locations.Length > 0 && method.Locations[0].IsInSource && ImplementedContract(method, nameHasContracts) is { } implemented)
            {
                return implemented;
            }

            // Dispose() releases its receiver: the IDisposable contract itself.
            if ((method.Name == "Dispose" || method.Name == "DisposeAsync") && method.Parameters.Length == 0 && !method.IsStatic &&
                IsDisposable(method.ContainingType))
            {
                return new MethodContract(ValueContract.None, new ValueContract(ContractKind.Releases), ImmutableArray<ValueContract>.Empty);
            }

            return MethodContract.Empty;
        }

        private MethodContract? ImplementedContract(IMethodSymbol method, bool nameHasContracts)
        {
            foreach (var implemented in method.ExplicitInterfaceImplementations)
            {
                var contract = GetMethod(implemented);
                if (!contract.IsEmpty)
                {
                    return contract;
                }
            }

            foreach (var candidateInterface in method.ContainingType.AllInterfaces)
            {
                if (!nameHasContracts && !MayBeAnnotated(candidateInterface))
                {
                    // IEquatable<T>, IEnumerable<T>…: no member of this name there has a contract (GetMethod's own test).
                    continue;
                }

                // Contracts belong to definitions: ask IEquatable<T>.Equals before making the members of IEquatable<Order>
                // and searching for their implementation, which only an annotated member is worth.
                foreach (var member in candidateInterface.OriginalDefinition.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol interfaceMethod && GetMethod(interfaceMethod) is { IsEmpty: false } contract &&
                        IsImplementedBy(candidateInterface, interfaceMethod, method))
                    {
                        return contract;
                    }
                }
            }

            return null;
        }

        /// <summary>True when <paramref name="method"/> implements <paramref name="definition"/> as a member of <paramref name="implemented"/>.</summary>
        private static bool IsImplementedBy(INamedTypeSymbol implemented, IMethodSymbol definition, IMethodSymbol method)
        {
            foreach (var member in implemented.GetMembers(definition.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, definition) &&
                    SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }

            return false;
        }

        private MethodContract FromAttributes(IMethodSymbol method)
        {
            var returnContract = FromAttributes(method.GetReturnTypeAttributes());
            var thisContract = FromAttributes(method.GetAttributes());
            if (thisContract.Kind == ContractKind.Owned)
            {
                // [MustDisposeResource] on a method means its result must be disposed.
                returnContract = returnContract.IsSome ? returnContract : thisContract;
                thisContract = ValueContract.None;
            }

            // The parameters' contracts are gathered only once one of them has any: most methods have none.
            // IMethodSymbol.Parameters makes a new array at every call: read it once.
            var declared = method.Parameters;
            ValueContract[]? parameters = null;
            for (var i = 0; i < declared.Length; i++)
            {
                var contract = FromAttributes(declared[i].GetAttributes());
                if (contract.IsSome)
                {
                    parameters ??= new ValueContract[declared.Length];
                    parameters[i] = contract;
                }
            }

            if (parameters is null && !returnContract.IsSome && !thisContract.IsSome)
            {
                return MethodContract.Empty;
            }

            return new MethodContract(returnContract, thisContract, parameters is null ? ImmutableArray<ValueContract>.Empty : parameters.ToImmutableArray());
        }

        private ValueContract ComputeMember(ISymbol member)
        {
            var fromAttributes = MayBeAnnotated(member) ? FromAttributes(member.GetAttributes()) : ValueContract.None;
            if (fromAttributes.Kind == ContractKind.Owned)
            {
                return fromAttributes;
            }

            if (fileValues.TryGetValue(member, out var fromFile))
            {
                return fromFile;
            }

            if (catalog.Value(member) is { } fromCatalog)
            {
                return fromCatalog;
            }

            // An auto-property and its backing field hold one value: [Owned] on either ([field: Owned] on the property)
            // owns both, so the relevance scan, which sees the property, and the flow, which follows the field, agree.
            switch (member)
            {
                case IFieldSymbol { AssociatedSymbol: IPropertySymbol property }:
                    return GetMember(property);
                case IPropertySymbol property when property.ContainingAssembly is ISourceAssemblySymbol && BackingFields.Of(property) is { } field:
                    var fromField = FromAttributes(field.GetAttributes());
                    return fromField.Kind == ContractKind.Owned ? fromField : ValueContract.None;
                default:
                    return ValueContract.None;
            }
        }

        /// <summary>
        /// False for a member of a referenced assembly that can carry none of the contracts read from attributes: one
        /// built, directly or through its references, on neither Ownership.Annotations nor JetBrains.Annotations nor a
        /// copy of the attributes (the runtime, most packages). Its overrides cannot inherit an annotated member's
        /// contract either. Reading attributes from metadata is costly, and most calls in any body go to such assemblies.
        /// </summary>
        private bool MayBeAnnotated(ISymbol member)
        {
            var assembly = member.ContainingAssembly;
            return assembly is null || assembly is ISourceAssemblySymbol || annotatedAssemblies.GetOrAdd(assembly, ComputeMayBeAnnotated);
        }

        private static bool ComputeMayBeAnnotated(IAssemblySymbol assembly)
        {
            var seen = new HashSet<IAssemblySymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<IAssemblySymbol>();
            pending.Push(assembly);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                if (!seen.Add(current))
                {
                    continue;
                }

                if (current.Identity.Name == "Ownership.Annotations" || current.Identity.Name == "JetBrains.Annotations")
                {
                    return true;
                }

                foreach (var attribute in AttributeNames.All)
                {
                    if (current.GetTypeByMetadataName(attribute) is not null)
                    {
                        return true;
                    }
                }

                foreach (var module in current.Modules)
                {
                    foreach (var referenced in module.ReferencedAssemblySymbols)
                    {
                        pending.Push(referenced);
                    }
                }
            }

            return false;
        }

        /// <summary>Reads the Ownership attributes (matched by full name) and JetBrains' disposal attributes.</summary>
        internal static ValueContract FromAttributes(ImmutableArray<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                var name = AttributeNames.Of(attribute);
                if (name is null)
                {
                    continue;
                }

                var argument = SingleArgument(attribute);
                switch (name)
                {
                    case AttributeNames.Owned:
                    case AttributeNames.MustDisposeResource:
                        if (name == AttributeNames.MustDisposeResource && argument is false)
                        {
                            continue;
                        }

                        return new ValueContract(ContractKind.Owned, family: name == AttributeNames.Owned ? argument as string : null);
                    case AttributeNames.Borrowed:
                        return new ValueContract(ContractKind.Borrowed, borrowSource: argument as string);
                    case AttributeNames.Transfers:
                        return new ValueContract(ContractKind.Transfers);
                    case AttributeNames.Releases:
                        return new ValueContract(ContractKind.Releases, family: argument as string);
                    case AttributeNames.HandlesResourceDisposal:
                        return new ValueContract(ContractKind.Releases);
                    case AttributeNames.Invalidates:
                        return new ValueContract(ContractKind.Invalidates);
                }
            }

            return ValueContract.None;
        }

        /// <summary>The one scalar constructor argument of an attribute, or null (arrays and errors included).</summary>
        private static object? SingleArgument(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1)
            {
                return null;
            }

            var argument = attribute.ConstructorArguments[0];
            return argument.Kind == TypedConstantKind.Array || argument.Kind == TypedConstantKind.Error ? null : argument.Value;
        }

        /// <summary>Resolves users' contract lines; a line naming no member of a type that exists is an error.</summary>
        private static void Resolve(
            Compilation compilation,
            IReadOnlyList<ContractLine> lines,
            Dictionary<ISymbol, MethodContract> methods,
            Dictionary<ISymbol, ValueContract> values,
            List<ContractError> errors)
        {
            foreach (var line in lines)
            {
                var symbols = DocumentationCommentId.GetSymbolsForDeclarationId(line.MemberId, compilation);
                if (symbols.IsDefaultOrEmpty)
                {
                    if (ContainingTypeResolves(line.MemberId, compilation))
                    {
                        errors.Add(Error(line, $"'{line.MemberId}' names no member of its type; check the name and the parameter types (copy the ID from a documentation file or ISymbol.GetDocumentationCommentId())"));
                    }

                    continue;
                }

                foreach (var symbol in symbols)
                {
                    if (methods.ContainsKey(symbol) || values.ContainsKey(symbol))
                    {
                        continue;
                    }

                    if (symbol is IMethodSymbol method)
                    {
                        var contract = ToMethodContract(line, method, out var error);
                        if (error is not null)
                        {
                            errors.Add(Error(line, error));
                        }
                        else
                        {
                            methods.Add(method, contract);
                        }
                    }
                    else
                    {
                        values.Add(symbol, line.Entries[0].Value);
                    }
                }
            }
        }

        internal static MethodContract ToMethodContract(ContractLine line, IMethodSymbol method, out string? error)
        {
            error = null;
            var returnContract = ValueContract.None;
            var thisContract = ValueContract.None;
            var parameters = new ValueContract[method.Parameters.Length];
            foreach (var entry in line.Entries)
            {
                if (entry.Key == "return")
                {
                    returnContract = entry.Value;
                }
                else if (entry.Key == "this")
                {
                    if (method.IsStatic)
                    {
                        error = $"'this=' on the static method '{line.MemberId}'; name the parameter instead";
                        return MethodContract.Empty;
                    }

                    thisContract = entry.Value;
                }
                else
                {
                    var index = IndexOfParameter(method, entry.Key);
                    if (index < 0)
                    {
                        error = $"'{entry.Key}' is not a parameter of '{line.MemberId}'; its parameters are: {ParameterNames(method)}";
                        return MethodContract.Empty;
                    }

                    parameters[index] = entry.Value;
                }
            }

            return new MethodContract(returnContract, thisContract, parameters.ToImmutableArray());
        }

        private static int IndexOfParameter(IMethodSymbol method, string name)
        {
            var parameters = method.Parameters;
            for (var i = 0; i < parameters.Length; i++)
            {
                if (parameters[i].Name == name)
                {
                    return i;
                }
            }

            return -1;
        }

        private static string ParameterNames(IMethodSymbol method)
        {
            if (method.Parameters.IsEmpty)
            {
                return "(none)";
            }

            var names = new List<string>();
            foreach (var parameter in method.Parameters)
            {
                names.Add(parameter.Name);
            }

            return string.Join(", ", names);
        }

        private static bool ContainingTypeResolves(string memberId, Compilation compilation)
        {
            if (memberId[0] == 'T')
            {
                return false;
            }

            var end = memberId.IndexOf('(');
            var name = end < 0 ? memberId.Substring(2) : memberId.Substring(2, end - 2);
            var dot = name.LastIndexOf('.');
            if (dot <= 0)
            {
                return false;
            }

            return !DocumentationCommentId.GetSymbolsForDeclarationId("T:" + name.Substring(0, dot), compilation).IsDefaultOrEmpty;
        }

        private static ContractError Error(ContractLine line, string message)
        {
            var position = new LinePosition(line.LineNumber - 1, 0);
            var span = new LinePositionSpan(position, new LinePosition(line.LineNumber - 1, line.Span.Length));
            return new ContractError(line.Path, line.LineNumber, line.Span, span, $"{line.Path}({line.LineNumber}): {message}");
        }

        private static ImmutableArray<ContractLine> ReadCatalog(out ImmutableArray<ContractError> errors)
        {
            var lines = new List<ContractLine>();
            var errorList = new List<ContractError>();
            using (var stream = typeof(ContractProvider).Assembly.GetManifestResourceStream(CatalogResourceName))
            {
                if (stream is not null)
                {
                    using var reader = new StreamReader(stream);
                    ContractFile.Parse(CatalogPath, SourceText.From(reader.ReadToEnd()), lines, errorList);
                }
            }

            errors = errorList.ToImmutableArray();
            return lines.ToImmutableArray();
        }
    }
}
