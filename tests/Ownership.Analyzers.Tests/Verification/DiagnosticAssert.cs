using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>An expectation with its locations resolved to spans and its arguments formatted into a message.</summary>
internal sealed record ResolvedExpectation(string Id, ImmutableArray<(string Path, TextSpan Span)> Locations, string? Message, string? MessageFragment);

/// <summary>Compares the diagnostics an analyzer reported with those a test expects, and explains any difference.</summary>
internal static class DiagnosticAssert
{
    /// <summary>
    /// Markup <c>{|ID:…|}</c> and <c>[|…|]</c> in the inputs plus <paramref name="explicitExpectations"/> must match the
    /// actual diagnostics whose IDs are in <paramref name="comparedIds"/> (by default: all the analyzer supports), one to one.
    /// An expectation of an ID the analyzer never reports fails, unless <paramref name="comparedIds"/> leaves that ID out.
    /// </summary>
    public static void Equal(
        TestInput input,
        DiagnosticAnalyzerInfo analyzer,
        IEnumerable<ExpectedDiagnostic> explicitExpectations,
        IEnumerable<Diagnostic> actualDiagnostics,
        IReadOnlyCollection<string>? comparedIds = null)
    {
        var ids = comparedIds ?? analyzer.SupportedIds;
        var expected = FromMarkup(input, analyzer)
            .Concat(explicitExpectations.Select(e => Resolve(e, input, analyzer)))
            .Where(e => comparedIds is null || comparedIds.Contains(e.Id))
            .OrderBy(e => e.Locations.IsEmpty ? "" : e.Locations[0].Path, StringComparer.Ordinal)
            .ThenBy(e => e.Locations.IsEmpty ? -1 : e.Locations[0].Span.Start)
            .ToList();
        var actual = actualDiagnostics
            .Where(d => ids.Contains(d.Id))
            .OrderBy(d => d.Location.GetLineSpan().Path ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();

        var problems = new List<string>();
        var unmatched = new List<Diagnostic>(actual);
        foreach (var expectation in expected)
        {
            var samePlace = unmatched.Where(d => d.Id == expectation.Id && SameLocation(expectation, d)).ToList();
            var match = samePlace.FirstOrDefault(d => Differences(expectation, d, input).Count == 0);
            if (match is not null)
            {
                unmatched.Remove(match);
            }
            else if (samePlace.Count > 0)
            {
                unmatched.Remove(samePlace[0]);
                problems.Add($"wrong details: {DiagnosticFormat.Expected(expectation, input)}\n" +
                    string.Concat(Differences(expectation, samePlace[0], input).Select(d => $"      {d}\n")).TrimEnd('\n'));
            }
            else
            {
                var note = analyzer.SupportedIds.Contains(expectation.Id) ? "" : $" ({analyzer.Name} never reports {expectation.Id})";
                problems.Add($"missing: {DiagnosticFormat.Expected(expectation, input)}{note}");
            }
        }

        problems.AddRange(unmatched.Select(d => $"unexpected: {DiagnosticFormat.Actual(d, input)}"));
        if (problems.Count == 0)
        {
            return;
        }

        var message = new StringBuilder($"Diagnostics of {analyzer.Name} differ from the expected ones.\n");
        foreach (var problem in problems)
        {
            message.Append("  ").Append(problem).Append('\n');
        }

        message.Append($"\nExpected ({expected.Count}):\n");
        foreach (var expectation in expected)
        {
            message.Append("  ").Append(DiagnosticFormat.Expected(expectation, input)).Append('\n');
        }

        message.Append($"\nActual ({actual.Count}):\n");
        foreach (var diagnostic in actual)
        {
            message.Append("  ").Append(DiagnosticFormat.Actual(diagnostic, input)).Append('\n');
        }

        throw new XunitException(message.ToString());
    }

    private static IEnumerable<ResolvedExpectation> FromMarkup(TestInput input, DiagnosticAnalyzerInfo analyzer)
    {
        foreach (var document in input.AllDocuments)
        {
            foreach (var marked in document.Spans.Where(s => s.Key is null || s.Key[0] != '#'))
            {
                yield return new ResolvedExpectation(
                    marked.Key ?? analyzer.DefaultId,
                    ImmutableArray.Create((document.Path, marked.Span)),
                    null,
                    null);
            }
        }
    }

    private static ResolvedExpectation Resolve(ExpectedDiagnostic expected, TestInput input, DiagnosticAnalyzerInfo analyzer)
    {
        var locations = expected.Locations.Select(location =>
        {
            if (location.MarkupKey is int key)
            {
                return input.ResolveMarkupKey(key);
            }

            var path = location.Path ?? input.Sources[0].Path;
            var text = input.FindText(path) ?? throw new InvalidOperationException($"WithSpan names '{path}', which is not a document of the test.");
            return (path, text.Lines.GetTextSpan(location.Span));
        }).ToImmutableArray();

        var message = expected.Message;
        if (message is null && expected.Arguments is not null)
        {
            var descriptor = analyzer.Descriptor(expected.Id)
                ?? throw new InvalidOperationException($"WithArguments: {analyzer.Name} has no descriptor {expected.Id}.");
            message = string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), expected.Arguments);
        }

