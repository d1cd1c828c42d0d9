using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace Ownership.Package.Tests;

[Collection(PackageCollection.Name)]
public class PackageLayoutTests
{
    private readonly PackedPackage _package;

    public PackageLayoutTests(PackedPackage package) => _package = package;

    [Theory]
    [InlineData("analyzers/dotnet/cs/Ownership.Analyzers.dll")]
    [InlineData("analyzers/dotnet/cs/Ownership.CodeFixes.dll")]
    [InlineData("lib/netstandard2.0/Ownership.Annotations.dll")]
    [InlineData("lib/net8.0/Ownership.Annotations.dll")]
    [InlineData("lib/net8.0/Ownership.Allocators.dll")]
    [InlineData("README.md")]
    public void Package_contains(string entry) => Assert.Contains(entry, _package.Entries);

    [Fact]
    public void Analyzers_folder_holds_only_our_two_assemblies()
    {
        var analyzers = _package.Entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).OrderBy(e => e, StringComparer.Ordinal);
        Assert.Equal(new[] { "analyzers/dotnet/cs/Ownership.Analyzers.dll", "analyzers/dotnet/cs/Ownership.CodeFixes.dll" }, analyzers);
    }

    [Fact]
    public void Package_ships_no_roslyn_assembly_and_no_package_build_output()
    {
        Assert.DoesNotContain(_package.Entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(_package.Entries, e => e.EndsWith("Ownership.Package.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void Nuspec_has_id_readme_and_no_roslyn_dependency()
    {
        var metadata = _package.Nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("Ownership", Value(metadata, "id"));
        Assert.Equal(_package.Version, Value(metadata, "version"));
        Assert.StartsWith(PackedPackage.BaseVersion + "-", _package.Version, StringComparison.Ordinal);
        Assert.Equal("README.md", Value(metadata, "readme"));

        var dependencies = _package.Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id") ?? "");
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
