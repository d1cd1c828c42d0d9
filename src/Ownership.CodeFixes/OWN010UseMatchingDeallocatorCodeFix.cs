using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Ownership.Analyzers.Rules;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN010: releases the value with its own allocator's deallocator instead (<c>NativeMemory.Free(p)</c> after
    /// <c>AlignedAlloc</c> becomes <c>NativeMemory.AlignedFree(p)</c>). Only for a release that is a statement of its own,
    /// and only when the new call binds where it stands.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OWN010UseMatchingDeallocatorCodeFix))]
    [Shared]
    public sealed class OWN010UseMatchingDeallocatorCodeFix : CodeFixProvider
    {
        /// <summary>The equivalence key of "use the matching deallocator".</summary>
        public const string Key = "OWN010.UseMatchingDeallocator";

        /// <inheritdoc />
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("OWN010");

        /// <inheritdoc />
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc />
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var diagnostic = context.Diagnostics[0];
            if (FixSupport.ReleaseCall(diagnostic) is not { } call ||
                !diagnostic.Properties.TryGetValue(FlowDiagnostics.ReleasedProperty, out var released) ||
                string.IsNullOrEmpty(released))
            {
                return;
            }

            if (await FixSupport.ParsedAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax wrong ||
                wrong.Parent is not ExpressionStatementSyntax statement ||
                FixSupport.ReleaseStatement(call, released!, model, statement.SpanStart) is not { } release ||
                model.GetSymbolInfo(wrong, context.CancellationToken).Symbol is not IMethodSymbol wrongMethod ||
                SymbolEqualityComparer.Default.Equals(model.GetSpeculativeSymbolInfo(statement.SpanStart, release.Expression, SpeculativeBindingOption.BindAsExpression).Symbol, wrongMethod))
            {
                return;
            }

            var replacement = release.WithTriviaFrom(statement);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Release with '{replacement.Expression}'",
                    ct => FixSupport.CleanUpAsync(context.Document.WithSyntaxRoot(root.ReplaceNode(statement, replacement)), ct),
                    Key),
                diagnostic);
        }
    }
}
