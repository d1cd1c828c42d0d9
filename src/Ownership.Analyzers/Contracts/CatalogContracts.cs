using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>
    /// The built-in catalog resolved against one compilation a key (a type's name and a member's) at a time. Finding a
    /// line's member (<see cref="DocumentationCommentId"/>) is the costly part of the catalog, so a line is resolved only
    /// when a member of its key is asked about: a compilation pays for the catalog members it uses, not for all of them.
    /// </summary>
    internal sealed class CatalogContracts
    {
        private const string ConstructorName = "ctor";

        private readonly Compilation compilation;
        private readonly ImmutableArray<ContractLine> lines;
        private readonly IReadOnlyDictionary<string, int[]> linesByKey;
        private readonly ConcurrentDictionary<string, ImmutableArray<Entry>> resolved = new ConcurrentDictionary<string, ImmutableArray<Entry>>(StringComparer.Ordinal);
        private readonly Func<string, ImmutableArray<Entry>> resolve;

        public CatalogContracts(Compilation compilation, ImmutableArray<ContractLine> lines, IReadOnlyDictionary<string, int[]> linesByKey)
        {
            this.compilation = compilation;
            this.lines = lines;
            this.linesByKey = linesByKey;
            resolve = Resolve;
        }

        /// <summary>
        /// The indexes of <paramref name="lines"/> under each key (see <see cref="KeyOf(ISymbol)"/>). A plain dictionary,
        /// never written after it is built: it is read for every method and type whose contract is computed.
        /// </summary>
        public static IReadOnlyDictionary<string, int[]> Index(ImmutableArray<ContractLine> lines)
        {
            return Enumerable.Range(0, lines.Length)
                .GroupBy(index => KeyOf(lines[index].MemberId), StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.ToArray(), StringComparer.Ordinal);
        }

        /// <summary>The names of the methods that <paramref name="lines"/> give a contract (constructors are <c>.ctor</c>).</summary>
        public static IEnumerable<string> MethodNames(ImmutableArray<ContractLine> lines)
        {
            foreach (var line in lines)
            {
                if (line.MemberId.StartsWith("M:", StringComparison.Ordinal))
                {
                    var (_, member) = Split(line.MemberId);
                    yield return member == "#ctor" ? WellKnownMemberNames.InstanceConstructorName : WithoutArity(member);
                }
            }
        }

        /// <summary>
        /// The catalog's contract for <paramref name="method"/> (a definition), or null. The method's own ID is compared
        /// with its key's lines (a test keeps the catalog's IDs in the compiler's spelling): cheaper than resolving them.
        /// </summary>
        public MethodContract? Method(IMethodSymbol method)
        {
            if (!linesByKey.TryGetValue(KeyOf(method), out var indexes))
            {
                return null;
            }

            var id = method.GetDocumentationCommentId();
            foreach (var index in indexes)
            {
                if (string.Equals(lines[index].MemberId, id, StringComparison.Ordinal))
                {
                    var contract = ContractProvider.ToMethodContract(lines[index], method, out var error);
                    if (error is null)
                    {
                        return contract;
                    }
                }
            }

            return null;
        }

        /// <summary>The catalog's contract for a type, field or property (a definition), or null.</summary>
        public ValueContract? Value(ISymbol member)
        {
            foreach (var entry in EntriesFor(member))
            {
                if (entry.Method is null && SymbolEqualityComparer.Default.Equals(entry.Symbol, member))
                {
                    return entry.Value;
                }
            }

            return null;
        }

        /// <summary>
        /// The methods of the lines that <paramref name="line"/> accepts, in the catalog's order (deallocators are searched
        /// in it); only those lines are resolved.
        /// </summary>
        public IEnumerable<IMethodSymbol> Methods(Func<ContractLine, bool> line)
        {
            for (var index = 0; index < lines.Length; index++)
            {
                if (!line(lines[index]))
                {
                    continue;
                }

                foreach (var entry in resolved.GetOrAdd(KeyOf(lines[index].MemberId), resolve))
                {
                    if (entry.Line == index && entry.Method is not null)
                    {
                        yield return (IMethodSymbol)entry.Symbol;
                    }
                }
            }
        }

        /// <summary>
        /// What a member is looked up under: its type's name and its own (<c>Marshal.Copy</c>, <c>StreamReader.ctor</c>
        /// for a constructor), so that a call to <c>Array.Copy</c> or a user's <c>Close</c> resolves none of the lines
        /// of <c>Marshal.Copy</c> or <c>Stream.Close</c>. A type is looked up under its name.
        /// </summary>
        internal static string KeyOf(ISymbol symbol)
        {
            if (symbol is ITypeSymbol || symbol.ContainingType is not { } type)
            {
                return symbol.Name;
            }

            return type.Name + "." + (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ? ConstructorName : symbol.Name);
        }

        /// <summary>The same key from a documentation-comment ID: <c>M:System.IO.StreamReader.#ctor(System.IO.Stream)</c> is <c>StreamReader.ctor</c>.</summary>
        internal static string KeyOf(string memberId)
        {
            var (type, member) = Split(memberId);
            if (memberId.StartsWith("T:", StringComparison.Ordinal) || type is null)
            {
                return WithoutArity(member);
            }

            return WithoutArity(type) + "." + (member == "#ctor" ? ConstructorName : WithoutArity(member));
        }

        /// <summary>The last two names of an ID before its parameters: <c>(List`1, Add)</c>, or <c>(null, name)</c> for a name alone.</summary>
        private static (string? Type, string Member) Split(string memberId)
        {
            var end = memberId.IndexOf('(');
            var name = memberId.Substring(2, (end < 0 ? memberId.Length : end) - 2);
            var dot = name.LastIndexOf('.');
            var member = name.Substring(dot + 1);
            if (dot <= 0)
            {
                return (null, member);
            }

            var previous = name.LastIndexOf('.', dot - 1);
            return (name.Substring(previous + 1, dot - previous - 1), member);
        }

        private static string WithoutArity(string name)
        {
            var tick = name.IndexOf('`');
            return tick < 0 ? name : name.Substring(0, tick);
        }

        private ImmutableArray<Entry> EntriesFor(ISymbol symbol)
        {
            var key = KeyOf(symbol);
            if (!linesByKey.ContainsKey(key))
            {
                return ImmutableArray<Entry>.Empty;
            }

            return resolved.TryGetValue(key, out var entries) ? entries : resolved.GetOrAdd(key, resolve);
        }

        private ImmutableArray<Entry> Resolve(string key)
        {
            var entries = ImmutableArray.CreateBuilder<Entry>();
            foreach (var index in linesByKey[key])
            {
                var line = lines[index];
                var symbols = DocumentationCommentId.GetSymbolsForDeclarationId(line.MemberId, compilation);
                if (symbols.IsDefaultOrEmpty)
                {
                    continue;
                }

                foreach (var symbol in symbols)
                {
                    if (symbol is IMethodSymbol method)
                    {
                        // A catalog line that does not fit its method is caught by the catalog's tests, not by users.
                        var contract = ContractProvider.ToMethodContract(line, method, out var error);
                        if (error is null)
                        {
                            entries.Add(new Entry(symbol, index, contract, ValueContract.None));
                        }
                    }
                    else
                    {
                        entries.Add(new Entry(symbol, index, null, line.Entries[0].Value));
                    }
                }
            }

            return entries.ToImmutable();
        }

        private readonly struct Entry
        {
            public Entry(ISymbol symbol, int line, MethodContract? method, ValueContract value)
            {
                Symbol = symbol;
                Line = line;
                Method = method;
                Value = value;
            }

            public ISymbol Symbol { get; }

            public int Line { get; }

            public MethodContract? Method { get; }

            public ValueContract Value { get; }
        }
    }
}
