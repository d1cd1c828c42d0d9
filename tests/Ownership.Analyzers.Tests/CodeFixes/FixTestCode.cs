using System.Linq;
using Ownership.Analyzers.Tests.Rules;

namespace Ownership.Analyzers.Tests.CodeFixes;

/// <summary>Members indented inside class <c>C</c>, as the formatter lays out what a fix writes.</summary>
internal static class FixTestCode
{
    public static string Members(string members, string types = "") =>
        TestCode.Members(string.Join("\n", members.Replace("\r\n", "\n").Split('\n').Select(l => l.Length == 0 ? l : "    " + l)), types);
}
