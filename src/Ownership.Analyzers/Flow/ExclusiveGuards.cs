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
        private readonly SemanticModel? model;
        private HashSet<string>? assigned;

        public ExclusiveGuards(SyntaxNode body, SemanticModel? model)
        {
            this.body = body;
            this.model = model;
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
                    if (WrittenBy(node) is IdentifierNameSyntax target)
                    {
                        assigned.Add(target.Identifier.ValueText);
                    }
                }
            }

            return assigned.Contains(name);
        }

        /// <summary>
        /// What <paramref name="node"/> may write: the target of an assignment, a <c>ref</c> or <c>out</c> argument, or the
        /// operand of a unary operator other than <c>!</c> (taken as an increment); null for anything else.
        /// </summary>
        private static ExpressionSyntax? WrittenBy(SyntaxNode node)
        {
            return node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => argument.Expression,
                PrefixUnaryExpressionSyntax prefix when !prefix.IsKind(SyntaxKind.LogicalNotExpression) => prefix.Operand,
                PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                _ => null,
            };
        }

        /// <summary>
        /// A step of a state machine in a loop: right after <paramref name="release"/> the body sets a state variable to a
        /// constant (<c>phase = Phase.Temp;</c>), and <paramref name="use"/> runs only while that variable holds another
        /// constant (<c>if (phase == Phase.Main)</c>, or a <c>case</c> of <c>switch (phase)</c>), which the body never sets
        /// it back to. A later iteration that reaches the use did not come through the release.
        /// </summary>
        public bool IsLeftByStateChange(SyntaxNode release, SyntaxNode use)
        {
            if (model is not { } semantic || release.SyntaxTree != semantic.SyntaxTree || use.SyntaxTree != semantic.SyntaxTree ||
                StateSetAfter(release, semantic) is not { } step)
            {
                return false;
            }

            var (state, next) = step;
            for (SyntaxNode? child = use, parent = use.Parent; parent is not null && parent is not MemberDeclarationSyntax; child = parent, parent = parent.Parent)
            {
                if (parent is ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax or
                    AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    // Guards inside the loop only: the release must be in the same loop.
                    return false;
                }

                var required = parent switch
                {
                    IfStatementSyntax ifStatement when ReferenceEquals(child, ifStatement.Statement) &&
                                                       ifStatement.Condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals =>
                        Compared(equals, state, semantic),
                    SwitchSectionSyntax section when section.Parent is SwitchStatementSyntax switchStatement && IsState(switchStatement.Expression, state, semantic) =>
                        SingleCase(section, semantic),
                    _ => default,
                };
                if (required.HasValue && !Equals(required.Value, next) && !IsEverSetTo(state, required.Value, semantic))
                {
                    // A guard around the release too: the use must come before it (or be the release itself, run
                    // again), since a use after it in the same run of the guarded statement skips the test.
                    return !parent.Span.Contains(release.Span) || use.SpanStart <= release.SpanStart;
                }
            }

            return false;
        }

        /// <summary>The state variable and the constant it is set to by the statement right after the release's.</summary>
        private static (ISymbol State, object? Next)? StateSetAfter(SyntaxNode release, SemanticModel model)
        {
            var statement = release.FirstAncestorOrSelf<StatementSyntax>();
            var statements = statement?.Parent switch
            {
                BlockSyntax block => block.Statements,
                SwitchSectionSyntax section => section.Statements,
                _ => default,
            };
            var index = statement is null ? -1 : statements.IndexOf(statement);
            if (index < 0 || index + 1 >= statements.Count ||
                statements[index + 1] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment })
            {
                return null;
            }

            var target = model.GetSymbolInfo(assignment.Left).Symbol;
            var value = model.GetConstantValue(assignment.Right);
            return target is ILocalSymbol or IFieldSymbol && value.HasValue ? (target!, value.Value) : null;
        }

        /// <summary>The constant that <paramref name="equals"/> compares the state variable with, if it does.</summary>
        private static Optional<object?> Compared(BinaryExpressionSyntax equals, ISymbol state, SemanticModel model)
        {
            if (IsState(equals.Left, state, model))
            {
                return model.GetConstantValue(equals.Right);
            }

            return IsState(equals.Right, state, model) ? model.GetConstantValue(equals.Left) : default;
        }

        /// <summary>The constant of a switch section with one <c>case</c> label.</summary>
        private static Optional<object?> SingleCase(SwitchSectionSyntax section, SemanticModel model)
        {
            return section.Labels.Count == 1 && section.Labels[0] is CaseSwitchLabelSyntax label ? model.GetConstantValue(label.Value) : default;
        }

        private static bool IsState(ExpressionSyntax expression, ISymbol state, SemanticModel model)
        {
            return expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } &&
                   SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression).Symbol, state);
        }

        /// <summary>True when the body may set the state variable to <paramref name="value"/>: an assignment of it, or of anything but a constant, or a ref.</summary>
        private bool IsEverSetTo(ISymbol state, object? value, SemanticModel model)
        {
            foreach (var node in body.DescendantNodes())
            {
                if (WrittenBy(node) is not { } written || !IsState(written, state, model))
                {
                    continue;
                }

                if (node is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } simple ||
                    model.GetConstantValue(simple.Right) is not { HasValue: true } constant || Equals(constant.Value, value))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
