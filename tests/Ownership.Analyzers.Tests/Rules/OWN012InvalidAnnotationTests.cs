using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN012InvalidAnnotationTests
{
    public static TheoryData<string> Flagged => new()
    {
        "[return: Owned, {|OWN012:Borrowed|}] byte* M() => null;",
        "void M([Owned, {|OWN012:Borrowed|}] out byte* p) { p = null; }",
        "void M([{|OWN012:Transfers|}] int count) { }",
        "void M([{|OWN012:Releases|}] bool flag) { }",
        "void M([{|OWN012:Releases|}] string name) { }",
        "void M([{|OWN012:Transfers|}] DayOfWeek day) { }",
        "void M([{|OWN012:Releases|}] byte* block) { block[0] = 0; }",
        "void M([{|OWN012:Releases|}] IntPtr handle) { }",
        "void M([{|OWN012:Transfers|}] Handle handle) { handle.Value = 1; }",
        "[return: {|OWN012:Borrowed(\"source\")|}] byte* M(byte* buffer) => buffer;",
        "void M([{|OWN012:Borrowed(\"other\")|}] byte* buffer) { }",
        "void M([{|OWN012:Owned|}] byte* buffer) { Api.Destroy(buffer); }",
        "[{|OWN012:Releases|}] static void M() { }",
        "[{|OWN012:Invalidates|}] static void M() { }",
        "[{|OWN012:Owned|}] int count;",
        "[{|OWN012:Owned|}] string Name { get; set; } = \"\";",
    };

    public static TheoryData<string> Silent => new()
    {
        "[return: Owned] byte* M() => Api.Create(1);",
        "[return: Borrowed(nameof(buffer))] byte* M([Borrowed] byte* buffer) => buffer;",
        "void M([Releases] byte* block) { Api.Destroy(block); }",
        "void M([Releases] IntPtr handle) { Marshal.FreeHGlobal(handle); }",
        "void M([Transfers] Handle handle) { Api.Close(handle); }",
        "void M([Releases] Handle handle) { handle.Dispose(); }",
        "void M([Releases] Handle handle) { using (handle) { } }",
        "byte* kept; void M([Transfers] byte* block) { kept = block; }",
        "void M([Owned] out IntPtr handle) { handle = Marshal.AllocHGlobal(4); }",
        "[Owned] IntPtr handle;",
        "[Owned] byte* block;",
        "[Invalidates] void Grow() { }",
        "[Releases] void Close() { }",
        "void M([Releases] GCHandle handle) { handle.Free(); }",
        "void M([Releases] byte* block) => Helper(block); void Helper(byte* b) => Api.Destroy(b);",
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_invalid_annotation(string members) => AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task An_owned_type_nothing_can_release_is_flagged()
    {
        return AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(TestCode.Prelude + """
            [{|OWN012:Owned|}] public sealed class Token { }
            [Owned] public sealed class Closable { [Releases] public void Close() { } }
            """);
    }

    [Fact]
    public Task Messages_say_how_to_fix()
    {
        return AnalyzerVerifier<AnnotationAnalyzer>.VerifyAsync(
            TestCode.Members("[return: {|#0:Borrowed(\"source\")|}] byte* M(byte* buffer) => buffer;"),
            AnalyzerVerifier<AnnotationAnalyzer>.Diagnostic("OWN012").WithLocation(0)
                .WithMessage("[Borrowed(\"source\")] names no parameter of 'M' (its parameters are buffer); use nameof(parameter), or [Borrowed] for 'this'"));
    }
}
