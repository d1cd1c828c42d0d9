using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>
/// Breaks a valid source the way typing does: tokens deleted, duplicated, swapped or inserted, the text cut off
/// mid-statement, a brace or a line removed. Deterministic: the same seed text and number give the same variant.
/// </summary>
internal static class SourceMutator
{
    private static readonly string[] Insertions =
    {
        "(", ")", "{", "}", "[", "]", ";", ",", ".", "=", "=>", "*", "&", "!", "?", "??", "null", "default", "ref", "out", "in",
        "return", "await", "using", "fixed", "stackalloc", "new", "var", "p", "this", "base", "lock", "yield", "goto",
        "static", "unsafe", "async", "Api.Create(1)", "NativeMemory.Free(p)", "x =>", "(int)", "typeof", "nameof",
    };

    private static readonly HashSet<SyntaxKind> Modifiers = new()
    {
        SyntaxKind.StaticKeyword, SyntaxKind.UnsafeKeyword, SyntaxKind.ReadOnlyKeyword, SyntaxKind.AsyncKeyword,
        SyntaxKind.OverrideKeyword, SyntaxKind.VirtualKeyword, SyntaxKind.AbstractKeyword, SyntaxKind.SealedKeyword,
        SyntaxKind.RefKeyword, SyntaxKind.OutKeyword, SyntaxKind.InKeyword, SyntaxKind.ParamsKeyword, SyntaxKind.ThisKeyword,
    };

    /// <summary>The variant number <paramref name="variant"/> of <paramref name="source"/>, and what was done to it.</summary>
    public static (string Text, string Description) Mutate(string source, int variant)
    {
        var random = new Random(unchecked(variant * 7919 + StableHash(source)));
        var text = source;
        var steps = new List<string>();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count && text.Length > 0; i++)
        {
            var (mutated, step) = MutateOnce(text, random);
            text = mutated;
            steps.Add(step);
        }

