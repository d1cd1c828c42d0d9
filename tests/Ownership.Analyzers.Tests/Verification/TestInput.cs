using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>An <see cref="AnalyzerTest"/> with its markup parsed: sources Test0.cs, Test1.cs…, additional files, and config.</summary>
internal sealed class TestInput
{
    private TestInput(
        ImmutableArray<MarkupDocument> sources,
        ImmutableArray<MarkupDocument> additionalFiles,
        TestConfig config,
        ImmutableArray<MetadataReference> additionalReferences)
    {
        Sources = sources;
        AdditionalFiles = additionalFiles;
        Config = config;
        AdditionalReferences = additionalReferences;
        AdditionalTexts = additionalFiles.Select(f => (AdditionalText)new TestAdditionalText(f.Path, f.Text)).ToImmutableArray();
    }

    public ImmutableArray<MarkupDocument> Sources { get; }

    public ImmutableArray<MarkupDocument> AdditionalFiles { get; }

    public ImmutableArray<AdditionalText> AdditionalTexts { get; }

    public TestConfig Config { get; }

    public ImmutableArray<MetadataReference> AdditionalReferences { get; }

    public IEnumerable<MarkupDocument> AllDocuments => Sources.Concat(AdditionalFiles);

    public static string SourcePath(int index) => $"Test{index}.cs";

    public static TestInput From(AnalyzerTest test)
    {
        var sources = new[] { test.Source }.Concat(test.AdditionalSources)
            .Select((markup, i) => MarkupDocument.Parse(SourcePath(i), markup))
            .ToImmutableArray();
        var files = test.AdditionalFiles.Select(f => MarkupDocument.Parse(f.Path, f.Text)).ToImmutableArray();
        return new TestInput(sources, files, TestConfig.Parse(test.EditorConfig), test.AdditionalReferences.ToImmutableArray());
    }

    public static TestInput FromSources(IReadOnlyList<string> sources)
    {
        if (sources.Count == 0)
        {
            throw new ArgumentException("At least one source is needed.", nameof(sources));
        }

        var test = new AnalyzerTest { Source = sources[0] };
        test.AdditionalSources.AddRange(sources.Skip(1));
        return From(test);
    }

    public SourceText? FindText(string path) => AllDocuments.FirstOrDefault(d => d.Path == path)?.Text;

    /// <summary>The span marked <c>{|#key:…|}</c>; a key must be marked exactly once across all documents.</summary>
    public (string Path, TextSpan Span) ResolveMarkupKey(int key)
    {
        var name = "#" + key;
        var found = AllDocuments
            .SelectMany(d => d.Spans.Where(s => s.Key == name).Select(s => (d.Path, s.Span)))
            .ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new InvalidOperationException($"Markup location {{|{name}:…|}} is used by an expectation but marked nowhere."),
            _ => throw new InvalidOperationException($"Markup location {{|{name}:…|}} is marked {found.Count} times."),
        };
    }

    private sealed class TestAdditionalText : AdditionalText
    {
        private readonly SourceText _text;

        public TestAdditionalText(string path, SourceText text)
        {
            Path = path;
            _text = text;
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}

/// <summary>
/// The analyzer config of a test, read as one global config: options for <see cref="AnalyzerConfigOptionsProvider"/>, and
/// <c>dotnet_diagnostic.ID.severity</c> entries, which become the compilation's specific diagnostic options.
/// </summary>
internal sealed class TestConfig
{
    private static readonly TestConfig Empty = new(
        ImmutableDictionary<string, string>.Empty.WithComparers(AnalyzerConfigOptions.KeyComparer),
        ImmutableDictionary<string, ReportDiagnostic>.Empty);

    private TestConfig(ImmutableDictionary<string, string> options, ImmutableDictionary<string, ReportDiagnostic> severities)
    {
        Severities = severities;
        OptionsProvider = new Provider(new Options(options));
    }

    public ImmutableDictionary<string, ReportDiagnostic> Severities { get; }

    public AnalyzerConfigOptionsProvider OptionsProvider { get; }

    public static TestConfig Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }

        // Every test file is C#, so section headers such as [*.cs] are dropped and all properties apply everywhere.
        var lines = text.Replace("\r\n", "\n").Split('\n').Where(l => !l.TrimStart().StartsWith('['));
        text = "is_global = true\n" + string.Join("\n", lines.Where(l => !l.Contains("is_global", StringComparison.OrdinalIgnoreCase)));

        var set = AnalyzerConfigSet.Create(new[] { AnalyzerConfig.Parse(text, "/.globalconfig") });
        var global = set.GlobalConfigOptions;
        if (global.Diagnostics.Any())
        {
            throw new InvalidOperationException("EditorConfig: " + string.Join("; ", global.Diagnostics));
        }

        return new TestConfig(global.AnalyzerOptions, global.TreeOptions);
    }

    private sealed class Provider : AnalyzerConfigOptionsProvider
    {
        private readonly AnalyzerConfigOptions _options;

        public Provider(AnalyzerConfigOptions options) => _options = options;

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;
    }

    private sealed class Options : AnalyzerConfigOptions
    {
        private readonly ImmutableDictionary<string, string> _values;

        public Options(ImmutableDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    }
}
