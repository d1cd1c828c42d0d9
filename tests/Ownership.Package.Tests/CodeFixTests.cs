using System;
using System.IO;
using Xunit;

namespace Ownership.Package.Tests;

/// <summary><c>dotnet format analyzers</c> applies the package's code fixes in a consumer project.</summary>
[Collection(PackageCollection.Name)]
public class CodeFixTests
{
    private readonly PackedPackage _package;

    public CodeFixTests(PackedPackage package) => _package = package;

    [Fact]
    public void Dotnet_format_analyzers_applies_the_OWN011_fix()
    {
        var consumer = _package.Consumer;
        var file = Path.Combine(consumer.Directory, "FixMe.cs");
        Assert.Single(ConsumerBuild.Diagnostics(consumer.Build.Log, "FixMe.cs", "OWN011"));

        var (exitCode, log) = DotNet.Run(
            consumer.Directory,
            TimeSpan.FromMinutes(4),
            "format", "analyzers", "Consumer.csproj", "--diagnostics", "OWN011", "--severity", "info", "--no-restore");

        Assert.True(exitCode == 0, $"dotnet format exited with {exitCode}:\n{log}");
        var text = File.ReadAllText(file);
        Assert.Contains("[return: Owned]", text, StringComparison.Ordinal);
        Assert.Contains("using Ownership;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[return: Owned]", File.ReadAllText(Path.Combine(consumer.Directory, "UseAfterFree.cs")), StringComparison.Ordinal);
    }
}
