using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.AnalyzerVerifier<Ownership.Analyzers.Tests.Verification.ForbiddenCallAnalyzer>;
using VerifyFix = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<
    Ownership.Analyzers.Tests.Verification.ForbiddenCallAnalyzer,
    Ownership.Analyzers.Tests.Verification.RenameToAllowedFix>;

namespace Ownership.Analyzers.Tests.Verification;

// The analyzers below exist only to test the verifier; the rules for shipped analyzers (RS1026, RS1036-RS1041, RS2008) do not apply.
#pragma warning disable RS1026, RS1036, RS1037, RS1038, RS1041, RS2008

public class VerifierTests
{
    // Line 7, columns 9-20 hold the call; line 3, columns 9-18 the declaration's name.
    private const string OneCall = """
        class C
        {
            int Forbidden(int x = 0) => x;
            int Allowed(int x = 0) => x;
            void M()
            {
                Forbidden();
            }
        }
        """;

    private static string Mark(string find, string markup) => OneCall.Replace(find, markup);

    [Fact]
    public void Markup_strips_nested_and_multiple_spans()
    {
        var document = MarkupDocument.Parse("Test0.cs", "a{|OWN001:b{|#1:c|}d|}e[|f|]g");

        Assert.Equal("abcdefg", document.Text.ToString());
        Assert.Equal(
            new[] { new MarkedSpan("OWN001", TextSpan.FromBounds(1, 4)), new MarkedSpan("#1", TextSpan.FromBounds(2, 3)), new MarkedSpan(null, TextSpan.FromBounds(5, 6)) },
            document.Spans);
    }

    [Theory]
    [InlineData("a{|OWN001:b")]
    [InlineData("a|}b")]
    [InlineData("a[|b|}")]
    [InlineData("a{|not an id:b|}")]
    public void Malformed_markup_is_rejected(string markup)
    {
        Assert.Throws<FormatException>(() => MarkupDocument.Parse("Test0.cs", markup));
    }

    [Fact]
    public Task Square_brackets_expect_the_first_supported_id() => Verify.VerifyAsync(Mark("Forbidden();", "[|Forbidden()|];"));

    [Fact]
    public Task Id_markup_expects_that_id() => Verify.VerifyAsync(Mark("Forbidden();", "{|OWN001:Forbidden()|};"));

    [Fact]
    public Task Nested_markup_expects_each_span() =>
        Verify.VerifyAsync(Mark("Forbidden();", "{|OWN001:Forbidden({|OWN001:Forbidden()|})|};"));

    [Fact]
    public Task Location_markup_with_additional_location_and_arguments()
    {
        var source = Mark("Forbidden();", "{|#0:Forbidden()|};").Replace("int Forbidden(", "int {|#1:Forbidden|}(");
        return Verify.VerifyAsync(source, Verify.Diagnostic("OWN001").WithLocation(0).WithLocation(1).WithArguments("Forbidden"));
    }

    [Fact]
    public Task Nested_location_inside_id_markup()
    {
        var source = Mark("Forbidden();", "{|OWN001:{|#0:Forbidden|}()|}; {|#1:Forbidden()|};");
        return Verify.VerifyAsync(source, Verify.Diagnostic("OWN001").WithLocation(1).WithMessage("'Forbidden' must not be called"));
    }

    [Fact]
    public Task Explicit_span_and_message_fragment() =>
        Verify.VerifyAsync(OneCall, Verify.Diagnostic("OWN001").WithSpan(7, 9, 7, 20).WithSpan(3, 9, 3, 18).WithMessageContaining("must not"));

    [Fact]
    public async Task Several_documents()
    {
        var test = new AnalyzerTest { Source = Mark("Forbidden();", "[|Forbidden()|];") };
        test.AdditionalSources.Add("class D { void N(C c) { } }");
        test.AdditionalSources.Add("class E { int Forbidden() => 0; int N() => [|Forbidden()|]; }");
        await Verify.VerifyAsync(test);
    }

    [Fact]
    public async Task Editor_config_severity_none_silences_the_rule()
    {
        var test = new AnalyzerTest { Source = OneCall, EditorConfig = "dotnet_diagnostic.OWN001.severity = none" };
        await Verify.VerifyAsync(test);
    }

