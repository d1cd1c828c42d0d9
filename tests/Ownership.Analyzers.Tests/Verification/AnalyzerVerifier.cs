using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>
/// Runs <typeparamref name="TAnalyzer"/> over markup sources and checks its diagnostics.
/// Markup: <c>{|OWN001:text|}</c> expects an OWN001 on exactly that span; <c>[|text|]</c> expects the analyzer's
/// first supported diagnostic (its only one, for a single-rule analyzer) there; <c>{|#0:text|}</c> marks location 0
/// for <see cref="ExpectedDiagnostic.WithLocation"/>. Markup nests. Only the IDs the analyzer supports are compared;
/// compiler warnings are ignored, compiler errors fail the test unless <see cref="AnalyzerTest.AllowCompilerErrors"/>.
/// </summary>
public static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task VerifyAsync(string markup, params ExpectedDiagnostic[] expected)
    {
        var test = new AnalyzerTest { Source = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return VerifyAsync(test);
    }

    public static async Task VerifyAsync(AnalyzerTest test)
    {
        var analyzer = new TAnalyzer();
        var input = TestInput.From(test);
        var compilation = TestCompilation.Create(input);
        if (!test.AllowCompilerErrors)
        {
            TestCompilation.AssertNoCompilerErrors(compilation, input, "test source");
        }

        var actual = await TestCompilation.AnalyzeAsync(compilation, analyzer, input);
        DiagnosticAssert.Equal(input, new DiagnosticAnalyzerInfo(analyzer), test.ExpectedDiagnostics, actual);
    }

    /// <summary>An expected diagnostic with <paramref name="id"/>; give it a location with WithLocation or WithSpan.</summary>
    public static ExpectedDiagnostic Diagnostic(string id) => new(id);
}
