using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN009: resets the field to <c>null</c> or <c>default</c> (the diagnostic's "Reset") right after the statement
    /// that releases it. Only when that release is a statement of a block or switch section.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN009ResetFieldCodeFix))]
    [Shared]
    public sealed class OWN009ResetFieldCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "reset the field after its release".</summary>
        public const string Key = "OWN009.ResetField";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN009");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue("Field", out var fieldName) || string.IsNullOrEmpty(fieldName) ||
                !diagnostic.Properties.TryGetValue("Reset", out var reset) || (reset != "null" && reset != "default"))
            {
                return;
            }

            if (await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax release ||
                release.Parent is not ExpressionStatementSyntax statement ||
                !(statement.Parent is BlockSyntax || statement.Parent is SwitchSectionSyntax))
            {
                return;
            }

            // The field by its name, or through this. when a local or parameter hides it.
            var position = statement.Span.End;
            var assignment = Reset(fieldName!, reset!, model, position) ?? Reset("this." + fieldName, reset!, model, position);
            if (assignment is null)
            {
                return;
            }

            var after = FixSupport.OnLineBefore(assignment, statement);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Reset '{fieldName}' to {reset} after releasing it",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.InsertNodesAfter(statement, new[] { after }))),
                    Key),
                diagnostic);
        }

        private static ExpressionStatementSyntax? Reset(string target, string value, SemanticModel model, int position)
        {
            var left = SyntaxFactory.ParseExpression(target);
            var symbol = model.GetSpeculativeSymbolInfo(position, left, SpeculativeBindingOption.BindAsExpression).Symbol;
            var writable = symbol switch
            {
                IFieldSymbol field => !field.IsReadOnly && !field.IsConst,
                // An auto-property with a setter this code may call (a get-only one is set in constructors only).
                IPropertySymbol property => property.SetMethod is { IsInitOnly: false } setter && model.IsAccessible(position, setter),
                _ => false,
            };
            if (!writable || symbol!.Name != target.Substring(target.LastIndexOf('.') + 1))
            {
                return null;
            }

            return SyntaxFactory.ExpressionStatement(
                SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, left, SyntaxFactory.ParseExpression(value))
                    .NormalizeWhitespace());
        }
    }
}
