using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// Where a field left holding a released value is never released or read again, read from the syntax (OWN009 is
    /// judged only when a body is about to report it, so this runs rarely): a release that runs once per object, and a
    /// private helper whose every caller resets the field right after calling it, or calls it once per object.
    /// </summary>
    internal static class DanglingFieldExemptions
    {
        /// <summary>
        /// The disposed-flag idiom: the release sits under <c>if (!_disposed) { _disposed = true; … }</c>, or after
        /// <c>if (_disposed) return;</c> in a block that sets <c>_disposed = true</c>, or after
        /// <c>if (Interlocked.Exchange(ref _disposed, 1) != 0) return;</c>, or under <c>if (_inner != null) { …; _inner = null; … }</c>,
        /// or after <c>if (_handle == IntPtr.Zero) return;</c> in a block that sets <c>_handle = IntPtr.Zero</c>, or under
        /// <c>if (Interlocked.Decrement(ref _references) == 0)</c>, where the last reference out releases.
        /// A second call cannot release again.
        /// <c>_disposed</c> must be a member of <paramref name="type"/>: a local flag guards one call, not the next.
        /// </summary>
        public static bool RunsOnce(SyntaxNode release, INamedTypeSymbol type)
        {
            var child = release;
            for (var parent = release.Parent; parent is not null && !IsBodyBoundary(parent); child = parent, parent = parent.Parent)
            {
                if (parent is IfStatementSyntax ifStatement && ReferenceEquals(child, ifStatement.Statement) &&
                    GuardsFirstRun(ifStatement.Condition, ifStatement.Statement, type))
                {
                    return true;
                }

                if (parent is BlockSyntax block && child is StatementSyntax statement)
                {
                    var index = block.Statements.IndexOf(statement);
                    for (var i = 0; i < index; i++)
                    {
                        if (block.Statements[i] is IfStatementSyntax { Else: null } guard && LeavesBody(guard.Statement) &&
                            StopsLaterRuns(guard.Condition, block, i, type))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// A private helper (<c>ReturnBuffer()</c>) that releases <paramref name="field"/>, where every call in the type is a
        /// statement followed by an assignment to the field before anything can read it or leave the method
        /// (<c>ReturnBuffer(); _items = bigger;</c>, or the assignment after the <c>if</c> that holds the call), or a
        /// statement that runs once per object (<c>if (!_disposed) { _disposed = true; … ReleaseBuffers(); }</c>:
        /// SharpCompress's Lzma2EncoderStream, from both Dispose and DisposeAsync).
        /// </summary>
        public static bool IsSafeInEveryCaller(IMethodSymbol method, ISymbol field, CancellationToken cancellationToken)
        {
            if (method.DeclaredAccessibility != Accessibility.Private || method.MethodKind != MethodKind.Ordinary || method.IsVirtual ||
                method.IsOverride || method.IsAbstract || !method.ExplicitInterfaceImplementations.IsEmpty)
            {
                return false;
            }

            var calls = 0;
            foreach (var reference in method.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is not IdentifierNameSyntax name || name.Identifier.ValueText != method.Name)
                    {
                        continue;
                    }

                    // Any mention of the name but a call statement followed by the reset (a method group, an argument, a
                    // call inside an expression) leaves the question open: report.
                    var call = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && ReferenceEquals(access.Name, name)
                        ? access.Parent
                        : name.Parent;
                    if (call is not InvocationExpressionSyntax invocation || invocation.Parent is not ExpressionStatementSyntax statement ||
                        !(IsResetAfter(statement, field.Name) || RunsOnce(statement, method.ContainingType)))
                    {
                        return false;
                    }

                    calls++;
                }
            }

            return calls > 0;
        }

        private static bool IsBodyBoundary(SyntaxNode node)
        {
            return node is MemberDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax;
        }

        /// <summary>
        /// <c>if (!_disposed) { _disposed = true; … }</c>, <c>if (Interlocked.Exchange(ref _disposed, 1) == 0)</c> or
        /// <c>if (Interlocked.Decrement(ref _references) == 0)</c>, alone or as one side of <c>&amp;&amp;</c>
        /// (<c>if (disposing &amp;&amp; !_disposed)</c>).
        /// </summary>
        private static bool GuardsFirstRun(ExpressionSyntax condition, StatementSyntax guarded, INamedTypeSymbol type)
        {
            condition = Unparenthesized(condition);
            if (condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } both)
            {
                return GuardsFirstRun(both.Left, guarded, type) || GuardsFirstRun(both.Right, guarded, type);
            }

            if (condition is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not)
            {
                var operand = Unparenthesized(not.Operand);
                if (operand is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } isEmpty)
                {
                    // if (!(_stream == IntPtr.Zero)): the same as !=.
                    return EmptiesMemberTested(isEmpty, guarded, type);
                }

                return (FlagName(operand, type) is { } flag && SetsFlag(guarded, flag)) || IsExchange(operand, type);
            }

            if (condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } notEquals)
            {
                // if (_decompressor != null) { …; _decompressor = null; … }: the member is the flag (ZstdSharp's streams).
                return EmptiesMemberTested(notEquals, guarded, type);
            }

            return condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals &&
                   IsZero(equals.Right) && IsOnceWhenZero(Unparenthesized(equals.Left), type);
        }

        /// <summary>
        /// <paramref name="test"/> compares a member of <paramref name="type"/> with an empty value (<c>_inner == null</c>,
        /// <c>_handle != IntPtr.Zero</c>), and <paramref name="node"/> sets the member to an empty value: the member is a flag.
        /// </summary>
        private static bool EmptiesMemberTested(BinaryExpressionSyntax test, SyntaxNode node, INamedTypeSymbol type)
        {
            if (FlagName(Unparenthesized(test.Left), type) is not { } member)
            {
                return false;
            }

            var isHandle = IsHandle(type, member);
            return IsEmptyValue(test.Right, isHandle) && SetsEmpty(node, member, isHandle);
        }

        /// <summary>
        /// <c>null</c>, <c>default</c> or <c>IntPtr.Zero</c> (and its <c>UIntPtr</c>, <c>nint</c>, <c>nuint</c> spellings), a
        /// negative constant (<c>_length = -1</c>, a sentinel no count reaches), and <c>0</c> for a handle: a count set to 0 may
        /// count up again while what it counted stays released.
        /// </summary>
        private static bool IsEmptyValue(ExpressionSyntax expression, bool isHandle)
        {
            return Unparenthesized(expression) switch
            {
                LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression or (int)SyntaxKind.DefaultLiteralExpression } => true,
                DefaultExpressionSyntax => true,
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } } => true,
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Zero", Expression: var owner } =>
                    owner is IdentifierNameSyntax { Identifier.ValueText: "IntPtr" or "UIntPtr" or "nint" or "nuint" } or
                        PredefinedTypeSyntax or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IntPtr" or "UIntPtr" },
                var other => isHandle && IsZero(other),
            };
        }

        /// <summary>Whether the member of <paramref name="type"/> named <paramref name="name"/> holds an address (a pointer, <c>nint</c>, <c>nuint</c>).</summary>
        private static bool IsHandle(INamedTypeSymbol type, string name)
        {
            foreach (var member in type.GetMembers(name))
            {
                var memberType = member switch
                {
                    IFieldSymbol field => field.Type,
                    IPropertySymbol property => property.Type,
                    _ => null,
                };
                if (BodyAnalysis.IsAddress(memberType))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether <paramref name="node"/> contains <c>member = null</c> (or another empty value).</summary>
        private static bool SetsEmpty(SyntaxNode node, string member, bool isHandle)
        {
            return Assigns(node, member, value => IsEmptyValue(value, isHandle));
        }

        /// <summary>
        /// <c>if (_disposed) return;</c> with <c>_disposed = true</c> set later in <paramref name="block"/>, or
        /// <c>if (_stream == IntPtr.Zero) return;</c> with <c>_stream = IntPtr.Zero</c> set later (ZstdNet's streams), or
        /// <c>if (Interlocked.Exchange(ref _disposed, 1) != 0) return;</c>, or <c>if (Interlocked.Decrement(ref _references) != 0) return;</c>.
        /// </summary>
        private static bool StopsLaterRuns(ExpressionSyntax condition, BlockSyntax block, int guardIndex, INamedTypeSymbol type)
        {
            condition = Unparenthesized(condition);
            var isEmpty = condition.IsKind(SyntaxKind.EqualsExpression) ? (BinaryExpressionSyntax)condition : null;
            var flag = isEmpty is null ? FlagName(condition, type) : null;
            if (isEmpty is not null || flag is not null)
            {
                for (var i = guardIndex + 1; i < block.Statements.Count; i++)
                {
                    var later = block.Statements[i];
                    if (isEmpty is not null ? EmptiesMemberTested(isEmpty, later, type) : SetsFlag(later, flag!))
                    {
                        return true;
                    }
                }

                return false;
            }

            return IsExchange(condition, type) ||
                   (condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } notEquals &&
                    IsZero(notEquals.Right) && IsOnceWhenZero(Unparenthesized(notEquals.Left), type));
        }

        /// <summary><c>Interlocked.Exchange(ref _disposed, …)</c> or <c>Interlocked.CompareExchange(ref _disposed, …)</c> on a member.</summary>
        private static bool IsExchange(ExpressionSyntax expression, INamedTypeSymbol type)
        {
            return IsInterlocked(expression, "Exchange", type) || IsInterlocked(expression, "CompareExchange", type);
        }

        /// <summary>
        /// A call that gives zero to one caller only: an exchange of the disposed flag (the first call), or
        /// <c>Interlocked.Decrement(ref _references)</c>, a reference count (the last reference out).
        /// </summary>
        private static bool IsOnceWhenZero(ExpressionSyntax expression, INamedTypeSymbol type)
        {
            return IsExchange(expression, type) || IsInterlocked(expression, "Decrement", type);
        }

        /// <summary><c>Interlocked.<paramref name="name"/>(ref _member, …)</c> on a member of <paramref name="type"/>.</summary>
        private static bool IsInterlocked(ExpressionSyntax expression, string name, INamedTypeSymbol type)
        {
            return expression is InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax call,
                ArgumentList.Arguments: { Count: >= 1 } arguments,
            } && call.Name.Identifier.ValueText == name &&
                   call.Expression is IdentifierNameSyntax { Identifier.ValueText: "Interlocked" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Interlocked" } &&
                   arguments[0].RefKindKeyword.IsKind(SyntaxKind.RefKeyword) && FlagName(arguments[0].Expression, type) is not null;
        }

        /// <summary>The name of an instance field or property of <paramref name="type"/> read as <c>_f</c> or <c>this._f</c>.</summary>
        private static string? FlagName(ExpressionSyntax expression, INamedTypeSymbol type)
        {
            var name = MemberName(expression);
            if (name is null)
            {
                return null;
            }

            foreach (var member in type.GetMembers(name))
            {
                if (member is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false })
                {
                    return name;
                }
            }

            return null;
        }

        /// <summary>Whether <paramref name="node"/> contains <c>flag = true</c>.</summary>
        private static bool SetsFlag(SyntaxNode node, string flag)
        {
            return Assigns(node, flag, value => value.IsKind(SyntaxKind.TrueLiteralExpression));
        }

        /// <summary>Whether <paramref name="node"/> contains <c>member = value</c> with a value <paramref name="isValue"/> accepts.</summary>
        private static bool Assigns(SyntaxNode node, string member, Func<ExpressionSyntax, bool> isValue)
        {
            foreach (var descendant in node.DescendantNodesAndSelf())
            {
                if (descendant is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment &&
                    MemberName(assignment.Left) == member && isValue(assignment.Right))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The statements run after <paramref name="statement"/> assign the field before any of them names it or may leave:
        /// the rest of its block, then, at the end of an <c>if</c> or <c>else</c> branch, the statements after that <c>if</c>.
        /// </summary>
        private static bool IsResetAfter(StatementSyntax statement, string field)
        {
            SyntaxNode current = statement;
            while (true)
            {
                switch (current.Parent)
                {
                    case BlockSyntax block:
                        var statements = block.Statements;
                        for (var i = statements.IndexOf((StatementSyntax)current) + 1; i < statements.Count; i++)
                        {
                            if (Assigns(statements[i], field))
                            {
                                return true;
                            }

                            if (MayReadOrLeave(statements[i], field))
                            {
                                return false;
                            }
                        }

                        current = block;
                        break;
                    case IfStatementSyntax or ElseClauseSyntax:
                        // The end of a branch goes on after the if statement.
                        current = current.Parent;
                        break;
                    default:
                        // The end of a method, a loop's body (back to its test), a try, a lock…: not followed here.
                        return false;
                }
            }
        }

        /// <summary>A statement that names the field, or may jump out of the straight line (return, throw, break…).</summary>
        private static bool MayReadOrLeave(StatementSyntax statement, string field)
        {
            foreach (var node in statement.DescendantNodesAndSelf())
            {
                if (node is ReturnStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or BreakStatementSyntax or
                    ContinueStatementSyntax or GotoStatementSyntax or YieldStatementSyntax ||
                    (node is IdentifierNameSyntax name && name.Identifier.ValueText == field))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Whether the statement is <c>field = …;</c> or <c>this.field = …;</c>.</summary>
        private static bool Assigns(StatementSyntax statement, string field)
        {
            return statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } &&
                   MemberName(assignment.Left) == field;
        }

        /// <summary>The name in <c>name</c> or <c>this.name</c>; null for anything else.</summary>
        internal static string? MemberName(ExpressionSyntax expression)
        {
            return expression switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
                _ => null,
            };
        }

        /// <summary><c>return;</c>, <c>throw …;</c> or a block that ends with one.</summary>
        private static bool LeavesBody(StatementSyntax statement)
        {
            if (statement is BlockSyntax { Statements.Count: > 0 } block)
            {
                statement = block.Statements[block.Statements.Count - 1];
            }

            return statement is ReturnStatementSyntax or ThrowStatementSyntax;
        }

        private static bool IsZero(ExpressionSyntax expression)
        {
            return Unparenthesized(expression) is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } literal && literal.Token.ValueText == "0";
        }

        private static ExpressionSyntax Unparenthesized(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }
    }
}