    [Fact]
    public async Task Editor_config_sections_are_read_as_global()
    {
        var test = new AnalyzerTest
        {
            Source = Mark("Forbidden();", "{|OWN001:Forbidden()|};"),
            EditorConfig = "root = true\n\n[*.cs]\ndotnet_diagnostic.OWN001.severity = warning\n",
        };
        await Verify.VerifyAsync(test);
        test.EditorConfig = "[*.cs]\r\ndotnet_diagnostic.OWN001.severity = none\r\n";
        await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(test));
    }

    [Fact]
    public async Task Editor_config_options_reach_the_analyzer()
    {
        var test = new AnalyzerTest
        {
            Source = Mark("Forbidden();", "Forbidden(); [|Allowed()|];"),
            EditorConfig = "is_global = true\nforbidden_method_name = Allowed",
        };
        await Verify.VerifyAsync(test);
    }

    [Fact]
    public async Task Markup_in_additional_files()
    {
        var test = new AnalyzerTest { Source = Mark("Forbidden();", "[|Forbidden()|];") };
        test.AdditionalFiles.Add(("contracts.ownership.txt", "# a comment\nM:C.Allowed ok\n{|OWN012:M:C.Forbidden forbidden|}\n"));
        await Verify.VerifyAsync(test);
    }

    [Fact]
    public async Task Compiler_errors_fail_unless_allowed()
    {
        var broken = Mark("Forbidden();", "[|Forbidden()|]; Missing();");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(broken));
        Assert.Contains("CS0103", failure.Message);
        Assert.Contains("Test0.cs 7:22-7:29", failure.Message);

        await Verify.VerifyAsync(new AnalyzerTest { Source = broken, AllowCompilerErrors = true });
    }

    [Fact]
    public async Task Analyzer_exception_fails_with_the_exception()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AnalyzerVerifier<ThrowingAnalyzer>.VerifyAsync(OneCall));
        Assert.Contains("analyzer bug", failure.Message);
    }

    [Fact]
    public async Task Wrong_span_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(Mark("Forbidden();", "{|OWN001:Forbidden|}();")));
        Assert.Contains("missing: OWN001 Test0.cs 7:9-7:18", failure.Message);
        Assert.Contains("unexpected: OWN001 Test0.cs 7:9-7:20", failure.Message);
        Assert.Contains("|         Forbidden();", failure.Message);
    }

    [Fact]
    public async Task Missing_diagnostic_fails()
    {
        var source = Mark("Forbidden();", "[|Forbidden()|]; [|Allowed()|];");
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(source));
        Assert.Contains("missing: OWN001 Test0.cs 7:22-7:31", failure.Message);
        Assert.DoesNotContain("unexpected", failure.Message);
    }

    [Fact]
    public async Task Extra_diagnostic_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(OneCall));
        Assert.Contains("unexpected: OWN001 Test0.cs 7:9-7:20: 'Forbidden' must not be called", failure.Message);
    }

    [Fact]
    public async Task Wrong_id_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(Mark("Forbidden();", "{|OWN002:Forbidden()|};")));
        Assert.Contains("missing: OWN002 Test0.cs 7:9-7:20", failure.Message);
        Assert.Contains("never reports OWN002", failure.Message);
        Assert.Contains("unexpected: OWN001 Test0.cs 7:9-7:20", failure.Message);
    }

    [Fact]
    public async Task Wrong_additional_location_fails()
    {
        var source = Mark("Forbidden();", "{|#0:Forbidden()|};").Replace("int Allowed(", "int {|#1:Allowed|}(");
        var failure = await Assert.ThrowsAnyAsync<Exception>(
            () => Verify.VerifyAsync(source, Verify.Diagnostic("OWN001").WithLocation(0).WithLocation(1)));
        Assert.Contains("additional locations", failure.Message);
        Assert.Contains("Test0.cs 4:9-4:16", failure.Message);
        Assert.Contains("Test0.cs 3:9-3:18", failure.Message);
    }

    [Fact]
    public async Task Wrong_message_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(
            () => Verify.VerifyAsync(OneCall, Verify.Diagnostic("OWN001").WithSpan(7, 9, 7, 20).WithMessage("something else")));
        Assert.Contains("expected \"something else\"", failure.Message);
        Assert.Contains("but was \"'Forbidden' must not be called\"", failure.Message);
    }

    [Fact]
    public async Task Wrong_arguments_and_fragment_fail()
    {
        await Assert.ThrowsAnyAsync<Exception>(
            () => Verify.VerifyAsync(OneCall, Verify.Diagnostic("OWN001").WithSpan(7, 9, 7, 20).WithArguments("Allowed")));
        await Assert.ThrowsAnyAsync<Exception>(
            () => Verify.VerifyAsync(OneCall, Verify.Diagnostic("OWN001").WithSpan(7, 9, 7, 20).WithMessageContaining("released")));
    }

    [Fact]
    public async Task Wrong_markup_in_additional_file_fails()
    {
        var test = new AnalyzerTest { Source = Mark("Forbidden();", "[|Forbidden()|];") };
        test.AdditionalFiles.Add(("contracts.ownership.txt", "{|OWN012:M:C.Allowed ok|}\nM:C.Forbidden forbidden\n"));
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Verify.VerifyAsync(test));
        Assert.Contains("missing: OWN012 contracts.ownership.txt 1:1-1:15", failure.Message);
        Assert.Contains("unexpected: OWN012 contracts.ownership.txt 2:1-2:24", failure.Message);
    }

    [Fact]
    public Task Code_fix_renames_the_call() =>
        VerifyFix.VerifyCodeFixAsync(Mark("Forbidden();", "[|Forbidden()|];"), Mark("Forbidden();", "Allowed();"), RenameToAllowedFix.Key);

    [Fact]
    public Task Code_fix_is_applied_one_diagnostic_at_a_time() =>
        VerifyFix.VerifyCodeFixAsync(
            Mark("Forbidden();", "{|OWN001:Forbidden({|OWN001:Forbidden()|})|}; [|Forbidden()|];"),
            Mark("Forbidden();", "Allowed(Allowed()); Allowed();"));

    [Fact]
    public Task Diagnostics_without_a_fix_may_remain_when_marked_in_the_fixed_source() =>
        VerifyFix.VerifyCodeFixAsync(
            Mark("Forbidden();", "[|Forbidden()|]; [|this.Forbidden()|];"),
            Mark("Forbidden();", "Allowed(); [|this.Forbidden()|];"));

    [Fact]
    public async Task Unmarked_remaining_diagnostic_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => VerifyFix.VerifyCodeFixAsync(
            Mark("Forbidden();", "[|Forbidden()|]; [|this.Forbidden()|];"),
            Mark("Forbidden();", "Allowed(); this.Forbidden();")));
        Assert.Contains("unexpected: OWN001 Test0.cs 7:20-7:36", failure.Message);
    }

    [Fact]
    public async Task Wrong_fixed_source_fails_with_a_diff()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => VerifyFix.VerifyCodeFixAsync(
            Mark("Forbidden();", "[|Forbidden()|];"),
            Mark("Forbidden();", "Permitted();")));
        Assert.Contains("-         Permitted();", failure.Message);
        Assert.Contains("+         Allowed();", failure.Message);
        Assert.Contains("\n      void M()", failure.Message);
    }

    [Fact]
    public async Task Fixed_source_that_does_not_compile_fails()
    {
        var source = Mark("Forbidden();", "[|Forbidden()|];").Replace("int Allowed(int x = 0) => x;", "");
        var @fixed = Mark("Forbidden();", "Allowed();").Replace("int Allowed(int x = 0) => x;", "");
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => VerifyFix.VerifyCodeFixAsync(source, @fixed));
        Assert.Contains("fixed source does not compile", failure.Message);
        Assert.Contains("CS0103", failure.Message);
    }

    [Fact]
    public async Task Unknown_equivalence_key_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => VerifyFix.VerifyCodeFixAsync(
            Mark("Forbidden();", "[|Forbidden()|];"), Mark("Forbidden();", "Allowed();"), "SomeOtherFix"));
        Assert.Contains("offered no fix with equivalence key 'SomeOtherFix'", failure.Message);
    }

    [Fact]
    public async Task No_fix_is_verified()
    {
        await VerifyFix.VerifyNoFixAsync(Mark("Forbidden();", "[|this.Forbidden()|];"));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => VerifyFix.VerifyNoFixAsync(Mark("Forbidden();", "[|Forbidden()|];")));
        Assert.Contains("offers 'Call Allowed'", failure.Message);
    }

    [Fact]
    public Task Fix_all_in_document() =>
        VerifyFix.VerifyFixAllAsync(
            Mark("Forbidden();", "[|Forbidden()|]; [|Forbidden()|]; [|this.Forbidden()|];"),
            Mark("Forbidden();", "Allowed(); Allowed(); [|this.Forbidden()|];"));

    [Theory]
    [InlineData(FixAllScope.Document, "class D : C { int N() => [|Forbidden()|]; }")]
    [InlineData(FixAllScope.Project, "class D : C { int N() => Allowed(); }")]
    [InlineData(FixAllScope.Solution, "class D : C { int N() => Allowed(); }")]
    public Task Fix_all_scopes_over_two_documents(FixAllScope scope, string fixedSecond) =>
        VerifyFix.VerifyFixAllAsync(
            new[] { BaseClass.Replace("CALL", "[|Forbidden()|]"), "class D : C { int N() => [|Forbidden()|]; }" },
            new[] { BaseClass.Replace("CALL", "Allowed()"), fixedSecond },
            scope);

    private const string BaseClass = """
        public class C
        {
            protected int Forbidden() => 0;
            protected int Allowed() => 0;
            void M() { CALL; }
        }
        """;
}

