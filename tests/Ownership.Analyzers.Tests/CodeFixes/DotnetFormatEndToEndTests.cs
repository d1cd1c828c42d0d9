using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace Ownership.Analyzers.Tests.CodeFixes;

/// <summary>
/// The code fixes as a user meets them outside the IDE: a throwaway project loads the built analyzer and code-fix
/// assemblies, <c>dotnet format analyzers</c> applies the fixes, and the result builds with no OWN warning.
/// </summary>
public sealed class DotnetFormatEndToEndTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("ownership-format-");

    [Fact]
    public void Dotnet_format_applies_the_fixes_and_the_result_builds_clean()
    {
        var assemblies = AppContext.BaseDirectory;
        var project = Path.Combine(_temp.FullName, "Fixed.csproj");

        // Stops the search for the repository's Directory.Build.props and central package versions.
        File.WriteAllText(Path.Combine(_temp.FullName, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_temp.FullName, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Path.Combine(assemblies, "Ownership.Annotations.dll")}" />
                <Analyzer Include="{Path.Combine(assemblies, "Ownership.Analyzers.dll")}" />
                <Analyzer Include="{Path.Combine(assemblies, "Ownership.CodeFixes.dll")}" />
              </ItemGroup>
            </Project>
            """);
        Write("Leaks.cs", LeakSource);
        Write("Returns.cs", ReturnSource);
        Write("Dangling.cs", DanglingSource);
        Write("Deallocators.cs", DeallocatorSource);

        // One rule per run: dotnet format asks each fixer for its equivalence key with the first diagnostic of the run,
        // whatever its ID, so in a run with OWN003 and OWN009 the OWN003 fixer is asked about an OWN009 and fixes nothing.
        // The detailed log lists the diagnostics found before fixing: each rule must have been reported.
        var restore = true;
        foreach (var id in new[] { "OWN003", "OWN009", "OWN010", "OWN011" })
        {
            var arguments = new[] { "format", "analyzers", project, "--diagnostics", id, "--severity", "info", "-v", "d" };
            var (format, formatLog) = Dotnet(restore ? arguments : arguments.Append("--no-restore").ToArray());
            restore = false;
            Assert.True(format == 0, formatLog);
            Assert.Matches($"(warning|error) {id}", formatLog);
            Assert.DoesNotContain("Unable to fix", formatLog);
        }

        Assert.Equal(Normalize(LeakFixed), Normalize(Read("Leaks.cs")));
        Assert.Equal(Normalize(ReturnFixed), Normalize(Read("Returns.cs")));
        Assert.Equal(Normalize(DanglingFixed), Normalize(Read("Dangling.cs")));
        Assert.Equal(Normalize(DeallocatorFixed), Normalize(Read("Deallocators.cs")));

        var (build, buildLog) = Dotnet("build", project, "-nologo", "--disable-build-servers", "--no-restore");
        Assert.True(build == 0, buildLog);
        Assert.DoesNotContain("warning OWN", buildLog);
    }

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

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_temp.FullName, name), text);

    private string Read(string name) => File.ReadAllText(Path.Combine(_temp.FullName, name));

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd();

    private (int ExitCode, string Log) Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _temp.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBuildSDKsPath"] = null;
        start.Environment["MSBUILD_EXE_PATH"] = null;
        start.Environment["MSBuildExtensionsPath"] = null;

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"dotnet {string.Join(" ", arguments)} timed out:\n{log}");
        }

        process.WaitForExit();
        return (process.ExitCode, $"dotnet {string.Join(" ", arguments)}:\n{log}");
    }

    private const string LeakSource = """
        using System.Runtime.InteropServices;

        namespace Fixed;

        public static unsafe class Leaks
        {
            public static int Sum(int n)
            {
                byte* p = (byte*)NativeMemory.Alloc((nuint)n);
                int total = 0;
                for (int i = 0; i < n; i++)
                {
                    p[i] = (byte)i;
                    total += p[i];
                }

                return total;
            }
        }
        """;

    private const string LeakFixed = """
        using System.Runtime.InteropServices;

        namespace Fixed;

        public static unsafe class Leaks
        {
            public static int Sum(int n)
            {
                byte* p = (byte*)NativeMemory.Alloc((nuint)n);
                try
                {
                    int total = 0;
                    for (int i = 0; i < n; i++)
                    {
                        p[i] = (byte)i;
                        total += p[i];
                    }

                    return total;
                }
                finally
                {
                    NativeMemory.Free(p);
                }
            }
        }
        """;

    private const string ReturnSource = """
        using System.Runtime.InteropServices;

        namespace Fixed;

        public static unsafe class Returns
        {
            public static void* Make(int n) => NativeMemory.Alloc((nuint)n);
        }
        """;

    private const string ReturnFixed = """
        using System.Runtime.InteropServices;
        using Ownership;

        namespace Fixed;

        public static unsafe class Returns
        {
            [return: Owned]
            public static void* Make(int n) => NativeMemory.Alloc((nuint)n);
        }
        """;

    private const string DanglingSource = """
        using System;
        using System.Runtime.InteropServices;
        using Ownership;

        namespace Fixed;

        public sealed unsafe class Block : IDisposable
        {
            [Owned("native")] private byte* _data = (byte*)NativeMemory.Alloc(16);

            public void Clear()
            {
                NativeMemory.Free(_data);
            }

            public void Dispose()
            {
                NativeMemory.Free(_data);
                _data = null;
            }
        }
        """;

    private const string DanglingFixed = """
        using System;
        using System.Runtime.InteropServices;
        using Ownership;

        namespace Fixed;

        public sealed unsafe class Block : IDisposable
        {
            [Owned("native")] private byte* _data = (byte*)NativeMemory.Alloc(16);

            public void Clear()
            {
                NativeMemory.Free(_data);
                _data = null;
            }

            public void Dispose()
            {
                NativeMemory.Free(_data);
                _data = null;
            }
        }
        """;

    private const string DeallocatorSource = """
        using System.Runtime.InteropServices;

        namespace Fixed;

        public static unsafe class Simd
        {
            public static float Sum(int count)
            {
                float* lanes = (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
                float sum = 0;
                for (int i = 0; i < count; i++) sum += lanes[i] = i;
                NativeMemory.Free(lanes);
                return sum;
            }
        }
        """;

    private const string DeallocatorFixed = """
        using System.Runtime.InteropServices;

        namespace Fixed;

        public static unsafe class Simd
        {
            public static float Sum(int count)
            {
                float* lanes = (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
                float sum = 0;
                for (int i = 0; i < count; i++) sum += lanes[i] = i;
                NativeMemory.AlignedFree(lanes);
                return sum;
            }
        }
        """;
}
