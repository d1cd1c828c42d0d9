using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Ownership.Analyzers.Rules;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN012: removes an annotation that means nothing where it stands (on a static method, on a value that cannot hold
    /// a resource, on a parameter the method never releases). For [Owned] and [Borrowed] together it offers to remove
    /// either: only the user knows which one is true. Not offered for what needs more than a removal (an [Owned] type
    /// nothing can release, a borrow source that names no parameter, a malformed contract line).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN012RemoveAttributeCodeFix))]
    [Shared]
    public sealed class OWN012RemoveAttributeCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "remove the flagged attribute".</summary>
        public const string Key = "OWN012.RemoveAttribute";

        /// <summary>The equivalence key of "remove the other attribute" of a contradiction.</summary>
        public const string OtherKey = "OWN012.RemoveOtherAttribute";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN012");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (!diagnostic.Properties.TryGetValue(AnnotationAnalyzer.RemovableProperty, out var removable) || removable != "true")
            {
                return;
            }

            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || FixSupport.IsInBrokenCode(root, diagnostic.Location.SourceSpan))
            {
                return;
            }

            Offer(context, root, diagnostic.Location.SourceSpan, Key);
            if (diagnostic.AdditionalLocations.Count > 0 && diagnostic.AdditionalLocations[0].SourceTree == diagnostic.Location.SourceTree)
            {
                Offer(context, root, diagnostic.AdditionalLocations[0].SourceSpan, OtherKey);
            }
        }

        private static void Offer(CodeFixContext context, SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span, string key)
        {
            // The attribute's span is its name's too when it has no arguments.
            if (root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute ||
                attribute.Span != span ||
                attribute.Parent is not AttributeListSyntax list ||
                list.Parent is null)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Remove [{ShortName(attribute.Name)}]",
                    ct => FixSupport.CleanUpAsync(context.Document.WithSyntaxRoot(Remove(root, attribute, list)), ct),
                    key),
                context.Diagnostics[0]);
        }

        /// <summary>The attribute out of its list, or the whole list when it is the only one.</summary>
        private static SyntaxNode Remove(SyntaxNode root, AttributeSyntax attribute, AttributeListSyntax list)
        {
            if (list.Attributes.Count > 1)
            {
                return root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(attribute)));
            }

            // The list's leading trivia (a documentation comment, the indentation) stays with the declaration; only the
            // token that now starts it is reformatted, not the user's body.
            var declaration = list.Parent!;
            var without = declaration.RemoveNode(list, SyntaxRemoveOptions.KeepLeadingTrivia);
            if (without is null)
            {
                return root;
            }

            var first = without.GetFirstToken();
            return root.ReplaceNode(declaration, without.ReplaceToken(first, first.WithAdditionalAnnotations(Formatter.Annotation)));
        }

        private static string ShortName(NameSyntax name)
        {
            var text = name is QualifiedNameSyntax qualified ? qualified.Right.ToString() : name is AliasQualifiedNameSyntax alias ? alias.Name.ToString() : name.ToString();
            return text.EndsWith("Attribute", System.StringComparison.Ordinal) && text.Length > "Attribute".Length ? text.Substring(0, text.Length - "Attribute".Length) : text;
        }
    }
}
