using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>The analyzers measured, loaded from their assemblies as a compiler host loads them.</summary>
internal sealed class AnalyzerSets
{
    private AnalyzerSets(ImmutableArray<DiagnosticAnalyzer> ownership, ImmutableArray<DiagnosticAnalyzer> netAnalyzers, ImmutableArray<DiagnosticAnalyzer> disposableAnalyzers)
    {
        Ownership = ownership;
        NetAnalyzers = netAnalyzers;
        IDisposableAnalyzers = disposableAnalyzers;
        Ca2000 = netAnalyzers.Where(a => a.SupportedDiagnostics.Any(d => d.Id == "CA2000")).ToImmutableArray();
        Ca2213 = netAnalyzers.Where(a => a.SupportedDiagnostics.Any(d => d.Id == "CA2213")).ToImmutableArray();
    }

    /// <summary>Every DiagnosticAnalyzer in Ownership.Analyzers.dll.</summary>
    public ImmutableArray<DiagnosticAnalyzer> Ownership { get; }

    /// <summary>Every C# analyzer of Microsoft.CodeAnalysis.NetAnalyzers (default rule set, plus CA2000 and CA2213).</summary>
    public ImmutableArray<DiagnosticAnalyzer> NetAnalyzers { get; }

    /// <summary>Every C# analyzer of IDisposableAnalyzers.</summary>
    public ImmutableArray<DiagnosticAnalyzer> IDisposableAnalyzers { get; }

    /// <summary>The NetAnalyzers type that reports CA2000 (DisposeObjectsBeforeLosingScope).</summary>
    public ImmutableArray<DiagnosticAnalyzer> Ca2000 { get; }

    /// <summary>The NetAnalyzers type that reports CA2213 (DisposableFieldsShouldBeDisposed).</summary>
    public ImmutableArray<DiagnosticAnalyzer> Ca2213 { get; }

    public static AnalyzerSets Load()
    {
        var ownership = FromFiles(Path.Combine(AppContext.BaseDirectory, "Ownership.Analyzers.dll"));
        var net = FromFolder(AnalyzerPaths.NetAnalyzers);
        var disposable = FromFolder(AnalyzerPaths.IDisposableAnalyzers);
        return new AnalyzerSets(ownership, net, disposable);
    }

    /// <summary>
    /// The analyzers of another build of Ownership.Analyzers.dll (in <paramref name="folder"/>), in a load context of
    /// their own so that both builds run in one process: an A/B comparison in which the machine's load falls on both.
    /// </summary>
    public static ImmutableArray<DiagnosticAnalyzer> OwnershipBuildIn(string folder)
    {
        var path = Path.Combine(Path.GetFullPath(folder), "Ownership.Analyzers.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No Ownership.Analyzers.dll in '{folder}': give the output folder of another build.", path);
        }

        return new AnalyzerFileReference(path, new IsolatedLoader(Path.GetDirectoryName(path)!)).GetAnalyzers(LanguageNames.CSharp);
    }

    private static ImmutableArray<DiagnosticAnalyzer> FromFolder(string packageFolder)
    {
        var folder = Path.Combine(packageFolder, "analyzers", "dotnet", "cs");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"No analyzers in '{folder}': restore the benchmark project first.");
        }

        return FromFiles(Directory.GetFiles(folder, "*.dll"));
    }

    private static ImmutableArray<DiagnosticAnalyzer> FromFiles(params string[] paths)
    {
        var loader = new LoadFromLoader();
        foreach (var path in paths)
        {
            loader.AddDependencyLocation(path);
        }

        return paths
            .SelectMany(path => new AnalyzerFileReference(path, loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
    }

    private sealed class LoadFromLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    /// <summary>Loads Ownership's assemblies from one folder; Roslyn and the runtime come from the default context.</summary>
    private sealed class IsolatedLoader : AssemblyLoadContext, IAnalyzerAssemblyLoader
    {
        private readonly string folder;

        public IsolatedLoader(string folder)
            : base("Ownership build in " + folder)
        {
            this.folder = folder;
        }

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => LoadFromAssemblyPath(fullPath);

        protected override Assembly? Load(AssemblyName name)
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            return name.Name!.StartsWith("Ownership.", StringComparison.Ordinal) && File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
