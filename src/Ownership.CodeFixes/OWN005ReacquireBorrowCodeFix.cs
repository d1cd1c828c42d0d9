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
using Ownership.Analyzers.Contracts;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN005: takes the borrow again right after the statement that invalidated it (<c>span = CollectionsMarshal.AsSpan(list);</c>,
    /// <c>slot = ref values[0];</c>). Only for a local declared with a single initializer that reads without side effects
    /// (names, member and element access, and calls whose return is a borrow, without <c>ref</c>/<c>out</c> arguments),
    /// when the invalidating statement is a statement of a block in the local's scope.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN005ReacquireBorrowCodeFix))]
    [Shared]
    public sealed class OWN005ReacquireBorrowCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "take the borrow again".</summary>
        public const string Key = "OWN005.Reacquire";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN005");

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

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax use ||
                model.GetSymbolInfo(use, context.CancellationToken).Symbol is not ILocalSymbol { IsConst: false } local ||
                local.DeclaringSyntaxReferences.Length != 1 ||
                local.DeclaringSyntaxReferences[0].GetSyntax(context.CancellationToken) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } ||
                declaration.UsingKeyword != default || declaration.Parent is not BlockSyntax scope)
            {
                return;
            }

            var site = root.FindNode(related, getInnermostNodeForTie: true);
            if (site.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault() is not ExpressionStatementSyntax { Parent: BlockSyntax } invalidating ||
                !scope.Span.Contains(invalidating.Span) || invalidating.SpanStart < declaration.Span.End ||
                invalidating.SpanStart > use.SpanStart)
            {
                return;
            }

            var contracts = await FixSupport.ContractsAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
            var isRef = initializer.Value is RefExpressionSyntax;
            var value = initializer.Value is RefExpressionSyntax refValue ? refValue.Expression : initializer.Value;
            if (contracts is null || !IsPlainRead(value, model, contracts, context.CancellationToken))
            {
                return;
            }

            ExpressionSyntax right = isRef ? SyntaxFactory.RefExpression(value.WithoutTrivia()) : value.WithoutTrivia();
            var reacquire = SyntaxFactory.ExpressionStatement(
                SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(local.Name), right).NormalizeWhitespace());
            var placed = FixSupport.OnLineBefore(reacquire, invalidating);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Take '{local.Name}' again after the call",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.InsertNodesAfter(invalidating, new[] { placed }))),
                    Key),
                diagnostic);
        }

        /// <summary>True when evaluating <paramref name="value"/> again has no effect beyond producing the borrow.</summary>
        private static bool IsPlainRead(ExpressionSyntax value, SemanticModel model, ContractProvider contracts, CancellationToken cancellationToken)
        {
            foreach (var node in value.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case IdentifierNameSyntax:
                    case GenericNameSyntax:
                    case QualifiedNameSyntax:
                    case PredefinedTypeSyntax:
                    case TypeArgumentListSyntax:
                    case MemberAccessExpressionSyntax:
                    case ElementAccessExpressionSyntax:
                    case BracketedArgumentListSyntax:
                    case ArgumentListSyntax:
                    case LiteralExpressionSyntax:
                    case ParenthesizedExpressionSyntax:
                    case ThisExpressionSyntax:
                    case CastExpressionSyntax:
                    case BinaryExpressionSyntax:
                        break;
                    case ArgumentSyntax argument:
                        if (argument.RefKindKeyword != default && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword))
                        {
                            return false;
                        }

                        break;
                    case InvocationExpressionSyntax invocation:
                        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method ||
                            contracts.GetMethod(method).Return.Kind != ContractKind.Borrowed)
                        {
                            return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            return true;
        }
    }
}