/// <summary>Test-only: calls of a method named "Forbidden" (or the option forbidden_method_name) are OWN001; lines of *.ownership.txt files saying "forbidden" are OWN012.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ForbiddenCallAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Call = new("OWN001", "Forbidden call", "'{0}' must not be called", "Test", DiagnosticSeverity.Error, true);

    public static readonly DiagnosticDescriptor Line = new("OWN012", "Forbidden line", "This contract line is forbidden", "Test", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Call, Line);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(Analyze, OperationKind.Invocation);
        context.RegisterCompilationAction(AnalyzeContracts);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var name = context.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("forbidden_method_name", out var configured) ? configured : "Forbidden";
        if (invocation.TargetMethod.Name == name)
        {
            var declaration = invocation.TargetMethod.Locations.Where(l => l.IsInSource);
            context.ReportDiagnostic(Diagnostic.Create(Call, invocation.Syntax.GetLocation(), declaration, name));
        }
    }

    private static void AnalyzeContracts(CompilationAnalysisContext context)
    {
        foreach (var file in context.Options.AdditionalFiles.Where(f => f.Path.EndsWith(".ownership.txt", StringComparison.Ordinal)))
        {
            var text = file.GetText(context.CancellationToken)!;
            foreach (var line in text.Lines.Where(l => l.ToString().Contains("forbidden", StringComparison.Ordinal)))
            {
                context.ReportDiagnostic(Diagnostic.Create(Line, Location.Create(file.Path, line.Span, text.Lines.GetLinePositionSpan(line.Span))));
            }
        }
    }
}

/// <summary>Test-only: renames a simple call "Forbidden(…)" to "Allowed(…)"; offers nothing for "this.Forbidden()".</summary>
[ExportCodeFixProvider(LanguageNames.CSharp)]
public sealed class RenameToAllowedFix : CodeFixProvider
{
    public const string Key = "RenameToAllowed";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("OWN001");

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Expression: IdentifierNameSyntax name })
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Call Allowed",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(name, SyntaxFactory.IdentifierName("Allowed").WithTriviaFrom(name)))),
                Key),
            context.Diagnostics);
    }
}

/// <summary>Test-only: an analyzer with a bug.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(ForbiddenCallAnalyzer.Call);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(_ => throw new InvalidOperationException("analyzer bug"), OperationKind.Invocation);
    }
}
