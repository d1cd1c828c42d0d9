using System;

namespace Ownership.Allocators;

/// <summary>
/// A reference to a value in a <see cref="SlotMap{T}"/>: a slot index and the generation the slot had when the value was added.
/// Removing the value bumps the generation, so an old handle is detected as stale instead of reaching whatever reused the slot.
/// The default handle refers to nothing.
/// </summary>
public readonly struct Handle : IEquatable<Handle>
{
    /// <summary>Creates a handle from its parts (normally only <see cref="SlotMap{T}"/> does).</summary>
    /// <param name="index">The slot index.</param>
    /// <param name="generation">The slot's generation.</param>
    public Handle(int index, int generation)
    {
        Index = index;
        Generation = generation;
    }

    /// <summary>The slot index.</summary>
    public int Index { get; }

    /// <summary>The slot's generation when the value was added; live generations are never 0.</summary>
    public int Generation { get; }

    /// <summary>Whether two handles refer to the same slot and generation.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns><c>true</c> when they are equal.</returns>
    public static bool operator ==(Handle left, Handle right) => left.Equals(right);

    /// <summary>Whether two handles differ in slot or generation.</summary>
    /// <param name="left">The first handle.</param>
    /// <param name="right">The second handle.</param>
    /// <returns><c>true</c> when they differ.</returns>
    public static bool operator !=(Handle left, Handle right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Handle other) => Index == other.Index && Generation == other.Generation;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Handle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Index, Generation);

    /// <summary>The form used in messages: <c>Handle(3, gen 2)</c>.</summary>
    /// <returns>The handle's index and generation.</returns>
    public override string ToString() => $"Handle({Index}, gen {Generation})";
}
