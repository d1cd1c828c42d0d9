using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace Ownership.Package.Tests;

/// <summary>
/// Packs src/Ownership.Package once, into a temporary directory with its own build output (artifacts-path), so the
/// pack neither needs nor disturbs the solution's bin/ and obj/ folders, and checks what a user gets from
/// <c>dotnet add package Ownership</c>.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("ownership-pack-");

    public PackedPackage()
    {
        var root = FindRepositoryRoot();
        var output = Path.Combine(_temp.FullName, "out");
        var (exitCode, log) = Run(
            root,
            "pack", Path.Combine("src", "Ownership.Package", "Ownership.Package.csproj"),
            "-c", "Release",
            "-o", output,
            "--artifacts-path", Path.Combine(_temp.FullName, "artifacts"),
            "--disable-build-servers",
            "-nologo");
        var package = Path.Combine(output, "Ownership.0.1.0.nupkg");
        if (exitCode != 0 || !File.Exists(package))
        {
            throw new InvalidOperationException($"dotnet pack failed with exit code {exitCode}:\n{log}");
        }

        using var zip = ZipFile.OpenRead(package);
        Entries = zip.Entries.Select(e => e.FullName).ToList();
        using var nuspec = zip.Entries.Single(e => e.FullName == "Ownership.nuspec").Open();
        Nuspec = XDocument.Load(nuspec);
    }

    public IReadOnlyList<string> Entries { get; }

    public XDocument Nuspec { get; }

    public void Dispose()
    {
        try
        {
            _temp.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test over.
        }
    }

    private static (int ExitCode, string Log) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host may run inside an MSBuild process; its variables would steer the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "dotnet pack timed out after 5 minutes:\n" + log);
        }

        process.WaitForExit();
        return (process.ExitCode, log.ToString());
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ownership.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Ownership.sln above {AppContext.BaseDirectory}.");
    }
}

public class PackageLayoutTests : IClassFixture<PackedPackage>
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
        Assert.Equal("0.1.0", Value(metadata, "version"));
        Assert.Equal("README.md", Value(metadata, "readme"));

        var dependencies = _package.Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id") ?? "");
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
