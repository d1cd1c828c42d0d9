using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Sdk;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>Compiles test sources the way every test sees them, and runs one analyzer over the result.</summary>
internal static class TestCompilation
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Every assembly the test host trusts, plus Ownership.Annotations and Ownership.Allocators; built once.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilationOptions Options(TestConfig config) =>
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(config.Severities);

    public static CSharpCompilation Create(TestInput input)
    {
        var trees = input.Sources.Select(d => CSharpSyntaxTree.ParseText(d.Text, ParseOptions, d.Path));
        return CSharpCompilation.Create("Test", trees, References.AddRange(input.AdditionalReferences), Options(input.Config));
    }

    /// <summary>Fails the test on any compiler error, listing each with its line.</summary>
    public static void AssertNoCompilerErrors(Compilation compilation, TestInput input, string when)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count == 0)
        {
            return;
        }

        var message = new StringBuilder($"The {when} does not compile (set AllowCompilerErrors to allow it):\n");
        foreach (var error in errors)
        {
            message.Append(DiagnosticFormat.Actual(error, input)).Append('\n');
        }

        throw new XunitException(message.ToString());
    }

    /// <summary>The analyzer's diagnostics; an exception thrown by the analyzer (AD0001) fails the test with that exception.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, DiagnosticAnalyzer analyzer, TestInput input)
    {
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(input.AdditionalTexts, input.Config.OptionsProvider),
            (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create(analyzer), options)
            .GetAnalyzerDiagnosticsAsync()
            .ConfigureAwait(false);

        if (!exceptions.IsEmpty)
        {
            throw new XunitException($"{analyzer.GetType().Name} threw:\n{string.Join("\n\n", exceptions)}");
        }

        var crashes = diagnostics.Where(d => d.Id == "AD0001").ToList();
        if (crashes.Count > 0)
        {
            throw new XunitException($"{analyzer.GetType().Name} threw:\n{string.Join("\n\n", crashes.Select(d => d.GetMessage()))}");
        }

        return diagnostics;
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var ownership = new[]
        {
            typeof(OwnedAttribute).Assembly.Location,
            Path.Combine(AppContext.BaseDirectory, "Ownership.Allocators.dll"),
        };

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return trusted.Concat(ownership)
            .Where(path => seen.Add(Path.GetFileName(path)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
