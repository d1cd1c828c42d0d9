using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>One span marked in a test document: <c>{|ID:text|}</c> (Key = "ID"), <c>{|#0:text|}</c> (Key = "#0") or <c>[|text|]</c> (Key = null).</summary>
internal readonly record struct MarkedSpan(string? Key, TextSpan Span);

/// <summary>A test document with its markup stripped: the real text, and the spans the markup marked in it.</summary>
internal sealed class MarkupDocument
{
    private MarkupDocument(string path, SourceText text, List<MarkedSpan> spans)
    {
        Path = path;
        Text = text;
        Spans = spans;
    }

    public string Path { get; }

    public SourceText Text { get; }

    public List<MarkedSpan> Spans { get; }

    /// <summary>
    /// Strips <c>{|key:…|}</c> and <c>[|…|]</c>, which may nest; a key is a diagnostic ID or <c>#n</c>.
    /// </summary>
    public static MarkupDocument Parse(string path, string markup)
    {
        var text = new StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        var open = new Stack<(char Kind, string? Key, int Start)>();
        var i = 0;
        while (i < markup.Length)
        {
            if (StartsWith(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                var key = colon < 0 ? "" : markup.Substring(i + 2, colon - i - 2);
                if (!IsKey(key))
                {
                    throw new FormatException($"{path}: '{{|' at offset {i} must be followed by a diagnostic ID or #n and ':', as in {{|OWN001:x|}} or {{|#0:x|}}.");
                }

                open.Push(('{', key, text.Length));
                i = colon + 1;
            }
            else if (StartsWith(markup, i, "[|"))
            {
                open.Push(('[', null, text.Length));
                i += 2;
            }
            else if (StartsWith(markup, i, "|}") || StartsWith(markup, i, "|]"))
            {
                var kind = markup[i + 1] == '}' ? '{' : '[';
                if (open.Count == 0 || open.Peek().Kind != kind)
                {
                    throw new FormatException($"{path}: '{markup.Substring(i, 2)}' at offset {i} closes nothing that is open.");
                }

                var (_, key, start) = open.Pop();
                spans.Add(new MarkedSpan(key, TextSpan.FromBounds(start, text.Length)));
                i += 2;
            }
            else
            {
                text.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"{path}: markup '{open.Peek().Key ?? "[|"}' is never closed.");
        }

        spans.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : a.Span.End.CompareTo(b.Span.End));
        return new MarkupDocument(path, SourceText.From(text.ToString()), spans);
    }

    private static bool StartsWith(string s, int index, string value) => string.CompareOrdinal(s, index, value, 0, value.Length) == 0;

    private static bool IsKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        var body = key[0] == '#' ? key.Substring(1) : key;
        if (body.Length == 0)
        {
            return false;
        }

        foreach (var c in body)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return key[0] != '#' || int.TryParse(body, out _);
    }
}
