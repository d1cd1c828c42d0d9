using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace Ownership.Analyzers.Tests.Verification;

/// <summary>
/// A diagnostic a test expects. Immutable: each <c>With…</c> returns a new expectation.
/// The first location (<see cref="WithLocation"/> or <see cref="WithSpan(int, int, int, int)"/>) is the primary one;
/// any further ones are the additional locations, compared in order. With a single location, additional locations are not compared.
/// </summary>
public sealed class ExpectedDiagnostic
{
    private ExpectedDiagnostic(string id, ImmutableArray<ExpectedLocation> locations, string? message, string? messageFragment, object[]? arguments)
    {
        Id = id;
        Locations = locations;
        Message = message;
        MessageFragment = messageFragment;
        Arguments = arguments;
    }

    /// <summary>An expectation of a diagnostic with this ID, anywhere until a location is given.</summary>
    public ExpectedDiagnostic(string id)
        : this(id, ImmutableArray<ExpectedLocation>.Empty, null, null, null)
    {
    }

    public string Id { get; }

    internal ImmutableArray<ExpectedLocation> Locations { get; }

    internal string? Message { get; }

    internal string? MessageFragment { get; }

    internal object[]? Arguments { get; }

    /// <summary>The span marked <c>{|#key:…|}</c> in any document of the test.</summary>
    public ExpectedDiagnostic WithLocation(int markupKey) => With(locations: Locations.Add(new ExpectedLocation(markupKey, null, default)));

    /// <summary>A span of the first source document, 1-based lines and columns, end exclusive.</summary>
    public ExpectedDiagnostic WithSpan(int startLine, int startCol, int endLine, int endCol) => WithSpan(null, startLine, startCol, endLine, endCol);

    /// <summary>A span of the document or additional file at <paramref name="path"/>, 1-based lines and columns, end exclusive.</summary>
    public ExpectedDiagnostic WithSpan(string? path, int startLine, int startCol, int endLine, int endCol)
    {
        var span = new LinePositionSpan(new LinePosition(startLine - 1, startCol - 1), new LinePosition(endLine - 1, endCol - 1));
        return With(locations: Locations.Add(new ExpectedLocation(null, path, span)));
    }

    /// <summary>The exact message (invariant culture).</summary>
    public ExpectedDiagnostic WithMessage(string message) => With(message: message);

    /// <summary>A fragment the message must contain.</summary>
    public ExpectedDiagnostic WithMessageContaining(string fragment) => With(messageFragment: fragment);

    /// <summary>The arguments, formatted into the descriptor's message format and compared as the exact message.</summary>
    public ExpectedDiagnostic WithArguments(params object[] args) => With(arguments: args);

    public override string ToString() => Id;

    private ExpectedDiagnostic With(ImmutableArray<ExpectedLocation>? locations = null, string? message = null, string? messageFragment = null, object[]? arguments = null)
    {
        return new ExpectedDiagnostic(
            Id,
            locations ?? Locations,
            message ?? Message,
            messageFragment ?? MessageFragment,
            arguments ?? Arguments);
    }
}

/// <summary>Either a markup key or an explicit line span in a file (null path: the first source document).</summary>
internal readonly record struct ExpectedLocation(int? MarkupKey, string? Path, LinePositionSpan Span);
