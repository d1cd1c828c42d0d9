using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Ownership.Analyzers.Tests.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Robustness;

/// <summary>One source to mutate: where it came from, and its text without markup.</summary>
public sealed record Seed(string Name, string Text);

/// <summary>
/// The sources the robustness tests start from: every member snippet of every <c>TheoryData&lt;string&gt;</c> in the rule
/// tests (found by reflection, so new rule tests are covered), wrapped as their tests wrap them, plus the sample program
/// and the allocator sources of the repository.
/// </summary>
internal static class RobustnessSeeds
{
    private static readonly Lazy<IReadOnlyList<Seed>> LazyAll = new(Collect);

    public static IReadOnlyList<Seed> All => LazyAll.Value;

    /// <summary>The rule-test seeds only: small, valid, and each exercising one rule.</summary>
    public static IEnumerable<Seed> RuleTests => All.Where(s => s.Name.StartsWith("Rules/", StringComparison.Ordinal));

    /// <summary>
    /// The seeds as written, then <paramref name="variants"/> broken variants of them: variant i mutates seed
    /// i × <paramref name="stride"/> (modulo the count), with mutation number <paramref name="first"/> + i. Every other
    /// variant is broken only in binding and still parses, as code being edited often does.
    /// </summary>
    public static IEnumerable<(string Name, string Text)> WithVariants(IReadOnlyList<Seed> seeds, int variants, int stride, int first)
    {
        foreach (var seed in seeds)
        {
            yield return (seed.Name, seed.Text);
        }

        for (var variant = 0; variant < variants; variant++)
        {
            var seed = seeds[(variant * stride) % seeds.Count];
            var mutated = variant % 2 == 1 ? SourceMutator.MutateBinding(seed.Text, first + variant) : SourceMutator.Mutate(seed.Text, first + variant);
            yield return ($"{seed.Name} variant {variant}", mutated.Text);
        }
    }

    private static IReadOnlyList<Seed> Collect()
    {
        var seeds = new List<Seed>();
        var ruleTests = typeof(TestCode).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(TestCode).Namespace && t.IsClass && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in ruleTests)
        {
            // Helper types a test class declares for its snippets (const strings of declarations).
            var types = string.Concat(type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (string)f.GetRawConstantValue()!)
                .Where(text => text.Contains("class ", StringComparison.Ordinal) || text.Contains("struct ", StringComparison.Ordinal)));
            foreach (var property in type.GetProperties(BindingFlags.Static | BindingFlags.Public).Where(p => p.PropertyType == typeof(TheoryData<string>)).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                var data = (TheoryData<string>)property.GetValue(null)!;
                var index = 0;
                foreach (var row in (IEnumerable<object[]>)data)
                {
                    var members = (string)row[0];
                    var text = MarkupDocument.Parse("Test0.cs", TestCode.Members(members, types)).Text.ToString();
                    seeds.Add(new Seed($"Rules/{type.Name}.{property.Name}[{index++}]", text));
                }
            }
        }

        var root = RepositoryRoot();
        if (root is not null)
        {
            var files = new List<string>();
            var samples = Path.Combine(root, "samples");
            if (Directory.Exists(samples))
            {
                files.AddRange(Directory.GetFiles(samples, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
            }

            var allocators = Path.Combine(root, "src", "Ownership.Allocators");
            if (Directory.Exists(allocators))
            {
                files.AddRange(Directory.GetFiles(allocators, "*.cs", SearchOption.TopDirectoryOnly));
            }

            foreach (var file in files.OrderBy(f => f, StringComparer.Ordinal))
            {
                seeds.Add(new Seed(Path.GetRelativePath(root, file).Replace('\\', '/'), File.ReadAllText(file)));
            }
        }

        return seeds;
    }

    private static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ownership.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
