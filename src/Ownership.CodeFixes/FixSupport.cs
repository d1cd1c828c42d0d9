using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Ownership.Analyzers.Contracts;
using Ownership.Analyzers.Rules;

namespace Ownership.CodeFixes
{
    /// <summary>What the fixes share: the diagnostic properties, the contracts, and building a release statement.</summary>
    internal static class FixSupport
    {
        /// <summary>The contracts the analyzer saw: attributes, the catalog and the project's *.ownership.txt files.</summary>
        public static async Task<ContractProvider?> ContractsAsync(Document document, CancellationToken cancellationToken)
        {
            var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            return compilation is null ? null : ContractProvider.Create(compilation, document.Project.AnalyzerOptions, cancellationToken);
        }

        /// <summary>
        /// The syntax root and semantic model a fix works on, or null when either is missing or the document does not
        /// parse. No fix is offered then: the formatter that cleans up a fix can fail on broken syntax next to the edit
        /// (seen with a stray '[' before a member), and a fix there could only make it worse.
        /// </summary>
        public static async Task<(SyntaxNode Root, SemanticModel Model)?> ParsedAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || IsInBrokenCode(root, diagnostic.Location.SourceSpan))
            {
                return null;
            }

            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            return model is null ? null : (root, model);
        }

        /// <summary>
        /// The span of the place the analyzer related the diagnostic to (the release a use comes after, the first
        /// release, the call that invalidated a borrow): its second additional location, when it is in the same file.
        /// </summary>
        public static Microsoft.CodeAnalysis.Text.TextSpan? RelatedSpan(Diagnostic diagnostic)
        {
            return diagnostic.AdditionalLocations.Count >= 2 && diagnostic.AdditionalLocations[1].SourceTree == diagnostic.Location.SourceTree
                ? diagnostic.AdditionalLocations[1].SourceSpan
                : null;
        }

        /// <summary>True when the document does not parse (or the span is not in it): no fix is offered there.</summary>
        public static bool IsInBrokenCode(SyntaxNode root, Microsoft.CodeAnalysis.Text.TextSpan span)
        {
            return !root.FullSpan.Contains(span) || root.ContainsDiagnostics;
        }

        /// <summary>The diagnostic's release call format (<c>{0}</c> for the value), when the analyzer knew one.</summary>
        public static string? ReleaseCall(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(FlowDiagnostics.ReleaseCallProperty, out var call) && !string.IsNullOrEmpty(call) ? call : null;

        /// <summary>The variable that holds the value, when the analyzer named one.</summary>
        public static string? Variable(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(FlowDiagnostics.VariableProperty, out var variable) && !string.IsNullOrEmpty(variable) ? variable : null;

        /// <summary>True when the analyzer said the value is an IDisposable.</summary>
        public static bool IsDisposable(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(FlowDiagnostics.IsDisposableProperty, out var value) && value == "true";

        /// <summary>
        /// <c>release(value);</c>, annotated to be simplified and formatted; null unless it binds to a method where
        /// it is placed (<paramref name="position"/>), so a fix never writes a call that does not compile. A
        /// <c>Dispose()</c> that the type implements explicitly is called through <c>IDisposable</c>, and a format with
        /// <c>?.</c> (a field that may be null) keeps it.
        /// </summary>
        public static ExpressionStatementSyntax? ReleaseStatement(string format, string value, SemanticModel model, int position)
        {
            // Bound without the ?., which speculative binding cannot see through, and put back once the call is settled.
            var conditional = format.Contains("?.");
            var plain = format.Replace("?.", ".");
            var invocation = Parse(plain, value, model, position, out var method);
            if (invocation is null && plain == "{0}.Dispose()")
            {
                invocation = Parse("((System.IDisposable){0}).Dispose()", value, model, position, out method);
            }

            if (invocation is null || method is null || method.Name.StartsWith("ZeroFree", System.StringComparison.Ordinal))
            {
                // Marshal.ZeroFree*: the contracts may name it for any hglobal or cotaskmem block, but it zeroes up to the
                // first zero byte (or char), past the end of a block that is not a string: never write it for one.
                return null;
            }

            // The catalog names types in full: drop the longest namespace prefix after which the call still binds the same.
            var shortest = invocation;
            var candidates = invocation.Expression.DescendantNodesAndSelf()
                .Select(n => n switch
                {
                    MemberAccessExpressionSyntax m when IsNamespace(m.Expression, model, position) => (Node: (SyntaxNode)m, Name: (SyntaxNode)m.Name),
                    QualifiedNameSyntax q when IsNamespace(q.Left, model, position) => (q, q.Right),
                    _ => (null!, null!),
                })
                .Where(c => c.Node is not null)
                .OrderByDescending(c => c.Node.Span.Length);
            foreach (var qualified in candidates)
            {
                var shorter = invocation.ReplaceNode(qualified.Node, qualified.Name.WithTriviaFrom(qualified.Node));
                if (SymbolEqualityComparer.Default.Equals(Bind(shorter, model, position), method))
                {
                    shortest = shorter;
                    break;
                }
            }

            ExpressionSyntax call = shortest;
            if (conditional && shortest.Expression is MemberAccessExpressionSyntax access)
            {
                call = SyntaxFactory.ConditionalAccessExpression(
                    access.Expression,
                    SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(access.Name), shortest.ArgumentList));
            }

            return SyntaxFactory.ExpressionStatement(call.WithAdditionalAnnotations(Simplifier.Annotation))
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static InvocationExpressionSyntax? Parse(string format, string value, SemanticModel model, int position, out IMethodSymbol? method)
        {
            method = null;
            if (SyntaxFactory.ParseExpression(format.Replace("{0}", value)) is not InvocationExpressionSyntax invocation || invocation.ContainsDiagnostics)
            {
                return null;
            }

            method = Bind(invocation, model, position);
            return method is null ? null : invocation;
        }

        private static bool IsNamespace(ExpressionSyntax qualifier, SemanticModel model, int position) =>
            model.GetSpeculativeSymbolInfo(position, SyntaxFactory.ParseName(qualifier.ToString()), SpeculativeBindingOption.BindAsTypeOrNamespace).Symbol is INamespaceSymbol;

        private static IMethodSymbol? Bind(InvocationExpressionSyntax invocation, SemanticModel model, int position) =>
            model.GetSpeculativeSymbolInfo(position, invocation, SpeculativeBindingOption.BindAsExpression).Symbol as IMethodSymbol;

        /// <summary>True when <paramref name="type"/> is or implements <c>IDisposable</c>: a <c>using</c> declaration takes it.</summary>
        public static bool IsIDisposable(ITypeSymbol? type, Compilation compilation)
        {
            var disposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
            return type is not null &&
                   (SymbolEqualityComparer.Default.Equals(type, disposable) || type.AllInterfaces.Contains(disposable, SymbolEqualityComparer.Default));
        }

        /// <summary>The expression a diagnostic's span covers, outside any parentheses and casts around it.</summary>
        public static ExpressionSyntax? Outermost(SyntaxNode? node)
        {
            if (node is ArgumentSyntax argument)
            {
                node = argument.Expression;
            }

            if (node is not ExpressionSyntax expression)
            {
                return null;
            }

            while (expression.Parent is ParenthesizedExpressionSyntax || expression.Parent is CastExpressionSyntax)
            {
                expression = (ExpressionSyntax)expression.Parent;
            }

            return expression;
        }

        /// <summary>True for a name, <c>this.name</c> or a member chain of names: reading it twice has no effect.</summary>
        public static bool IsPlainReference(ExpressionSyntax expression)
        {
            switch (expression)
            {
                case IdentifierNameSyntax:
                case ThisExpressionSyntax:
                    return true;
                case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member:
                    return IsPlainReference(member.Expression);
                default:
                    return false;
            }
        }

        /// <summary>
        /// The document with annotated nodes simplified and formatted: done by the fix itself, not left to the code
        /// action's cleanup, which not every host runs the same way.
        /// </summary>
        public static async Task<Document> CleanUpAsync(Document document, CancellationToken cancellationToken)
        {
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        /// <summary><paramref name="statement"/> laid out as a new line before <paramref name="next"/>, at its indentation.</summary>
        public static StatementSyntax OnLineBefore(StatementSyntax statement, StatementSyntax next)
        {
            var leading = next.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                : SyntaxFactory.TriviaList();
            var newLine = SyntaxFactory.LineFeed;
            foreach (var trivia in next.GetFirstToken().GetPreviousToken().TrailingTrivia)
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    newLine = trivia;
                }
            }

            return statement.WithLeadingTrivia(indentation).WithTrailingTrivia(newLine);
        }

        /// <summary>The statements of <paramref name="block"/> from index <paramref name="start"/> on.</summary>
        public static ImmutableArray<StatementSyntax> From(BlockSyntax block, int start)
        {
            var builder = ImmutableArray.CreateBuilder<StatementSyntax>();
            for (var i = start; i < block.Statements.Count; i++)
            {
                builder.Add(block.Statements[i]);
            }

            return builder.ToImmutable();
        }
    }
}
