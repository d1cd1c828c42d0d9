using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Ownership.Analyzers.Contracts;

namespace Ownership.Analyzers.Rules
{
    /// <summary>
    /// OWN012: contradictory or meaningless ownership annotations, and malformed contract lines (reported in their file
    /// at their line).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AnnotationAnalyzer : OwnershipAnalyzer
    {
        /// <summary>
        /// Diagnostic property: "true" when removing the flagged attribute is a fix. A contradiction also carries the other
        /// attribute as its additional location: removing either is a fix.
        /// </summary>
        public const string RemovableProperty = "Removable";

        private static readonly ImmutableDictionary<string, string?> Removable = ImmutableDictionary<string, string?>.Empty.Add(RemovableProperty, "true");

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.OWN012InvalidAnnotation);

        /// <inheritdoc />
        protected override void Register(CompilationStartAnalysisContext context, ContractProvider contracts)
        {
            if (!contracts.Errors.IsEmpty)
            {
                context.RegisterAdditionalFileAction(file =>
                {
                    foreach (var error in contracts.Errors)
                    {
                        if (string.Equals(error.Path, file.AdditionalFile.Path, StringComparison.Ordinal))
                        {
                            var location = Location.Create(error.Path, error.Span, error.LineSpan);
                            file.ReportDiagnostic(Diagnostic.Create(Descriptors.OWN012InvalidAnnotation, location, error.Message));
                        }
                    }
                });
            }

            if (context.Compilation.GetTypeByMetadataName(AttributeNames.Owned) is null)
            {
                return;
            }

            // Most symbols carry none of the attributes: they are passed over before anything is allocated for them.
            context.RegisterSymbolAction(
                symbol =>
                {
                    var method = (IMethodSymbol)symbol.Symbol;
                    if (IsAnnotated(method))
                    {
                        CheckMethod(method, symbol.ReportDiagnostic);
                    }
                },
                SymbolKind.Method);
            context.RegisterSymbolAction(
                symbol =>
                {
                    if (HasOwnershipAttribute(symbol.Symbol.GetAttributes()))
                    {
                        CheckMember(symbol.Symbol, symbol.ReportDiagnostic);
                    }
                },
                SymbolKind.Field,
                SymbolKind.Property);
            context.RegisterSymbolAction(
                symbol =>
                {
                    if (HasOwnershipAttribute(symbol.Symbol.GetAttributes()))
                    {
                        CheckType((INamedTypeSymbol)symbol.Symbol, contracts, symbol.ReportDiagnostic);
                    }
                },
                SymbolKind.NamedType);
            context.RegisterOperationBlockAction(block => CheckReleasedParameters(block, contracts));
        }

        private static bool IsAnnotated(IMethodSymbol method)
        {
            if (HasOwnershipAttribute(method.GetAttributes()) || HasOwnershipAttribute(method.GetReturnTypeAttributes()))
            {
                return true;
            }

            foreach (var parameter in method.Parameters)
            {
                if (HasOwnershipAttribute(parameter.GetAttributes()))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasOwnershipAttribute(ImmutableArray<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                if (AttributeNames.Of(attribute) is not null)
                {
                    return true;
                }
            }

            return false;
        }

        private static void CheckMethod(IMethodSymbol method, Action<Diagnostic> report)
        {
            var returnAttributes = method.GetReturnTypeAttributes();
            CheckContradiction(returnAttributes, $"the return of '{method.Name}'", report);
            CheckBorrowSource(returnAttributes, method, report);

            foreach (var attribute in method.GetAttributes())
            {
                var name = AttributeNames.Of(attribute);
                if (method.IsStatic && (name == AttributeNames.Releases || name == AttributeNames.Transfers || name == AttributeNames.Invalidates))
                {
                    Report(report, attribute, $"[{ShortName(name)}] on a method means 'this', but '{method.Name}' is static; put it on the parameter instead", removable: true);
                }
            }

            foreach (var parameter in method.Parameters)
            {
                var attributes = parameter.GetAttributes();
                CheckContradiction(attributes, $"parameter '{parameter.Name}'", report);
                CheckBorrowSource(attributes, method, report);
                foreach (var attribute in attributes)
                {
                    var name = AttributeNames.Of(attribute);
                    if (name == AttributeNames.Owned && parameter.RefKind == RefKind.None)
                    {
                        Report(report, attribute, $"[Owned] on parameter '{parameter.Name}' means nothing: use [Transfers] when '{method.Name}' takes ownership, or [Owned] on an out parameter it fills", removable: true);
                    }
                    else if ((name == AttributeNames.Transfers || name == AttributeNames.Releases) && !CanHoldResource(parameter.Type))
                    {
                        Report(report, attribute, $"[{ShortName(name)}] on parameter '{parameter.Name}' of type '{parameter.Type.ToDisplayString()}', which cannot hold a resource; remove it", removable: true);
                    }
                }
            }
        }

        private static void CheckMember(ISymbol member, Action<Diagnostic> report)
        {
            var type = member switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            foreach (var attribute in member.GetAttributes())
            {
                if (AttributeNames.Of(attribute) == AttributeNames.Owned && type is not null && !CanHoldResource(type))
                {
                    Report(report, attribute, $"[Owned] on '{member.Name}' of type '{type.ToDisplayString()}', which cannot hold a resource; remove it", removable: true);
                }
            }
        }

        private static void CheckType(INamedTypeSymbol type, ContractProvider contracts, Action<Diagnostic> report)
        {
            var owned = type.GetAttributes().FirstOrDefault(attribute => AttributeNames.Of(attribute) == AttributeNames.Owned);
            if (owned is null || type.TypeKind == TypeKind.Interface || type.IsAbstract || contracts.IsDisposable(type))
            {
                return;
            }

            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol method && contracts.GetMethod(method).This.Kind == ContractKind.Releases)
                {
                    return;
                }
            }

