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
    /// OWN001: moves the release (or transfer) statement to just after the last statement of its block that uses the
    /// value. Only when the release is a statement of its own, the use is in a later statement of the same block, and
    /// the statements it moves over neither leave the block (return, throw, break, goto…), nor release, transfer,
    /// reassign or alias the value; and not inside a loop the value outlives, where the next iteration would still see
    /// it released.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN001MoveReleaseCodeFix))]
    [Shared]
    public sealed class OWN001MoveReleaseCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "move the release after the last use".</summary>
        public const string Key = "OWN001.MoveRelease";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN001");

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

            if (root.FindNode(related, getInnermostNodeForTie: true) is not InvocationExpressionSyntax release ||
                release.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } releaseStatement ||
                release.ArgumentList.DescendantNodes().Any(n => n is InvocationExpressionSyntax || n is AssignmentExpressionSyntax || n is BaseObjectCreationExpressionSyntax))
            {
                return;
            }

            var use = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var useStatement = use.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
            var releaseIndex = block.Statements.IndexOf(releaseStatement);
            if (useStatement is null || block.Statements.IndexOf(useStatement) <= releaseIndex)
            {
                return;
            }

            // The value's names: the one used, and those the release names (an alias released in its place).
            var symbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var name in release.DescendantNodes().OfType<IdentifierNameSyntax>().Concat(use.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()))
            {
                if (model.GetSymbolInfo(name, context.CancellationToken).Symbol is { } symbol && (symbol is ILocalSymbol || symbol is IParameterSymbol))
                {
                    symbols.Add(symbol);
                }
            }

            if (symbols.Count == 0 || OutlivesAnEnclosingLoop(block, symbols))
            {
                return;
            }

            var last = releaseIndex;
            for (var i = releaseIndex + 1; i < block.Statements.Count; i++)
            {
                if (Mentions(block.Statements[i], symbols, model, context.CancellationToken))
                {
                    last = i;
                }
            }

            var movedOver = block.Statements.Skip(releaseIndex + 1).Take(last - releaseIndex).ToList();
            if (movedOver.Any(LeavesOrJumps))
            {
                return;
            }

            var contracts = await FixSupport.ContractsAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
            if (contracts is null)
            {
                return;
            }

            foreach (var symbol in symbols)
            {
                var uses = VariableUses.Of(movedOver, symbol, model, contracts, context.CancellationToken);
                if (!uses.IsSafe || uses.Releases.Count > 0)
                {
                    return;
                }
            }

            var target = block.Statements[last];
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Move the release after the last use",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(block, Move(block, releaseStatement, target)))),
                    Key),
                diagnostic);
        }

        private static BlockSyntax Move(BlockSyntax block, StatementSyntax release, StatementSyntax after)
        {
            var statements = new List<StatementSyntax>();
            foreach (var statement in block.Statements)
            {
                if (statement != release)
                {
                    statements.Add(statement);
                }

                if (statement == after)
                {
                    statements.Add(release);
                }
            }

            return block.WithStatements(SyntaxFactory.List(statements));
        }

        private static bool Mentions(SyntaxNode node, HashSet<ISymbol> symbols, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var name in node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (symbols.Any(s => s.Name == name.Identifier.ValueText) &&
                    model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol && symbols.Contains(symbol))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>In a loop that a name is declared outside of, the release would still come before the next iteration's use.</summary>
        private static bool OutlivesAnEnclosingLoop(BlockSyntax block, HashSet<ISymbol> symbols)
        {
            foreach (var loop in block.AncestorsAndSelf())
            {
                if (loop is MemberDeclarationSyntax || loop is LocalFunctionStatementSyntax || loop is AnonymousFunctionExpressionSyntax)
                {
                    return false;
                }

                if (loop is WhileStatementSyntax || loop is DoStatementSyntax || loop is ForStatementSyntax || loop is CommonForEachStatementSyntax)
                {
                    foreach (var symbol in symbols)
                    {
                        if (!symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == loop.SyntaxTree && loop.Span.Contains(r.Span)))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>True when control may leave <paramref name="statement"/> other than by its end: then the moved release would be skipped.</summary>
        private static bool LeavesOrJumps(StatementSyntax statement)
        {
            foreach (var node in statement.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax && n is not LocalFunctionStatementSyntax))
            {
                switch (node)
                {
                    case ReturnStatementSyntax:
                    case ThrowStatementSyntax:
                    case ThrowExpressionSyntax:
                    case GotoStatementSyntax:
                    case YieldStatementSyntax:
                    case LabeledStatementSyntax:
                        return true;
                    case BreakStatementSyntax:
                    case ContinueStatementSyntax:
                        if (!IsInside(node, statement))
                        {
                            return true;
                        }

                        break;
                }
            }

            return false;
        }

        /// <summary>True when the loop or switch a break or continue leaves is itself inside <paramref name="statement"/>.</summary>
        private static bool IsInside(SyntaxNode jump, StatementSyntax statement)
        {
            foreach (var ancestor in jump.Ancestors())
            {
                var isTarget = ancestor is WhileStatementSyntax || ancestor is DoStatementSyntax || ancestor is ForStatementSyntax ||
                               ancestor is CommonForEachStatementSyntax || (ancestor is SwitchStatementSyntax && jump is BreakStatementSyntax);
                if (isTarget)
                {
                    return statement.Span.Contains(ancestor.Span);
                }

                if (ancestor == statement)
                {
                    return false;
                }
            }

            return false;
        }
    }
}
