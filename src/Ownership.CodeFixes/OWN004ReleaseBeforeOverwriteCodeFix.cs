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
    /// OWN004: releases the old value right before the statement that overwrites it (<c>release(p); p = …;</c>).
    /// Only for an assignment that is a statement of a block or switch section, to a plain variable or field, whose new
    /// value does not read the old one, and when the analyzer knew how to release it.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN004ReleaseBeforeOverwriteCodeFix))]
    [Shared]
    public sealed class OWN004ReleaseBeforeOverwriteCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "release the old value first".</summary>
        public const string Key = "OWN004.ReleaseFirst";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN004");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            var call = FixSupport.ReleaseCall(diagnostic);
            if (call is null || await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment ||
                assignment.Parent is not ExpressionStatementSyntax statement ||
                !(statement.Parent is BlockSyntax || statement.Parent is SwitchSectionSyntax) ||
                !FixSupport.IsPlainReference(assignment.Left))
            {
                return;
            }

            // p = Grow(p): releasing p first would hand a released value to the right-hand side.
            var target = model.GetSymbolInfo(assignment.Left, context.CancellationToken).Symbol;
            if (target is null)
            {
                return;
            }

            foreach (var name in assignment.Right.DescendantNodesAndSelf())
            {
                if (name is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == target.Name &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, context.CancellationToken).Symbol, target))
                {
                    return;
                }
            }

            var release = FixSupport.ReleaseStatement(call, assignment.Left.WithoutTrivia().ToString(), model, statement.SpanStart);
            if (release is null)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Release '{assignment.Left.WithoutTrivia()}' before overwriting it",
                    ct => FixSupport.CleanUpAsync(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, InsertBefore(statement, release))), ct),
                    Key),
                diagnostic);
        }

        /// <summary>The release takes the statement's comments and blank lines, so they stay above both.</summary>
        private static SyntaxNode[] InsertBefore(StatementSyntax statement, StatementSyntax release)
        {
            var placed = FixSupport.OnLineBefore(release, statement);
            var leading = statement.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                : SyntaxFactory.TriviaList();
            return new SyntaxNode[] { placed.WithLeadingTrivia(leading), statement.WithLeadingTrivia(indentation) };
        }
    }
}