            Report(report, owned, $"instances of '{type.Name}' are [Owned], but nothing can release them; implement IDisposable or mark a method [Releases]");
        }

        /// <summary>A [Releases] or [Transfers] parameter the body never releases, transfers, stores, passes on or returns.</summary>
        private static void CheckReleasedParameters(OperationBlockAnalysisContext context, ContractProvider contracts)
        {
            if (context.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            foreach (var parameter in method.Parameters)
            {
                var attribute = parameter.GetAttributes().FirstOrDefault(candidate =>
                    AttributeNames.Of(candidate) is AttributeNames.Releases or AttributeNames.Transfers);
                if (attribute is null || !CanHoldResource(parameter.Type))
                {
                    continue;
                }

                var handled = false;
                var hasBody = false;
                foreach (var block in context.OperationBlocks)
                {
                    if (block is IBlockOperation || block is IMethodBodyOperation)
                    {
                        hasBody = true;
                        handled |= HandsOn(block, parameter);
                    }
                }

                if (hasBody && !handled)
                {
                    Report(context.ReportDiagnostic, attribute, $"'{parameter.Name}' is marked [{ShortName(AttributeNames.Of(attribute))}], but '{method.Name}' never releases, transfers or stores it; release it or remove the attribute", removable: true);
                }
            }
        }

        /// <summary>True when the body does anything with the parameter that could release or keep it.</summary>
        private static bool HandsOn(IOperation body, IParameterSymbol parameter)
        {
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (operation is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                {
                    continue;
                }

                var parent = reference.Parent;
                while (parent is IConversionOperation || parent is IParenthesizedOperation)
                {
                    parent = parent.Parent;
                }

                switch (parent)
                {
                    case IArgumentOperation:
                    case IInvocationOperation:
                    case IReturnOperation:
                    case IUsingOperation:
                    case IVariableInitializerOperation:
                    case ISimpleAssignmentOperation assignment when !ReferenceEquals(assignment.Target, reference):
                    case IAnonymousFunctionOperation:
                        return true;
                    case null:
                        return true;
                }

                if (reference.Syntax.Ancestors().Any(node => node is Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax || node is Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax))
                {
                    return true;
                }
            }

            return false;
        }

        private static void CheckContradiction(ImmutableArray<AttributeData> attributes, string target, Action<Diagnostic> report)
        {
            var owned = attributes.FirstOrDefault(attribute => AttributeNames.Of(attribute) == AttributeNames.Owned);
            var borrowed = attributes.FirstOrDefault(attribute => AttributeNames.Of(attribute) == AttributeNames.Borrowed);
            if (owned is not null && borrowed is not null)
            {
                Report(report, borrowed, $"[Owned] and [Borrowed] contradict each other on {target}; keep the one that is true", removable: true, other: owned);
            }
        }

        private static void CheckBorrowSource(ImmutableArray<AttributeData> attributes, IMethodSymbol method, Action<Diagnostic> report)
        {
            foreach (var attribute in attributes)
            {
                if (AttributeNames.Of(attribute) != AttributeNames.Borrowed || attribute.ConstructorArguments.Length != 1 ||
                    attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array || attribute.ConstructorArguments[0].Value is not string source)
                {
                    continue;
                }

                if (!method.Parameters.Any(parameter => parameter.Name == source))
                {
                    var names = method.Parameters.IsEmpty ? "it has none" : "its parameters are " + string.Join(", ", method.Parameters.Select(parameter => parameter.Name));
                    Report(report, attribute, $"[Borrowed(\"{source}\")] names no parameter of '{method.Name}' ({names}); use nameof(parameter), or [Borrowed] for 'this'");
                }
            }
        }

        /// <summary>Types a resource can live in: pointers, handles, arrays, references, and structs that are not plain values.</summary>
        private static bool CanHoldResource(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                case SpecialType.System_String:
                case SpecialType.System_DateTime:
                    return false;
            }

            return type.TypeKind != TypeKind.Enum;
        }

        private static string ShortName(string? attributeName)
        {
            var name = attributeName ?? string.Empty;
            var dot = name.LastIndexOf('.');
            name = dot >= 0 ? name.Substring(dot + 1) : name;
            return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        }

        private static void Report(Action<Diagnostic> report, AttributeData attribute, string message, bool removable = false, AttributeData? other = null)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? Location.None;
            var otherLocation = other?.ApplicationSyntaxReference?.GetSyntax().GetLocation();
            report(Diagnostic.Create(
                Descriptors.OWN012InvalidAnnotation,
                location,
                otherLocation is null ? null : new[] { otherLocation },
                removable ? Removable : null,
                message));
        }
    }
}
