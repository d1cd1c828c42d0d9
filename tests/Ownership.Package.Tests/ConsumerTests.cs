using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Ownership.Package.Tests;

/// <summary>What a user gets from the packed package in a project of their own: diagnostics, configuration, contracts, SARIF, older targets.</summary>
[Collection(PackageCollection.Name)]
public class ConsumerTests
{
    private const string HelpLink = "https://github.com/ownership-dotnet/Ownership/blob/main/docs/rules/OWN001.md";

    private readonly PackedPackage _package;

    public ConsumerTests(PackedPackage package) => _package = package;

    private ConsumerBuild Consumer => _package.Consumer;

    [Fact]
    public void OWN001_is_a_build_error_with_file_line_and_message()
    {
        var line = ConsumerSources.LineOf(ConsumerSources.UseAfterFree, "return buffer[0];");
        var freed = ConsumerSources.LineOf(ConsumerSources.UseAfterFree, "NativeMemory.Free(buffer);");

        Assert.NotEqual(0, Consumer.Build.ExitCode);
        var reported = Assert.Single(ConsumerBuild.Diagnostics(Consumer.Build.Log, "UseAfterFree.cs", "OWN001"));
        Assert.Contains($"UseAfterFree.cs({line},", reported, StringComparison.Ordinal);
        Assert.Contains("error OWN001: 'buffer' is used after it was released by 'NativeMemory.Free(buffer)' at line " + freed, reported, StringComparison.Ordinal);
    }

    [Fact]
    public void Editorconfig_severity_downgrades_OWN001_to_a_warning()
    {
        var line = ConsumerSources.LineOf(ConsumerSources.Downgraded, "return buffer[0];");

        var reported = Assert.Single(ConsumerBuild.Diagnostics(Consumer.Build.Log, "Downgraded.cs", "OWN001"));
        Assert.Contains($"Downgraded.cs({line},", reported, StringComparison.Ordinal);
        Assert.Contains("warning OWN001:", reported, StringComparison.Ordinal);
    }

    [Fact]
    public void Contract_file_in_AdditionalFiles_declares_an_unannotated_method_owned()
    {
        var leak = ConsumerSources.LineOf(ConsumerSources.Contract, "var handle = Handles.Open(name);");

        var reported = Assert.Single(ConsumerBuild.Diagnostics(Consumer.Build.Log, "Contract.cs", "OWN003"));
        Assert.Contains($"Contract.cs({leak},", reported, StringComparison.Ordinal);
        Assert.Contains("'handle' acquired by 'Handles.Open(name)'", reported, StringComparison.Ordinal);
        Assert.Empty(ConsumerBuild.Diagnostics(Consumer.Build.Log, "native.ownership.txt", "OWN012"));
    }

    [Fact]
    public void ErrorLog_writes_SARIF_with_rule_id_help_link_and_related_locations()
    {
        Assert.True(File.Exists(Consumer.SarifPath), $"no {ConsumerBuild.SarifFileName} in {Consumer.Directory}:\n{Consumer.Build.Log}");
        using var sarif = JsonDocument.Parse(File.ReadAllText(Consumer.SarifPath));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = sarif.RootElement.GetProperty("runs")[0];

        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "OWN001");
        Assert.Equal(HelpLink, rule.GetProperty("helpUri").GetString());

        var result = run.GetProperty("results").EnumerateArray().First(r => r.GetProperty("ruleId").GetString() == "OWN001" && r.GetProperty("level").GetString() == "error");
        Assert.Contains("UseAfterFree.cs", result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
        var related = result.GetProperty("relatedLocations").EnumerateArray().Select(l => l.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32()).ToList();
        Assert.Contains(ConsumerSources.LineOf(ConsumerSources.UseAfterFree, "NativeMemory.Alloc(16)"), related);
        Assert.Contains(ConsumerSources.LineOf(ConsumerSources.UseAfterFree, "NativeMemory.Free(buffer);"), related);
    }

    [Fact]
    public void Clean_code_on_the_allocators_from_lib_builds_without_diagnostics()
    {
        Assert.DoesNotContain("Allocators.cs(", Consumer.Build.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Allocators.cs(", Consumer.Build8.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("CS9057", Consumer.Build.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("error CS", Consumer.Build.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_net8_consumer_builds_against_lib_net8_and_reports_OWN001()
    {
        var line = ConsumerSources.LineOf(ConsumerSources.UseAfterFree, "return buffer[0];");

        Assert.NotEqual(0, Consumer.Build8.ExitCode);
        var reported = Assert.Single(ConsumerBuild.Diagnostics(Consumer.Build8.Log, "UseAfterFree.cs", "OWN001"));
        Assert.Contains($"UseAfterFree.cs({line},", reported, StringComparison.Ordinal);
        Assert.Contains("error OWN001:", reported, StringComparison.Ordinal);
        Assert.Contains("Consumer8.csproj", reported, StringComparison.Ordinal);
        Assert.DoesNotContain("error CS", Consumer.Build8.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("error NU", Consumer.Build8.Log, StringComparison.Ordinal);
    }
}