        return (text, string.Join("; ", steps));
    }

    private static (string Text, string Step) MutateOnce(string text, Random random)
    {
        var tokens = CSharpSyntaxTree.ParseText(text).GetRoot().DescendantTokens(descendIntoTrivia: false)
            .Where(t => t.Span.Length > 0)
            .ToList();
        if (tokens.Count == 0)
        {
            return (text, "nothing to mutate");
        }

        // Most bodies sit after the prelude: bias positions towards the end, where the snippets are.
        var token = tokens[Math.Max(random.Next(tokens.Count), random.Next(tokens.Count))];
        switch (random.Next(9))
        {
            case 0:
                return (Replace(text, token.Span, string.Empty), $"delete '{token.Text}' at {token.SpanStart}");
            case 1:
                return (Replace(text, new TextSpan(token.Span.End, 0), " " + token.Text), $"duplicate '{token.Text}' at {token.SpanStart}");
            case 2:
                return (text.Substring(0, token.Span.End), $"truncate after '{token.Text}' at {token.Span.End}");
            case 3:
            {
                var cut = token.SpanStart + random.Next(Math.Max(1, token.Span.Length));
                return (text.Substring(0, cut), $"truncate mid-token at {cut}");
            }

            case 4:
            {
                var braces = tokens.Where(t => t.IsKind(SyntaxKind.OpenBraceToken) || t.IsKind(SyntaxKind.CloseBraceToken)).ToList();
                if (braces.Count == 0)
                {
                    goto case 0;
                }

                var brace = braces[random.Next(braces.Count)];
                return (Replace(text, brace.Span, string.Empty), $"remove '{brace.Text}' at {brace.SpanStart}");
            }

            case 5:
            {
                var index = tokens.IndexOf(token);
                if (index + 1 >= tokens.Count)
                {
                    goto case 0;
                }

                var next = tokens[index + 1];
                var swapped = new StringBuilder(text);
                swapped.Remove(next.SpanStart, next.Span.Length).Insert(next.SpanStart, token.Text);
                swapped.Remove(token.SpanStart, token.Span.Length).Insert(token.SpanStart, next.Text);
                return (swapped.ToString(), $"swap '{token.Text}' and '{next.Text}' at {token.SpanStart}");
            }

            case 6:
            {
                var insertion = Insertions[random.Next(Insertions.Length)];
                return (Replace(text, new TextSpan(token.SpanStart, 0), insertion + " "), $"insert '{insertion}' at {token.SpanStart}");
            }

            case 7:
            {
                var lineStart = text.LastIndexOf('\n', Math.Max(0, token.SpanStart - 1)) + 1;
                var lineEnd = text.IndexOf('\n', token.SpanStart);
                lineEnd = lineEnd < 0 ? text.Length : lineEnd;
                return (text.Remove(lineStart, lineEnd - lineStart), $"delete line at {lineStart}");
            }

            default:
            {
                // Delete a run of tokens, as a selection deleted while editing.
                var index = tokens.IndexOf(token);
                var last = tokens[Math.Min(tokens.Count - 1, index + 1 + random.Next(6))];
                var span = TextSpan.FromBounds(token.SpanStart, last.Span.End);
                return (Replace(text, span, string.Empty), $"delete '{Shorten(text.Substring(span.Start, span.Length))}' at {span.Start}");
            }
        }
    }

    /// <summary>
    /// The variant number <paramref name="variant"/> of <paramref name="source"/> broken as half-edited code is while it
    /// still parses: a name that binds to nothing or to the wrong symbol, a statement, argument, member, attribute or
    /// modifier deleted. The code fixes are offered only in code that parses, so these variants are the ones that
    /// run them on code that does not compile.
    /// </summary>
    public static (string Text, string Description) MutateBinding(string source, int variant)
    {
        var random = new Random(unchecked(variant * 104729 + StableHash(source)));
        var text = source;
        var steps = new List<string>();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var (mutated, step) = MutateBindingOnce(text, random);
            text = mutated;
            steps.Add(step);
        }

        return (text, string.Join("; ", steps));
    }

    private static (string Text, string Step) MutateBindingOnce(string text, Random random)
    {
        var root = CSharpSyntaxTree.ParseText(text).GetRoot();

        // Late nodes are favoured, as in MutateOnce: the snippets follow their prelude.
        T? Pick<T>(Func<T, bool>? where = null)
            where T : SyntaxNode
        {
            var nodes = root.DescendantNodes().OfType<T>().Where(n => where is null || where(n)).ToList();
            return nodes.Count == 0 ? null : nodes[Math.Max(random.Next(nodes.Count), random.Next(nodes.Count))];
        }

        (string, string) Remove(SyntaxNode? node, string what) =>
            node is null || root.RemoveNode(node, SyntaxRemoveOptions.KeepNoTrivia) is not { } removed
                ? (text, $"no {what} to delete")
                : (removed.ToFullString(), $"delete {what} '{Shorten(node.ToString())}' at {node.SpanStart}");

        switch (random.Next(7))
        {
            case 0:
            case 1:
            {
                // A name that binds to another symbol of the file, or to none.
                var names = root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
                if (names.Count == 0)
                {
                    return (text, "no name to rename");
                }

                var name = names[Math.Max(random.Next(names.Count), random.Next(names.Count))];
                var other = random.Next(3) == 0 ? "Missing" : names[random.Next(names.Count)].Text;
                return (Replace(text, name.Span, other), $"rename '{name.Text}' to '{other}' at {name.SpanStart}");
            }

            case 2:
                return Remove(Pick<StatementSyntax>(s => s.Parent is BlockSyntax), "statement");
            case 3:
                return Remove(Pick<ArgumentSyntax>(), "argument");
            case 4:
                return Remove(Pick<MemberDeclarationSyntax>(m => m is not BaseNamespaceDeclarationSyntax), "member");
            case 5:
                return Remove(Pick<AttributeListSyntax>(), "attribute list");
            default:
            {
                var modifiers = root.DescendantTokens()
                    .Where(t => Modifiers.Contains(t.Kind()) && t.Parent is MemberDeclarationSyntax or LocalFunctionStatementSyntax or ParameterSyntax)
                    .ToList();
                if (modifiers.Count == 0)
                {
                    return (text, "no modifier to delete");
                }

                var modifier = modifiers[random.Next(modifiers.Count)];
                return (Replace(text, modifier.Span, string.Empty), $"delete '{modifier.Text}' at {modifier.SpanStart}");
            }
        }
    }

    private static string Replace(string text, TextSpan span, string replacement) =>
        text.Substring(0, span.Start) + replacement + text.Substring(span.End);

    private static string Shorten(string text) => text.Length > 40 ? text.Substring(0, 40) + "…" : text.Replace('\n', ' ');

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
