using System.IO;

namespace Ownership.Allocators;

/// <summary>A place in the program where memory was allocated, released or checked.</summary>
/// <param name="Member">The calling member, or <c>null</c> when unknown.</param>
/// <param name="FilePath">The full path of the calling source file, or <c>null</c> when unknown.</param>
/// <param name="Line">The line in <paramref name="FilePath"/>, or 0 when unknown.</param>
/// <param name="StackTrace">The full stack trace, when <see cref="CheckedAllocatorOptions.CaptureStackTraces"/> is on; otherwise <c>null</c>.</param>
public sealed record CallSite(string? Member, string? FilePath, int Line, string? StackTrace = null)
{
    /// <summary>A site the caller did not describe (for example a call through <see cref="IAllocator"/>).</summary>
    public static CallSite Unknown { get; } = new(null, null, 0);

    /// <summary>Whether the site names a source file.</summary>
    public bool IsKnown => FilePath is { Length: > 0 } || Member is { Length: > 0 };

    /// <summary>The short form used in messages: <c>File.cs:12</c>, or the member name when no file is known.</summary>
    public override string ToString()
    {
        if (FilePath is { Length: > 0 })
        {
            return $"{Path.GetFileName(FilePath)}:{Line}";
        }

        return Member is { Length: > 0 } ? Member : "an unknown site (enable CheckedAllocatorOptions.CaptureStackTraces)";
    }
}
