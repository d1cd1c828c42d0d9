using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Ownership.Package.Tests;

/// <summary>
/// Two throwaway consumer projects that install the packed package from a local folder feed, the way a user would:
/// <c>Consumer</c> (net10.0) and <c>Consumer8</c> (net8.0, compiling the same use-after-free file). One restore serves
/// both; each is built once, and the tests read the build output, the SARIF log and the sources.
/// </summary>
/// <remarks>
/// Packages restore into a folder of their own (globalPackagesFolder), with the machine's packages folder as a fallback,
/// so nothing is written to the shared cache; the package version is unique to the run, so no stale copy can be used.
/// The consumer keeps every package source this machine has (<c>dotnet nuget list source</c>) and adds the local feed.
/// </remarks>
public sealed class ConsumerBuild
{
    public const string SarifFileName = "out.sarif";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    public ConsumerBuild(PackedPackage package)
    {
        Root = package.CreateDirectory("consumers");
        Directory = Path.Combine(Root, "Consumer");
        Directory8 = Path.Combine(Root, "Consumer8");
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(Directory8);
        WriteSolutionFiles(package);
        foreach (var (name, text) in ConsumerSources.Files)
        {
            File.WriteAllText(Path.Combine(Directory, name), text);
        }

        // One restore for both projects.
        var restore = DotNet.Run(Root, Timeout, "restore", "Consumers.slnx", "--disable-build-servers", "-nologo");
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet restore of the consumers failed:\n{restore.Log}");
        }

        Build = DotNet.Run(Directory, Timeout, "build", "Consumer.csproj", "--no-restore", "-p:ErrorLog=" + SarifFileName + "%2Cversion=2.1", "-tl:off", "--disable-build-servers", "-nologo");
        Build8 = DotNet.Run(Directory8, Timeout, "build", "Consumer8.csproj", "--no-restore", "-tl:off", "--disable-build-servers", "-nologo");
    }

    /// <summary>The directory holding both consumers, their NuGet.config and the solution.</summary>
    public string Root { get; }

    /// <summary>The net10.0 consumer.</summary>
    public string Directory { get; }

    /// <summary>The net8.0 consumer.</summary>
    public string Directory8 { get; }

    /// <summary>The net10.0 consumer's build, with <c>-p:ErrorLog=out.sarif%2Cversion=2.1</c>.</summary>
    public (int ExitCode, string Log) Build { get; }

    /// <summary>The net8.0 consumer's build.</summary>
    public (int ExitCode, string Log) Build8 { get; }

    public string SarifPath => Path.Combine(Directory, SarifFileName);

    /// <summary>The build output lines that report <paramref name="ruleId"/> in <paramref name="file"/>.</summary>
    public static IReadOnlyList<string> Diagnostics(string log, string file, string ruleId) =>
        log.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(file + "(", StringComparison.Ordinal) && l.Contains(" " + ruleId + ":", StringComparison.Ordinal)).Distinct().ToList();

    private void WriteSolutionFiles(PackedPackage package)
    {
        var packages = Path.Combine(Root, "packages");
        var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var sources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "ownership-local"), new XAttribute("value", package.FeedDirectory)));
        var index = 0;
        foreach (var source in MachineSources())
        {
            sources.Add(new XElement("add", new XAttribute("key", "machine-" + index++), new XAttribute("value", source)));
        }

        var config = new XElement(
            "configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", packages))),
            sources,
            new XElement("fallbackPackageFolders", new XElement("clear"), new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", fallback))));
        File.WriteAllText(Path.Combine(Root, "NuGet.config"), config.ToString());

        // Stop MSBuild's upward search for Directory.*.props at the consumers' root (the temp directory may be anywhere).
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(Root, "Consumers.slnx"), """
            <Solution>
              <Project Path="Consumer/Consumer.csproj" />
              <Project Path="Consumer8/Consumer8.csproj" />
            </Solution>
            """);

        File.WriteAllText(Path.Combine(Directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ownership" Version="{package.Version}" />
                <AdditionalFiles Include="native.ownership.txt" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Directory8, "Consumer8.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ownership" Version="{package.Version}" />
                <Compile Include="../Consumer/UseAfterFree.cs" />
                <Compile Include="../Consumer/Allocators.cs" />
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>The enabled package sources of this machine, as <c>dotnet nuget list source</c> shows them.</summary>
    private static IEnumerable<string> MachineSources()
    {
        var (exitCode, log) = DotNet.Run(Path.GetTempPath(), TimeSpan.FromMinutes(1), "nuget", "list", "source", "--format", "short");
        var sources = exitCode == 0
            ? log.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToList()
            : new List<string>();
        return sources.Count > 0 ? sources : new[] { "https://api.nuget.org/v3/index.json" };
    }
}
