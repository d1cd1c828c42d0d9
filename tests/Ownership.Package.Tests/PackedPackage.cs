using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace Ownership.Package.Tests;

/// <summary>Every test that needs the packed package shares one pack: the tests of this collection run one after another, after it.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedPackage>
{
    public const string Name = "Packed package";
}

/// <summary>
/// Packs src/Ownership.Package once, into a temporary directory with its own build output (artifacts-path), so the
/// pack neither needs nor disturbs the solution's bin/ and obj/ folders. The version is unique to this run
/// (<see cref="BaseVersion"/> plus a prerelease stamp), so no copy of another build in any packages folder can stand in for it.
/// </summary>
public sealed class PackedPackage : IDisposable
{
    /// <summary>The version in Directory.Build.props.</summary>
    public const string BaseVersion = "0.1.0";

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("ownership-pack-");
    private readonly Lazy<ConsumerBuild> _consumer;

    public PackedPackage()
    {
        _consumer = new Lazy<ConsumerBuild>(() => new ConsumerBuild(this));
        RepositoryRoot = DotNet.FindRepositoryRoot();
        Version = $"{BaseVersion}-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId}";
        FeedDirectory = Path.Combine(_temp.FullName, "feed");
        var (exitCode, log) = DotNet.Run(
            RepositoryRoot,
            TimeSpan.FromMinutes(5),
            "pack", Path.Combine("src", "Ownership.Package", "Ownership.Package.csproj"),
            "-c", "Release",
            "-o", FeedDirectory,
            "-p:Version=" + Version,
            "--artifacts-path", Path.Combine(_temp.FullName, "artifacts"),
            "--disable-build-servers",
            "-nologo");
        PackagePath = Path.Combine(FeedDirectory, $"Ownership.{Version}.nupkg");
        if (exitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException($"dotnet pack failed with exit code {exitCode}:\n{log}");
        }

        using var zip = ZipFile.OpenRead(PackagePath);
        Entries = zip.Entries.Select(e => e.FullName).ToList();
        using var nuspec = zip.Entries.Single(e => e.FullName == "Ownership.nuspec").Open();
        Nuspec = XDocument.Load(nuspec);
    }

    /// <summary>The package's version, unique to this test run.</summary>
    public string Version { get; }

    /// <summary>The repository the package was packed from.</summary>
    public string RepositoryRoot { get; }

    /// <summary>A folder holding only the .nupkg: a local NuGet feed.</summary>
    public string FeedDirectory { get; }

    /// <summary>The .nupkg.</summary>
    public string PackagePath { get; }

    public IReadOnlyList<string> Entries { get; }

    public XDocument Nuspec { get; }

    /// <summary>The consumer projects, restored and built on first use (once for all the tests that read them).</summary>
    public ConsumerBuild Consumer => _consumer.Value;

    /// <summary>A new directory under this fixture's temporary directory, deleted with it.</summary>
    public string CreateDirectory(string name) => Directory.CreateDirectory(Path.Combine(_temp.FullName, name)).FullName;

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
}
