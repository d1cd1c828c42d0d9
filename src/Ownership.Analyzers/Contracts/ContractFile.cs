using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>One parsed line of a contract file: a documentation-comment ID and its <c>key=value</c> pairs.</summary>
    public sealed class ContractLine
    {
        internal ContractLine(string path, int lineNumber, TextSpan span, string memberId, ImmutableArray<KeyValuePair<string, ValueContract>> entries)
        {
            Path = path;
            LineNumber = lineNumber;
            Span = span;
            MemberId = memberId;
            Entries = entries;
        }

        /// <summary>The file the line came from.</summary>
        public string Path { get; }

        /// <summary>The 1-based line number.</summary>
        public int LineNumber { get; }

        /// <summary>The span of the line's text in its file.</summary>
        public TextSpan Span { get; }

        /// <summary>The documentation-comment ID, for example <c>M:System.Runtime.InteropServices.NativeMemory.Free(System.Void*)</c>.</summary>
        public string MemberId { get; }

        /// <summary>The keys (<c>return</c>, <c>this</c>, <c>value</c> or a parameter name) and their contracts.</summary>
        public ImmutableArray<KeyValuePair<string, ValueContract>> Entries { get; }
    }

    /// <summary>A problem in a contract file, reported as OWN012 at its line.</summary>
    public sealed class ContractError
    {
        internal ContractError(string path, int lineNumber, TextSpan span, LinePositionSpan lineSpan, string message)
        {
            Path = path;
            LineNumber = lineNumber;
            Span = span;
            LineSpan = lineSpan;
            Message = message;
        }

        /// <summary>The file.</summary>
        public string Path { get; }

        /// <summary>The 1-based line number.</summary>
        public int LineNumber { get; }

        /// <summary>The span of the offending line.</summary>
        public TextSpan Span { get; }

        /// <summary>The line and column span of the offending line.</summary>
        public LinePositionSpan LineSpan { get; }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; }
    }

    /// <summary>
    /// Parses the contract format shared by the built-in catalog and users' <c>*.ownership.txt</c> files:
    /// a documentation-comment ID, then <c>key=kind[:detail]</c> pairs; <c>#</c> starts a comment.
    /// </summary>
    public static class ContractFile
    {
        /// <summary>The suffix that makes an AdditionalFiles item a contract file.</summary>
        public const string Suffix = ".ownership.txt";

        /// <summary>Parses every line of <paramref name="text"/>; malformed lines become errors, never silence.</summary>
        public static void Parse(string path, SourceText text, List<ContractLine> lines, List<ContractError> errors)
        {
            foreach (var textLine in text.Lines)
            {
                var raw = textLine.ToString();
                var comment = CommentStart(raw);
                var content = (comment >= 0 ? raw.Substring(0, comment) : raw).Trim();
                if (content.Length == 0)
                {
                    continue;
                }

                var lineNumber = textLine.LineNumber + 1;
                var error = ParseLine(content, out var memberId, out var entries);
                if (error is null)
                {
                    lines.Add(new ContractLine(path, lineNumber, textLine.Span, memberId, entries));
                }
                else
                {
                    errors.Add(new ContractError(path, lineNumber, textLine.Span, text.Lines.GetLinePositionSpan(textLine.Span), $"{path}({lineNumber}): {error}"));
                }
            }
        }

        /// <summary>A comment starts at a '#' that begins the line or follows white space ('#ctor' is part of an ID).</summary>
        private static int CommentStart(string line)
        {
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
                {
                    return i;
                }
            }

            return -1;
        }

        private static string? ParseLine(string content, out string memberId, out ImmutableArray<KeyValuePair<string, ValueContract>> entries)
        {
            entries = ImmutableArray<KeyValuePair<string, ValueContract>>.Empty;
            var parts = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            memberId = parts[0];
            if (memberId.Length < 3 || memberId[1] != ':' || "MTFP".IndexOf(memberId[0]) < 0)
            {
                return $"'{memberId}' is not a documentation-comment ID; start the line with M:, T:, F: or P: followed by the member, for example 'M:System.Runtime.InteropServices.NativeMemory.Free(System.Void*) ptr=releases:native'";
            }

            if (parts.Length == 1)
            {
                return $"'{memberId}' has no contract; add key=value pairs such as 'return=owned:native' or 'ptr=releases:native'";
            }

            var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, ValueContract>>(parts.Length - 1);
            for (var i = 1; i < parts.Length; i++)
            {
                var part = parts[i];
                var equals = part.IndexOf('=');
                if (equals <= 0 || equals == part.Length - 1)
                {
                    return $"'{part}' is not a key=value pair; write for example 'return=owned:native', 'this=invalidates' or '<parameter>=releases'";
                }

                var key = part.Substring(0, equals);
                foreach (var existing in builder)
                {
                    if (existing.Key == key)
                    {
                        return $"'{key}' is given twice; give each key once";
                    }
                }

                var error = ParseValue(memberId[0], key, part.Substring(equals + 1), out var contract);
                if (error is not null)
                {
                    return error;
                }

                builder.Add(new KeyValuePair<string, ValueContract>(key, contract));
            }

            entries = builder.MoveToImmutable();
            return null;
        }

        private static string? ParseValue(char memberKind, string key, string value, out ValueContract contract)
        {
            contract = ValueContract.None;
            var colon = value.IndexOf(':');
            var kindText = colon < 0 ? value : value.Substring(0, colon);
            var detail = colon < 0 ? null : value.Substring(colon + 1);
            if (detail is not null && detail.Length == 0)
            {
                return $"'{key}={value}' has an empty detail after ':'; remove the ':' or name the family or source";
            }

            ContractKind kind;
            switch (kindText)
            {
                case "owned": kind = ContractKind.Owned; break;
                case "borrowed": kind = ContractKind.Borrowed; break;
                case "transfers": kind = ContractKind.Transfers; break;
                case "releases": kind = ContractKind.Releases; break;
                case "invalidates": kind = ContractKind.Invalidates; break;
                default:
                    return $"'{kindText}' in '{key}={value}' is not a contract kind; use owned, borrowed, transfers, releases or invalidates";
            }

            if (memberKind != 'M')
            {
                if (key != "value" || kind != ContractKind.Owned)
                {
                    return $"'{key}={value}' does not fit a type, field or property; write 'value=owned' or 'value=owned:<family>'";
                }
            }
            else if (key == "return" && kind != ContractKind.Owned && kind != ContractKind.Borrowed)
            {
                return $"'return={value}' cannot be; a return is owned or borrowed";
            }
            else if (key == "this" && kind != ContractKind.Releases && kind != ContractKind.Transfers && kind != ContractKind.Invalidates)
            {
                return $"'this={value}' cannot be; a method releases, transfers or invalidates 'this'";
            }

            if (detail is not null && (kind == ContractKind.Transfers || kind == ContractKind.Invalidates))
            {
                return $"'{key}={value}' takes no detail; write '{key}={kindText}'";
            }

            contract = kind == ContractKind.Borrowed
                ? new ValueContract(kind, borrowSource: detail)
                : new ValueContract(kind, family: detail);
            return null;
        }
    }
}
