using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.CodeFixes
{
    /// <summary>
    /// OWN003 on a disposable that is created only to call one member on it (<c>new HMACSHA256(key).ComputeHash(data)</c>):
    /// the fix declares it with <c>using var</c> just before its statement and calls the member on the variable. The
    /// value then lives to the end of the block.
    /// </summary>
    internal static class DiscardedReceiver
    {
        /// <summary>
        /// The statement to declare the value before, or null when it cannot move there: a using declaration needs
        /// C# 8 and a block, and the value must be created exactly once each time the statement runs, from names
        /// declared before it.
        /// </summary>
        public static StatementSyntax? StatementFor(ExpressionSyntax acquisition, ITypeSymbol? type, SemanticModel model, CancellationToken cancellationToken)
        {
            if (acquisition.Parent is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member ||
                member.Expression != acquisition ||
                ((CSharpParseOptions)acquisition.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8 ||
                !FixSupport.IsIDisposable(type, model.Compilation))
            {
                return null;
            }

            var statement = acquisition.FirstAncestorOrSelf<StatementSyntax>();
            var movable = statement switch
            {
                ExpressionStatementSyntax => true,
                ReturnStatementSyntax => true,
                LocalDeclarationStatementSyntax declaration => declaration.UsingKeyword == default && !declaration.IsConst,
                _ => false,
            };
            if (statement is null || !movable || statement.Parent is not BlockSyntax || !IsEvaluatedOnce(acquisition, statement) ||
                NamesLocalOf(statement, acquisition, model, cancellationToken))
            {
                return null;
            }

            return statement;
        }

        /// <summary>A name for the variable: the type's name in camel case, made unique in the member.</summary>
        public static string NameFor(ITypeSymbol? type, StatementSyntax statement, SemanticModel model)
        {
            var name = CamelCase(type?.Name ?? string.Empty);
            if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ||
                SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None)
            {
                name = "resource";
            }

            var scope = (SyntaxNode?)statement.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? statement;
            var taken = new HashSet<string>(scope.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            foreach (var symbol in model.LookupSymbols(statement.SpanStart))
            {
                taken.Add(symbol.Name);
            }

            var unique = name;
            for (var suffix = 2; taken.Contains(unique); suffix++)
            {
                unique = name + suffix;
            }

            return unique;
        }

        /// <summary>
        /// Marks the declarations this fix writes, so that a later one for the same statement keeps creation order:
        /// Fix All works from the last report back, and a value created earlier in the statement goes before those.
        /// </summary>
        private static readonly SyntaxAnnotation Declared = new SyntaxAnnotation("Ownership.DiscardedReceiver");

        /// <summary>
        /// The block with <c>using var name = acquisition;</c> before <paramref name="statement"/>, which uses the name.
        /// The declaration goes before those this fix wrote for values the statement creates after this one.
        /// </summary>
        public static Task<Document> DeclareAsync(Document document, SyntaxNode root, ExpressionSyntax acquisition, StatementSyntax statement, string name, CancellationToken cancellationToken)
        {
            var block = (BlockSyntax)statement.Parent!;
            var declaration = SyntaxFactory.LocalDeclarationStatement(
                    SyntaxFactory.VariableDeclaration(
                        SyntaxFactory.IdentifierName("var"),
                        SyntaxFactory.SingletonSeparatedList(
                            SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name))
                                .WithInitializer(SyntaxFactory.EqualsValueClause(acquisition.WithoutTrivia())))))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword))
                .WithAdditionalAnnotations(Formatter.Annotation, Declared);
            var rewritten = statement.ReplaceNode(acquisition, SyntaxFactory.IdentifierName(name).WithTriviaFrom(acquisition));

            var index = block.Statements.IndexOf(statement);
            var at = index;
            while (at > 0 && block.Statements[at - 1] is LocalDeclarationStatementSyntax earlier && earlier.HasAnnotation(Declared) &&
                   IsUsedAfter(earlier, statement, acquisition))
            {
                at--;
            }

            // The first statement's comments stay above the code, now the declaration's; the statements keep their indentation.
            var first = block.Statements[at];
            var statements = new List<StatementSyntax>(block.Statements);
            statements[index] = rewritten;
            statements[at] = statements[at].WithLeadingTrivia(FixSupport.OnLineBefore(statements[at], first).GetLeadingTrivia());
            statements.Insert(at, FixSupport.OnLineBefore(declaration, first).WithLeadingTrivia(first.GetLeadingTrivia()));

            var newRoot = root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements)));
            return FixSupport.CleanUpAsync(document.WithSyntaxRoot(newRoot), cancellationToken);
        }

        /// <summary>True when <paramref name="statement"/> names the variable <paramref name="declaration"/> declares after <paramref name="acquisition"/>.</summary>
        private static bool IsUsedAfter(LocalDeclarationStatementSyntax declaration, StatementSyntax statement, ExpressionSyntax acquisition)
        {
            var name = declaration.Declaration.Variables[0].Identifier.ValueText;
            return statement.DescendantNodes(TextSpan.FromBounds(acquisition.Span.End, statement.Span.End))
                .Any(node => node is IdentifierNameSyntax identifier && identifier.SpanStart >= acquisition.Span.End && identifier.Identifier.ValueText == name);
        }

        /// <summary>
        /// False when the statement may evaluate the value several times or not at all: inside a lambda, a query, a
        /// branch of <c>?:</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>??</c>, <c>??=</c>, <c>?.</c> or a switch expression's arm.
        /// </summary>
        private static bool IsEvaluatedOnce(SyntaxNode acquisition, StatementSyntax statement)
        {
            for (SyntaxNode child = acquisition, parent = acquisition.Parent!; parent != statement; child = parent, parent = parent.Parent!)
            {
                var once = parent switch
                {
                    AnonymousFunctionExpressionSyntax or QueryExpressionSyntax or SwitchExpressionArmSyntax => false,
                    ConditionalExpressionSyntax conditional => child == conditional.Condition,
                    BinaryExpressionSyntax binary => child == binary.Left ||
                                                     !(binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression) ||
                                                       binary.IsKind(SyntaxKind.CoalesceExpression)),
                    AssignmentExpressionSyntax assignment => child == assignment.Left || !assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression),
                    ConditionalAccessExpressionSyntax access => child == access.Expression,
                    _ => true,
                };
                if (!once)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>True when the value is made from a variable the statement itself declares (<c>out var n</c>, a pattern).</summary>
        private static bool NamesLocalOf(StatementSyntax statement, ExpressionSyntax acquisition, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (var identifier in acquisition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(identifier, cancellationToken).Symbol is ILocalSymbol local &&
                    local.DeclaringSyntaxReferences.Any(reference => statement.Span.Contains(reference.Span)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>HMACSHA256</c> is <c>hmacsha256</c>, <c>StreamReader</c> <c>streamReader</c>, <c>IOStream</c> <c>ioStream</c>.</summary>
        private static string CamelCase(string typeName)
        {
            var upper = 0;
            while (upper < typeName.Length && char.IsUpper(typeName[upper]))
            {
                upper++;
            }

            // A run of capitals is an acronym: lower all of it, but the capital that starts the next word.
            var lowered = upper == typeName.Length || upper <= 1 || !char.IsLower(typeName[upper]) ? upper : upper - 1;
            return typeName.Substring(0, lowered).ToLowerInvariant() + typeName.Substring(lowered);
        }
    }
}
