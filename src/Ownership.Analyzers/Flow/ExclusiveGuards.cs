using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// Tells when two statements can never run on the same path: one sits under <c>if (flag)</c> and the other under
    /// <c>if (!flag)</c> (or its <c>else</c>), or under <c>count &gt; 0</c> and <c>count &lt;= 0</c>, for names the body never
    /// assigns after their declaration. The dataflow merges
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
                if (firstGuards.TryGetValue(guard.Key, out var other) && other.Holds != guard.Value.Holds && !IsAnyAssigned(guard.Value.Names))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The simple conditions that must hold for <paramref name="node"/> to run: a flag, or a comparison of names and
        /// constants (<c>count &gt; 0</c>), keyed by a canonical form, with whether it must be true and the names it reads.
        /// </summary>
        private static Dictionary<string, (bool Holds, List<string> Names)> Guards(SyntaxNode node)
        {
            var guards = new Dictionary<string, (bool, List<string>)>();
            var child = node;
            for (var parent = node.Parent; parent is not null && parent is not MemberDeclarationSyntax; child = parent, parent = parent.Parent)
            {
                if (parent is IfStatementSyntax ifStatement && !ReferenceEquals(child, ifStatement.Condition))
                {
                    var inThen = ReferenceEquals(child, ifStatement.Statement);
                    var names = new List<string>();
                    if (Condition(ifStatement.Condition, names, out var key, out var negated) && !guards.ContainsKey(key))
                    {
                        guards.Add(key, (inThen != negated, names));
                    }
                }
                else if (parent is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or ForStatementSyntax or
                         WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax)
                {
                    // Inside a loop or another body a condition may differ between runs: stop here.
                    break;
                }
            }

            return guards;
        }

        /// <summary>A canonical key for a flag or a comparison, and whether the condition is the key's negation.</summary>
        private static bool Condition(ExpressionSyntax condition, List<string> names, out string key, out bool negated)
        {
            negated = false;
            key = string.Empty;
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
                        key = identifier.Identifier.ValueText;
                        names.Add(key);
                        return true;
                    case BinaryExpressionSyntax binary when Comparison(binary.Kind(), out var op, out var flips) &&
                                                            Operand(binary.Left, names) is { } left && Operand(binary.Right, names) is { } right:
                        // a != b is the negation of a == b, a >= b of a < b, a <= b of a > b.
                        key = left + op + right;
                        negated ^= flips;
                        return true;
                    default:
                        return false;
                }
            }
        }

        private static bool Comparison(SyntaxKind kind, out string op, out bool flips)
        {
            (op, flips) = kind switch
            {
                SyntaxKind.EqualsExpression => ("==", false),
                SyntaxKind.NotEqualsExpression => ("==", true),
                SyntaxKind.LessThanExpression => ("<", false),
                SyntaxKind.GreaterThanOrEqualExpression => ("<", true),
                SyntaxKind.GreaterThanExpression => (">", false),
                SyntaxKind.LessThanOrEqualExpression => (">", true),
                _ => (string.Empty, false),
            };
            return op.Length > 0;
        }

        /// <summary>A name or a constant, as text; null for anything that could change between two reads (calls, members).</summary>
        private static string? Operand(ExpressionSyntax operand, List<string> names)
        {
            switch (operand)
            {
                case IdentifierNameSyntax identifier:
                    names.Add(identifier.Identifier.ValueText);
                    return identifier.Identifier.ValueText;
                case LiteralExpressionSyntax literal:
                    return literal.Token.Text;
                default:
                    return null;
            }
        }

        private bool IsAnyAssigned(List<string> names)
        {
            foreach (var name in names)
            {
                if (IsAssigned(name))
                {
                    return true;
                }
            }

            return false;
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
