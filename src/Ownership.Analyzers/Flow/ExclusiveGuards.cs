using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// Tells when two statements can never run on the same path: one sits under <c>if (flag)</c> and the other under
    /// <c>if (!flag)</c> (or its <c>else</c>), for a flag the body never assigns after its declaration. The dataflow merges
    /// such paths; a "some path" finding between two exclusive places is not real, so it is not reported.
    /// </summary>
    internal sealed class ExclusiveGuards
    {
        private readonly SyntaxNode body;
        private HashSet<string>? assigned;

        public ExclusiveGuards(SyntaxNode body)
        {
            this.body = body;
        }

        public bool AreExclusive(SyntaxNode first, SyntaxNode second)
        {
            var firstGuards = Guards(first);
            if (firstGuards.Count == 0)
            {
                return false;
            }

            foreach (var guard in Guards(second))
            {
                if (firstGuards.TryGetValue(guard.Key, out var polarity) && polarity != guard.Value && !IsAssigned(guard.Key))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The simple flags that must hold for <paramref name="node"/> to run, with the value each must have.</summary>
        private static Dictionary<string, bool> Guards(SyntaxNode node)
        {
            var guards = new Dictionary<string, bool>();
            var child = node;
            for (var parent = node.Parent; parent is not null && parent is not MemberDeclarationSyntax; child = parent, parent = parent.Parent)
            {
                if (parent is IfStatementSyntax ifStatement && !ReferenceEquals(child, ifStatement.Condition))
                {
                    var inThen = ReferenceEquals(child, ifStatement.Statement);
                    if (Flag(ifStatement.Condition, out var name, out var negated) && !guards.ContainsKey(name))
                    {
                        guards.Add(name, inThen != negated);
                    }
                }
                else if (parent is ElseClauseSyntax)
                {
                    continue;
                }
                else if (parent is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or ForStatementSyntax or
                         WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax)
                {
                    // Inside a loop or another body a flag may differ between runs: stop here.
                    break;
                }
            }

            return guards;
        }

        private static bool Flag(ExpressionSyntax condition, out string name, out bool negated)
        {
            negated = false;
            while (true)
            {
                switch (condition)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        condition = parenthesized.Expression;
                        continue;
                    case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                        negated = !negated;
                        condition = not.Operand;
                        continue;
                    case IdentifierNameSyntax identifier:
                        name = identifier.Identifier.ValueText;
                        return true;
                    default:
                        name = string.Empty;
                        return false;
                }
            }
        }

        /// <summary>True when the body assigns the flag anywhere (beyond its declaration), or passes it by ref or out.</summary>
        private bool IsAssigned(string name)
        {
            if (assigned is null)
            {
                assigned = new HashSet<string>();
                foreach (var node in body.DescendantNodes())
                {
                    switch (node)
                    {
                        case AssignmentExpressionSyntax { Left: IdentifierNameSyntax target }:
                            assigned.Add(target.Identifier.ValueText);
                            break;
                        case ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax reference }:
                            assigned.Add(reference.Identifier.ValueText);
                            break;
                        case PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax incremented } when !node.IsKind(SyntaxKind.LogicalNotExpression):
                            assigned.Add(incremented.Identifier.ValueText);
                            break;
                        case PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax incremented }:
                            assigned.Add(incremented.Identifier.ValueText);
                            break;
                    }
                }
            }

            return assigned.Contains(name);
        }
    }
}
