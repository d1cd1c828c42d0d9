using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>Everything one analyzer test needs beyond a single source; every source and file may carry markup.</summary>
public sealed class AnalyzerTest
{
    /// <summary>The first document (Test0.cs), as markup.</summary>
    public string Source { get; set; } = "";

    /// <summary>More documents (Test1.cs, Test2.cs, …), as markup.</summary>
    public List<string> AdditionalSources { get; } = new();

    /// <summary>Additional files, e.g. <c>("contracts.ownership.txt", "…")</c>; markup in them marks diagnostics located in the file.</summary>
    public List<(string Path, string Text)> AdditionalFiles { get; } = new();

    /// <summary>
    /// Analyzer config text (options and <c>dotnet_diagnostic.ID.severity</c>), read as a global config:
    /// <c>is_global = true</c> may be left out, and section headers such as <c>[*.cs]</c> are ignored.
    /// </summary>
    public string? EditorConfig { get; set; }

    /// <summary>When false (the default), a compiler error in the sources fails the test.</summary>
    public bool AllowCompilerErrors { get; set; }

    /// <summary>Expectations beyond those written as <c>{|ID:…|}</c> or <c>[|…|]</c> in the markup.</summary>
    public List<ExpectedDiagnostic> ExpectedDiagnostics { get; } = new();

    /// <summary>References beyond the runtime, Ownership.Annotations and Ownership.Allocators.</summary>
    public List<MetadataReference> AdditionalReferences { get; } = new();
}