        return new ResolvedExpectation(expected.Id, locations, message, expected.MessageFragment);
    }

    private static bool SameLocation(ResolvedExpectation expected, Diagnostic actual)
    {
        return expected.Locations.IsEmpty
            ? actual.Location.Kind == LocationKind.None
            : Same(expected.Locations[0], actual.Location);
    }

    private static bool Same((string Path, TextSpan Span) expected, Location actual) =>
        actual.Kind != LocationKind.None && actual.GetLineSpan().Path == expected.Path && actual.SourceSpan == expected.Span;

    private static List<string> Differences(ResolvedExpectation expected, Diagnostic actual, TestInput input)
    {
        var differences = new List<string>();
        var message = actual.GetMessage(CultureInfo.InvariantCulture);
        if (expected.Message is not null && message != expected.Message)
        {
            differences.Add($"message: expected \"{expected.Message}\"\n               but was \"{message}\"");
        }

        if (expected.MessageFragment is not null && !message.Contains(expected.MessageFragment, StringComparison.Ordinal))
        {
            differences.Add($"message: expected to contain \"{expected.MessageFragment}\"\n               but was \"{message}\"");
        }

        var additional = expected.Locations.Skip(1).ToList();
        if (additional.Count > 0 &&
            (additional.Count != actual.AdditionalLocations.Count || additional.Where((l, i) => !Same(l, actual.AdditionalLocations[i])).Any()))
        {
            differences.Add("additional locations: expected\n" +
                string.Concat(additional.Select(l => $"        {DiagnosticFormat.Location(l.Path, l.Span, input)}\n")) +
                "      but were\n" +
                string.Join("\n", actual.AdditionalLocations.Select(l => $"        {DiagnosticFormat.Location(l, input)}")));
        }

        return differences;
    }
}

/// <summary>What the comparison needs to know of an analyzer.</summary>
internal sealed class DiagnosticAnalyzerInfo
{
    private readonly ImmutableArray<DiagnosticDescriptor> _descriptors;

    public DiagnosticAnalyzerInfo(Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer analyzer)
    {
        Name = analyzer.GetType().Name;
        _descriptors = analyzer.SupportedDiagnostics;
        SupportedIds = _descriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyCollection<string> SupportedIds { get; }

    /// <summary>The ID <c>[|…|]</c> stands for: the first supported descriptor's.</summary>
    public string DefaultId => _descriptors.IsEmpty ? throw new InvalidOperationException($"{Name} supports no diagnostic.") : _descriptors[0].Id;

    public DiagnosticDescriptor? Descriptor(string id) => _descriptors.FirstOrDefault(d => d.Id == id);
}

/// <summary>Prints a diagnostic as "ID path line:col-line:col: message", the source line below, then its additional locations.</summary>
internal static class DiagnosticFormat
{
    public static string Expected(ResolvedExpectation expected, TestInput input)
    {
        if (expected.Locations.IsEmpty)
        {
            return $"{expected.Id} (no location){MessagePart(expected)}";
        }

        var (path, span) = expected.Locations[0];
        var (where, line) = Describe(path, span, input.FindText(path));
        var text = new StringBuilder($"{expected.Id} {where}{MessagePart(expected)}{line}");
        foreach (var (additionalPath, additionalSpan) in expected.Locations.Skip(1))
        {
            text.Append($"\n      also at {Location(additionalPath, additionalSpan, input)}");
        }

        return text.ToString();
    }

    public static string Actual(Diagnostic diagnostic, TestInput input)
    {
        var (where, line) = Describe(diagnostic.Location, input);
        var text = new StringBuilder($"{diagnostic.Id} {where}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}{line}");
        foreach (var additional in diagnostic.AdditionalLocations)
        {
            text.Append($"\n      also at {Location(additional, input)}");
        }

        return text.ToString();
    }

    public static string Location(Location location, TestInput input)
    {
        var (where, line) = Describe(location, input);
        return where + line;
    }

    public static string Location(string path, TextSpan span, TestInput input)
    {
        var (where, line) = Describe(path, span, input.FindText(path));
        return where + line;
    }

    private static (string Where, string Line) Describe(Location location, TestInput input)
    {
        if (location.Kind == LocationKind.None)
        {
            return ("(no location)", "");
        }

        var path = location.GetLineSpan().Path;
        return Describe(path, location.SourceSpan, location.SourceTree?.GetText() ?? input.FindText(path));
    }

    private static (string Where, string Line) Describe(string path, TextSpan span, SourceText? text)
    {
        if (text is null || span.End > text.Length)
        {
            return ($"{path} @{span}", "");
        }

        var lines = text.Lines.GetLinePositionSpan(span);
        var line = text.Lines[lines.Start.Line].ToString().TrimEnd();
        return ($"{path} {lines.Start.Line + 1}:{lines.Start.Character + 1}-{lines.End.Line + 1}:{lines.End.Character + 1}", $"\n      | {line}");
    }

    private static string MessagePart(ResolvedExpectation expected) =>
        expected.Message is not null ? $" message \"{expected.Message}\""
        : expected.MessageFragment is not null ? $" message containing \"{expected.MessageFragment}\""
        : "";
}
