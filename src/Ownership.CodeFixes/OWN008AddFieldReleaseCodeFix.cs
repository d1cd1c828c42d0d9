using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN008: releases the field at the end of the type's release method (and resets it, unless it is disposable);
    /// when the type has no release method, implements <c>IDisposable</c> with a <c>Dispose</c> that does it. Offered
    /// when the contracts name a deallocator for the field's family (or it is disposable) and the release method has a
    /// block body. Fix All adds every missing release of a method in one edit, so it uses a document-wide fix-all
    /// provider rather than the batch fixer, whose merge would drop all but one of several insertions at one place.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN008AddFieldReleaseCodeFix))]
    [Shared]
    public sealed class OWN008AddFieldReleaseCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "release the field in the release method".</summary>
        public const string Key = "OWN008.ReleaseField";

        private const string FieldProperty = "Field";
        private const string ReleaseMethodProperty = "ReleaseMethod";
        private const string FieldsProperty = "Fields";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN008");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics, context.CancellationToken));

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is not null && FixSupport.IsInBrokenCode(root, diagnostic.Location.SourceSpan))
            {
                // On code that does not parse, a fix could only make it worse (and the formatter may fail on it).
                return;
            }

            var releasedFields = new List<string>();
            var fixes = await PlanAsync(context.Document, ImmutableArray.Create(diagnostic), context.CancellationToken, releasedFields).ConfigureAwait(false);
            if (fixes.Count == 0)
            {
                return;
            }

            var title = diagnostic.Properties.ContainsKey(ReleaseMethodProperty)
                ? $"Release '{diagnostic.Properties[FieldProperty]}' in '{diagnostic.Properties[ReleaseMethodProperty]}'"
                : $"Implement IDisposable and release {string.Join(", ", releasedFields.Select(f => $"'{f}'"))} in Dispose";
            context.RegisterCodeFix(CodeAction.Create(title, ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct)!, Key), diagnostic);
        }

        private static async Task<Document?> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var plans = await PlanAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);
            if (plans.Count == 0)
            {
                return document;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var changed = root!.ReplaceNodes(plans.Keys, (original, current) => Apply(current, plans[original]));
            document = document.WithSyntaxRoot(changed);
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await FixSupport.CleanUpAsync(document, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// For each release method (or type without one) the statements to add, in field order; the names of the fields
        /// they release go to <paramref name="releasedFields"/>.
        /// </summary>
        private static async Task<Dictionary<SyntaxNode, List<StatementSyntax>>> PlanAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken, List<string>? releasedFields = null)
        {
            var plans = new Dictionary<SyntaxNode, List<StatementSyntax>>();
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var contracts = await FixSupport.ContractsAsync(document, cancellationToken).ConfigureAwait(false);
            if (root is null || model is null || contracts is null)
            {
                return plans;
            }

            var planned = new HashSet<(SyntaxNode, string)>();
            var fieldsToRelease = diagnostics.SelectMany(d => FieldsOf(d).Select(f => (Diagnostic: d, Field: f)));
            foreach (var (diagnostic, fieldName) in fieldsToRelease.OrderBy(p => p.Field, System.StringComparer.Ordinal))
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                var type = node.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (type is null || model.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol typeSymbol ||
                    Storage(typeSymbol, fieldName) is not { } field)
                {
                    continue;
                }

                SyntaxNode target;
                int position;
                if (diagnostic.Properties.ContainsKey(ReleaseMethodProperty))
                {
                    if (node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is not { Body: { } body } method)
                    {
                        continue;
                    }

                    target = method;
                    position = body.OpenBraceToken.Span.End;
                }
                else
                {
                    // A type that is already disposable (through a base class, or an interface it lists) gets no second
                    // IDisposable: a new Dispose would hide the one its users call.
                    if (typeSymbol.GetMembers("Dispose").Any() || type is InterfaceDeclarationSyntax ||
                        FixSupport.IsIDisposable(typeSymbol, model.Compilation))
                    {
                        continue;
                    }

                    target = type;
                    var body = type.Members.OfType<BaseMethodDeclarationSyntax>().Select(m => m.Body).FirstOrDefault(b => b is not null);
                    position = body?.OpenBraceToken.Span.End ?? type.OpenBraceToken.Span.End;
                }

                var statements = planned.Add((target, fieldName)) ? Release(field, fieldName, contracts, model, position) : null;
                if (statements is null)
                {
                    continue;
                }

                if (!plans.TryGetValue(target, out var list))
                {
                    plans[target] = list = new List<StatementSyntax>();
                }

                list.AddRange(statements);
                releasedFields?.Add(fieldName);
            }

            return plans;
        }

        /// <summary>
        /// The fields a diagnostic asks to release: where the type has no release method, every field it does not release
        /// (the new Dispose releases them all); else the one field.
        /// </summary>
        private static IEnumerable<string> FieldsOf(Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.ContainsKey(ReleaseMethodProperty) &&
                diagnostic.Properties.TryGetValue(FieldsProperty, out var fields) && !string.IsNullOrEmpty(fields))
            {
                return fields!.Split(',');
            }

            return diagnostic.Properties.TryGetValue(FieldProperty, out var field) && field is not null ? new[] { field } : Enumerable.Empty<string>();
        }

        /// <summary>
        /// The field named <paramref name="name"/>, or the backing field of the auto-property of that name; null when
        /// there is neither. Whether the release method can reset it is for <see cref="Release"/> to ask.
        /// </summary>
        private static IFieldSymbol? Storage(INamedTypeSymbol type, string name)
        {
            foreach (var member in type.GetMembers(name))
            {
                switch (member)
                {
                    case IFieldSymbol field:
                        return field;
                    case IPropertySymbol property:
                        return BackingFields.Of(property);
                }
            }

            return null;
        }

        /// <summary>
        /// True when <c>name = …;</c> compiles in the release method: not for a readonly field, nor for an auto-property
        /// without a setter or with an init-only one.
        /// </summary>
        private static bool CanReset(IFieldSymbol field) =>
            field.AssociatedSymbol is IPropertySymbol property ? property.SetMethod is { IsInitOnly: false } : !field.IsReadOnly;

        /// <summary><c>Release(name); name = null;</c>, or <c>name.Dispose();</c> for a disposable; null when no deallocator is known.</summary>
        private static StatementSyntax[]? Release(IFieldSymbol field, string name, ContractProvider contracts, SemanticModel model, int position)
        {
            var isDisposable = contracts.IsDisposable(field.Type);
            if (!isDisposable && !CanReset(field))
            {
                // Freeing it without the reset would leave it dangling (OWN009).
                return null;
            }

            var family = contracts.GetMember(field).Family;
            var call = contracts.ReleaseCallFor(null, family, isDisposable);
            if (call is null && AcquisitionOf(field, model) is { } acquisition)
            {
                // A field the analysis found owned by what is stored in it (_buffer = ArrayPool<byte>.Shared.Rent(n)):
                // released as that acquisition's value would be.
                call = contracts.ReleaseCallFor(acquisition, family ?? contracts.GetMethod(acquisition.TargetMethod).Return.Family, isDisposable);
            }

            if (call is null)
            {
                return null;
            }

            if (isDisposable && field.Type.IsReferenceType && field.NullableAnnotation == NullableAnnotation.Annotated)
            {
                call = call.Replace("{0}.Dispose()", "{0}?.Dispose()");
            }

            var release = FixSupport.ReleaseStatement(call, name, model, position);
            if (release is null)
            {
                return null;
            }

            if (isDisposable)
            {
                return new StatementSyntax[] { release };
            }

            var reset = field.Type.IsReferenceType || field.Type.TypeKind == TypeKind.Pointer ? "null" : "default";
            var assignment = SyntaxFactory.ParseStatement($"{name} = {reset};")
                .WithTrailingTrivia(SyntaxFactory.ElasticLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation);
            return new StatementSyntax[] { release, assignment };
        }

        /// <summary>The first call whose result the type stores in <paramref name="field"/>, in this document: its initializer or an assignment.</summary>
        private static IInvocationOperation? AcquisitionOf(IFieldSymbol field, SemanticModel model)
        {
            var stored = (ISymbol?)field.AssociatedSymbol ?? field;
            foreach (var reference in field.ContainingType.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != model.SyntaxTree)
                {
                    continue;
                }

                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    var value = node switch
                    {
                        VariableDeclaratorSyntax { Initializer: { } initializer } declarator when declarator.Identifier.ValueText == stored.Name &&
                            SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator), field) => initializer.Value,
                        PropertyDeclarationSyntax { Initializer: { } initializer } property when property.Identifier.ValueText == stored.Name &&
                            SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(property), stored) => initializer.Value,
                        AssignmentExpressionSyntax assignment when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                            DanglingFieldExemptions.MemberName(assignment.Left) == stored.Name &&
                            SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left).Symbol, stored) => assignment.Right,
                        _ => null,
                    };
                    if (value is not null && model.GetOperation(value)?.WithoutConversions() is IInvocationOperation invocation)
                    {
                        return invocation;
                    }
                }
            }

            return null;
        }

        private static SyntaxNode Apply(SyntaxNode current, List<StatementSyntax> statements)
        {
            if (current is MethodDeclarationSyntax { Body: { } body } method)
            {
                // Before a final return (DisposeAsync), else at the end.
                var index = body.Statements.Count > 0 && body.Statements.Last() is ReturnStatementSyntax ? body.Statements.Count - 1 : body.Statements.Count;
                var newBody = body.WithStatements(body.Statements.InsertRange(index, statements.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation))));
                return method.WithBody(newBody);
            }

            var type = (TypeDeclarationSyntax)current;
            var disposable = SyntaxFactory.SimpleBaseType(
                SyntaxFactory.ParseTypeName("System.IDisposable").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
            var dispose = SyntaxFactory.MethodDeclaration(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword)), "Dispose")
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PublicKeyword)))
                .WithBody(SyntaxFactory.Block(statements))
                .WithAdditionalAnnotations(Formatter.Annotation);
            TypeDeclarationSyntax withBase;
            if (type.BaseList is null)
            {
                // The base list goes where the line break after the name (or type parameters) was.
                var beforeBase = type.ParameterList?.CloseParenToken ?? type.TypeParameterList?.GreaterThanToken ?? type.Identifier;
                var trailing = beforeBase.TrailingTrivia;
                var baseList = SyntaxFactory.BaseList(SyntaxFactory.SingletonSeparatedList<BaseTypeSyntax>(disposable))
                    .WithColonToken(SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Space), SyntaxKind.ColonToken, SyntaxFactory.TriviaList(SyntaxFactory.Space)))
                    .WithTrailingTrivia(trailing);
                withBase = type.ReplaceToken(beforeBase, beforeBase.WithTrailingTrivia()).WithBaseList(baseList);
            }
            else
            {
                withBase = type.WithBaseList(type.BaseList.AddTypes(disposable));
            }

            return withBase.AddMembers(dispose);
        }
    }
}
