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
using Microsoft.CodeAnalysis.Simplification;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN011: declares the method's return owned, <c>[return: Owned]</c> in an attribute list of its own, adding
    /// <c>using Ownership;</c> when it is missing. Methods and local functions only; nothing for lambdas and accessors.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN011AddOwnedReturnCodeFix))]
    [Shared]
    public sealed class OWN011AddOwnedReturnCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "add [return: Owned]".</summary>
        public const string Key = "OWN011.ReturnOwned";

        private const string OwnedAttribute = "Ownership.OwnedAttribute";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN011");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) =>
            {
                // One edit for the whole document: merged one fix at a time, the `using Ownership;` each adds at the same
                // place made the batch fixer drop all but a few of them.
                var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                var members = root is null ? new List<SyntaxNode>() : diagnostics.Select(d => MemberToAnnotate(root, d)).OfType<SyntaxNode>().Distinct().ToList();
                return members.Count == 0 ? document : await AddAttributeAsync(document, members, context.CancellationToken).ConfigureAwait(false);
            });

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (model.Compilation.GetTypeByMetadataName(OwnedAttribute) is null)
            {
                return;
            }

            if (MemberToAnnotate(root, diagnostic) is not { } member)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Declare the return [return: Owned]",
                    ct => AddAttributeAsync(context.Document, new[] { member }, ct),
                    Key),
                diagnostic);
        }

        /// <summary>
        /// The method or local function whose return the diagnostic is about; null inside a lambda or accessor, or when
        /// the return is already [Owned].
        /// </summary>
        private static SyntaxNode? MemberToAnnotate(SyntaxNode root, Diagnostic diagnostic)
        {
            if (!root.FullSpan.Contains(diagnostic.Location.SourceSpan))
            {
                return null;
            }

            var returned = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            foreach (var ancestor in returned.AncestorsAndSelf())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax || ancestor is AccessorDeclarationSyntax)
                {
                    return null;
                }

                if (ancestor is MethodDeclarationSyntax || ancestor is LocalFunctionStatementSyntax)
                {
                    return IsAlreadyOwned(ancestor) ? null : ancestor;
                }
            }

            return null;
        }

        /// <summary>A second diagnostic in the same method must not add a second attribute (Fix All applies each alone).</summary>
        private static bool IsAlreadyOwned(SyntaxNode member)
        {
            var lists = member is MethodDeclarationSyntax method ? method.AttributeLists : ((LocalFunctionStatementSyntax)member).AttributeLists;
            foreach (var list in lists)
            {
                if (list.Target?.Identifier.IsKind(SyntaxKind.ReturnKeyword) != true)
                {
                    continue;
                }

                foreach (var attribute in list.Attributes)
                {
                    var name = attribute.Name.ToString();
                    if (name == "Owned" || name.EndsWith(".Owned", System.StringComparison.Ordinal) || name.EndsWith("OwnedAttribute", System.StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static async Task<Document> AddAttributeAsync(Document document, IEnumerable<SyntaxNode> members, CancellationToken cancellationToken)
        {
            var name = SyntaxFactory.ParseName("Ownership.Owned")
                .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            // Spaced by hand, with no elastic trivia for the formatter to fill: it would indent the list and the member with
            // the host's options, spaces in a file of tabs when no .editorconfig says otherwise. The list takes the member's
            // own indentation instead.
            var list = SyntaxFactory.AttributeList(
                Bare(SyntaxKind.OpenBracketToken),
                SyntaxFactory.AttributeTargetSpecifier(
                    Bare(SyntaxKind.ReturnKeyword),
                    SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.ColonToken, SyntaxFactory.TriviaList(SyntaxFactory.Space))),
                SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)),
                Bare(SyntaxKind.CloseBracketToken));

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var member in members)
            {
                editor.ReplaceNode(member, (current, _) => current switch
                {
                    MethodDeclarationSyntax method => WithList(method, list),
                    LocalFunctionStatementSyntax local => WithList(local, list),
                    _ => current,
                });
            }

            // Done here, not left to the code action's cleanup, which not every host runs (dotnet format, tests).
            var changed = await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        private static SyntaxToken Bare(SyntaxKind kind) => SyntaxFactory.Token(SyntaxFactory.TriviaList(), kind, SyntaxFactory.TriviaList());

        private static SyntaxNode WithList(MethodDeclarationSyntax method, AttributeListSyntax list)
        {
            var (leading, trailing) = Placement(method);
            var bare = method.WithoutLeadingTrivia();
            return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list.WithLeadingTrivia(leading).WithTrailingTrivia(trailing)));
        }

        private static SyntaxNode WithList(LocalFunctionStatementSyntax local, AttributeListSyntax list)
        {
            var (leading, trailing) = Placement(local);
            var bare = local.WithoutLeadingTrivia();
            return bare.WithAttributeLists(bare.AttributeLists.Insert(0, list.WithLeadingTrivia(leading).WithTrailingTrivia(trailing)));
        }

        /// <summary>
        /// The new list takes the member's leading trivia (blank lines, comments, indentation); after it, a line break
        /// and the same indentation, so what followed still starts its own line where it did.
        /// </summary>
        private static (SyntaxTriviaList Leading, SyntaxTriviaList Trailing) Placement(SyntaxNode member)
        {
            var leading = member.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? leading[leading.Count - 1]
                : SyntaxFactory.Whitespace(string.Empty);
            var newLine = SyntaxFactory.LineFeed;
            foreach (var trivia in leading.AddRange(member.GetFirstToken().GetPreviousToken().TrailingTrivia))
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    newLine = trivia;
                }
            }

            return (leading, SyntaxFactory.TriviaList(newLine, indentation));
        }
    }
}
