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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Flow;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN003: releases a leaked local on every path out of its block: <c>using var</c> for a disposable, else the rest
    /// of the block in <c>try { … } finally { release(x); }</c>. A release already at the top level of the rest moves
    /// into the <c>finally</c>. Nothing is offered when the rest transfers, returns, reassigns, aliases or captures the
    /// variable, or releases it inside a branch. A disposable no variable holds, created to call one member on it, is
    /// declared with <c>using var</c> before its statement (<see cref="DiscardedReceiver"/>).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN003AddReleaseCodeFix))]
    [Shared]
    public sealed class OWN003AddReleaseCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "use a using declaration".</summary>
        public const string UsingVarKey = "OWN003.UsingVar";

        /// <summary>The equivalence key of "declare a discarded receiver with using var".</summary>
        public const string UsingVarForReceiverKey = "OWN003.UsingVarForReceiver";

        /// <summary>The equivalence key of "release in a finally block".</summary>
        public const string TryFinallyKey = "OWN003.TryFinally";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN003");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        /// <summary>
        /// Fixes a document's leaks one after another, the last first, each on the text the ones before it left. A leak
        /// declared inside the block another leak's try wraps has an edit that overlaps that one: merged side by side,
        /// as the batch fixer merges, one of the two was dropped. Each report's node is marked first and found again
        /// by its mark, since a fix may insert text before a later report (a using declaration before the statement).
        /// </summary>
        private async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            if (await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false) is not { } root)
            {
                return document;
            }

            var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            var reports = new List<(Diagnostic Diagnostic, SyntaxAnnotation Mark, int Offset)>();
            foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
            {
                if (!root.FullSpan.Contains(diagnostic.Location.SourceSpan))
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (!marks.TryGetValue(node, out var mark))
                {
                    marks.Add(node, mark = new SyntaxAnnotation());
                }

                reports.Add((diagnostic, mark, diagnostic.Location.SourceSpan.Start - node.SpanStart));
            }

            document = document.WithSyntaxRoot(root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original])));
            foreach (var (diagnostic, mark, offset) in reports)
            {
                var tree = await document.GetSyntaxTreeAsync(context.CancellationToken).ConfigureAwait(false);
                var node = tree is null ? null : (await tree.GetRootAsync(context.CancellationToken).ConfigureAwait(false)).GetAnnotatedNodes(mark).FirstOrDefault();
                if (tree is null || node is null)
                {
                    continue;
                }

                var span = new TextSpan(node.SpanStart + offset, diagnostic.Location.SourceSpan.Length);
                var here = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, span), diagnostic.Properties);
                var actions = new List<CodeAction>();
                await RegisterCodeFixesAsync(new CodeFixContext(document, here, (action, _) => actions.Add(action), context.CancellationToken)).ConfigureAwait(false);
                if (actions.FirstOrDefault(a => a.EquivalenceKey == context.CodeActionEquivalenceKey) is not { } chosen)
                {
                    continue;
                }

                foreach (var operation in await chosen.GetOperationsAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    if (operation is ApplyChangesOperation apply && apply.ChangedSolution.GetDocument(document.Id) is { } changed)
                    {
                        document = changed;
                    }
                }
            }

            return document;
        }

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (!(FixSupport.Outermost(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is { } acquisition))
            {
                return;
            }

            var variableName = FixSupport.Variable(diagnostic);
            if (variableName is null)
            {
                // A value no variable holds: a disposable created to call one member on it can get one, unless it wraps
                // a variable the code uses after it (Mono.Cecil's new BinaryReader(stream).ReadUInt32() in a try whose
                // finally restores the stream's position).
                var type = model.GetTypeInfo(acquisition, context.CancellationToken).Type;
                if (FixSupport.IsDisposable(diagnostic) &&
                    DiscardedReceiver.StatementFor(acquisition, type, model, context.CancellationToken) is { } before &&
                    await FixSupport.ContractsAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is { } receiverContracts &&
                    !WrapsVariableUsedLater(acquisition, before, model, receiverContracts, context.CancellationToken))
                {
                    var name = DiscardedReceiver.NameFor(type, before, model);
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Dispose the '{type?.Name}' with a using declaration '{name}'",
                            ct => DiscardedReceiver.DeclareAsync(context.Document, root, acquisition, before, name, ct),
                            UsingVarForReceiverKey),
                        diagnostic);
                }

                return;
            }

            if (acquisition.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } ||
                declarator.Identifier.ValueText != variableName ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration ||
                declaration.Parent is not LocalDeclarationStatementSyntax statement ||
                statement.UsingKeyword != default || statement.IsConst ||
                statement.Parent is not BlockSyntax block ||
                model.GetDeclaredSymbol(declarator, context.CancellationToken) is not ILocalSymbol local)
            {
                return;
            }

            var contracts = await FixSupport.ContractsAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
            if (contracts is null)
            {
                return;
            }

            if (WrapsVariableUsedLater(acquisition, statement, model, contracts, context.CancellationToken))
            {
                return;
            }

            var rest = FixSupport.From(block, block.Statements.IndexOf(statement) + 1);
            if (rest.Any(s => s is LocalFunctionStatementSyntax || s is LabeledStatementSyntax))
            {
                return;
            }

            var uses = VariableUses.Of(rest, local, model, contracts, context.CancellationToken);
            if (!uses.IsSafe)
            {
                return;
            }

            // Releases already in the rest must be whole statements of it: they move into the finally (or go, for using).
            var removable = new List<StatementSyntax>();
            foreach (var existing in uses.Releases)
            {
                if (existing.Parent is not ExpressionStatementSyntax releaseStatement || !rest.Contains(releaseStatement))
                {
                    return;
                }

                removable.Add(releaseStatement);
            }

            if (FixSupport.IsDisposable(diagnostic) && CanUseUsingDeclaration(local, model, statement))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Dispose '{variableName}' with a using declaration",
                        ct => UseUsingDeclarationAsync(context.Document, root, block, statement, removable),
                        UsingVarKey),
                    diagnostic);
            }

            var call = FixSupport.ReleaseCall(diagnostic);
            var release = call is null ? null : FixSupport.ReleaseStatement(call, variableName, model, statement.Span.End);
            if (release is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Release '{variableName}' in a finally block",
                        ct => ReleaseInFinallyAsync(context.Document, root, block, statement, rest, removable, release, ct),
                        TryFinallyKey),
                    diagnostic);
            }
        }

        /// <summary>
        /// True when the acquisition took ownership of another variable (<c>new BinaryReader(stream)</c>) that the code
        /// names again after it: releasing the wrapper would release that variable too, under the later code's feet.
        /// </summary>
        private static bool WrapsVariableUsedLater(SyntaxNode acquisition, StatementSyntax statement, SemanticModel model, ContractProvider contracts, CancellationToken cancellationToken)
        {
            var (method, arguments) = model.GetOperation(acquisition, cancellationToken) switch
            {
                IObjectCreationOperation creation => (creation.Constructor, creation.Arguments),
                IInvocationOperation invocation => (invocation.TargetMethod, invocation.Arguments),
                _ => (null, ImmutableArray<IArgumentOperation>.Empty),
            };
            if (method is null)
            {
                return false;
            }

            var parameters = contracts.GetMethod(method).Parameters;
            var member = statement.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            foreach (var argument in arguments)
            {
                var ordinal = argument.Parameter?.Ordinal ?? -1;
                if (ordinal < 0 || ordinal >= parameters.Length || parameters[ordinal].Kind != ContractKind.Transfers)
                {
                    continue;
                }

                var wrapped = argument.Value.WithoutConversions() switch
                {
                    ILocalReferenceOperation local => (ISymbol)local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (wrapped is not null && member is not null && member.DescendantNodes()
                        .OfType<IdentifierNameSyntax>()
                        .Any(name => name.SpanStart > statement.Span.End && name.Identifier.ValueText == wrapped.Name &&
                                     SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, wrapped)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool CanUseUsingDeclaration(ILocalSymbol local, SemanticModel model, LocalDeclarationStatementSyntax statement)
        {
            if (((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8)
            {
                return false;
            }

            return FixSupport.IsIDisposable(local.Type, model.Compilation);
        }

        private static Task<Document> UseUsingDeclarationAsync(Document document, SyntaxNode root, BlockSyntax block, LocalDeclarationStatementSyntax statement, List<StatementSyntax> removable)
        {
            var usingStatement = statement
                .WithoutLeadingTrivia()
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithLeadingTrivia(statement.GetLeadingTrivia());
            var statements = new List<StatementSyntax>();
            foreach (var s in block.Statements)
            {
                if (s == statement)
                {
                    statements.Add(usingStatement);
                }
                else if (!removable.Contains(s))
                {
                    statements.Add(s);
                }
            }

            var newBlock = block.WithStatements(SyntaxFactory.List(statements));
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(block, newBlock)));
        }

        private static Task<Document> ReleaseInFinallyAsync(
            Document document,
            SyntaxNode root,
            BlockSyntax block,
            LocalDeclarationStatementSyntax statement,
            ImmutableArray<StatementSyntax> rest,
            List<StatementSyntax> removable,
            ExpressionStatementSyntax release,
            CancellationToken cancellationToken)
        {
            var statements = new List<StatementSyntax>();
            foreach (var s in block.Statements)
            {
                if (rest.Contains(s))
                {
                    break;
                }

                statements.Add(s);
            }

            var kept = rest.Where(s => !removable.Contains(s)).ToList();
            if (kept.Count == 0)
            {
                statements.Add(release);
            }
            else
            {
                var tryStatement = SyntaxFactory.TryStatement(
                        SyntaxFactory.Block(kept),
                        default,
                        SyntaxFactory.FinallyClause(SyntaxFactory.Block(release)))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                statements.Add(tryStatement);
            }

            var newBlock = block.WithStatements(SyntaxFactory.List(statements));
            return FixSupport.CleanUpAsync(document.WithSyntaxRoot(root.ReplaceNode(block, newBlock)), cancellationToken);
        }
    }
}
