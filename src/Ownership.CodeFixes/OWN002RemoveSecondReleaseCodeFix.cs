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

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN002: removes the second release. Only when it is a statement of its own and the first release is a statement of
    /// an enclosing block that always runs before it (earlier in that block, nothing reassigns the value in between, no
    /// labels to jump over it): then every path that reaches the second release has already released the value.
    /// A second release that is the whole body of an <c>if</c> or loop becomes an empty block.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN002RemoveSecondReleaseCodeFix))]
    [Shared]
    public sealed class OWN002RemoveSecondReleaseCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "remove the second release".</summary>
        public const string Key = "OWN002.RemoveSecondRelease";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN002");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (FixSupport.RelatedSpan(diagnostic) is not { } related)
            {
                return;
            }

            if (await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax second ||
                root.FindNode(related, getInnermostNodeForTie: true) is not InvocationExpressionSyntax first ||
                second.Parent is not ExpressionStatementSyntax secondStatement ||
                first.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } firstStatement ||
                firstStatement == secondStatement ||
                !block.Span.Contains(secondStatement.Span) ||
                firstStatement.Span.End > secondStatement.SpanStart ||
                block.DescendantNodes().OfType<LabeledStatementSyntax>().Any() ||
                second.ArgumentList.DescendantNodes().Any(HasEffect))
            {
                return;
            }

            var released = Referenced(first, model, context.CancellationToken).Concat(Referenced(second, model, context.CancellationToken)).ToImmutableHashSet(SymbolEqualityComparer.Default);
            var between = TextSpan(firstStatement.Span.End, secondStatement.SpanStart);
            if (block.DescendantNodes(n => n.Span.IntersectsWith(between)).Any(n => between.Contains(n.Span) && Writes(n, released, model, context.CancellationToken)))
            {
                return;
            }

            SyntaxNode? replacement;
            if (secondStatement.Parent is BlockSyntax || secondStatement.Parent is SwitchSectionSyntax)
            {
                replacement = null;
            }
            else if (secondStatement.Parent is IfStatementSyntax || secondStatement.Parent is ElseClauseSyntax ||
                     secondStatement.Parent is WhileStatementSyntax || secondStatement.Parent is ForStatementSyntax ||
                     secondStatement.Parent is ForEachStatementSyntax || secondStatement.Parent is DoStatementSyntax ||
                     secondStatement.Parent is UsingStatementSyntax || secondStatement.Parent is LockStatementSyntax ||
                     secondStatement.Parent is FixedStatementSyntax)
            {
                // "{ }" on the line it was: tokens without elastic trivia, so no formatter spreads it over three lines.
                replacement = SyntaxFactory.Block(
                        SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.OpenBraceToken, SyntaxFactory.TriviaList(SyntaxFactory.Space)),
                        default,
                        SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseBraceToken, SyntaxFactory.TriviaList()))
                    .WithTriviaFrom(secondStatement);
            }
            else
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Remove the second release",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(replacement is null
                        ? root.RemoveNode(secondStatement, SyntaxRemoveOptions.KeepUnbalancedDirectives)!
                        : root.ReplaceNode(secondStatement, replacement))),
                    Key),
                diagnostic);
        }

        private static Microsoft.CodeAnalysis.Text.TextSpan TextSpan(int start, int end) =>
            Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, end < start ? start : end);

        /// <summary>An argument that calls, assigns or creates: removing the release would remove that effect too.</summary>
        private static bool HasEffect(SyntaxNode node) =>
            node is InvocationExpressionSyntax || node is AssignmentExpressionSyntax || node is BaseObjectCreationExpressionSyntax ||
            node is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } ||
            node is PostfixUnaryExpressionSyntax;

        /// <summary>The variables, parameters and fields a release call names (its value, its receiver).</summary>
        private static IEnumerable<ISymbol> Referenced(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var name in call.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
                if (symbol is ILocalSymbol || symbol is IParameterSymbol || symbol is IFieldSymbol)
                {
                    yield return symbol;
                }
            }
        }

        /// <summary>True when <paramref name="node"/> may give one of <paramref name="symbols"/> a new value.</summary>
        private static bool Writes(SyntaxNode node, ImmutableHashSet<ISymbol> symbols, SemanticModel model, CancellationToken cancellationToken)
        {
            ExpressionSyntax? target = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PrefixUnaryExpressionSyntax prefix => prefix.Operand,
                PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => argument.Expression,
                _ => null,
            };
            if (target is DeclarationExpressionSyntax)
            {
                return false;
            }

            return target is not null && (model.GetSymbolInfo(target, cancellationToken).Symbol is not { } symbol || symbols.Contains(symbol));
        }
    }
}
