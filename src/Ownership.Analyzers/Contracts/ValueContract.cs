using System;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>What a declaration says about the value at one position (a return, a parameter, <c>this</c>, a field, a type).</summary>
    public enum ContractKind
    {
        /// <summary>Nothing declared: a plain borrow that the callee might keep.</summary>
        None,

        /// <summary>The holder must release it exactly once or transfer it.</summary>
        Owned,

        /// <summary>Used during the call only (parameter), or a view into a source (return).</summary>
        Borrowed,

        /// <summary>The callee takes ownership.</summary>
        Transfers,

        /// <summary>The callee releases it now.</summary>
        Releases,

        /// <summary>The call may move or discard its storage; borrows taken from it become stale.</summary>
        Invalidates,
    }

    /// <summary>One contract: its kind and, for owned and released values, the allocator family; for borrows, the source.</summary>
    public readonly struct ValueContract : IEquatable<ValueContract>
    {
        /// <summary>No contract.</summary>
        public static readonly ValueContract None = default;

        /// <summary>Creates a contract.</summary>
        public ValueContract(ContractKind kind, string? family = null, string? borrowSource = null)
        {
            Kind = kind;
            Family = string.IsNullOrEmpty(family) ? null : family;
            BorrowSource = string.IsNullOrEmpty(borrowSource) ? null : borrowSource;
        }

        /// <summary>The kind of contract.</summary>
        public ContractKind Kind { get; }

        /// <summary>The allocator family of an owned or released value, or null for any.</summary>
        public string? Family { get; }

        /// <summary>For a borrowed return: the parameter it points into, or null for <c>this</c>.</summary>
        public string? BorrowSource { get; }

        /// <summary>True when something is declared.</summary>
        public bool IsSome => Kind != ContractKind.None;

        /// <inheritdoc />
        public bool Equals(ValueContract other) => Kind == other.Kind && Family == other.Family && BorrowSource == other.BorrowSource;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is ValueContract other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => ((int)Kind * 397) ^ (Family?.GetHashCode() ?? 0) ^ (BorrowSource?.GetHashCode() ?? 0);

        /// <inheritdoc />
        public override string ToString() => Kind.ToString().ToLowerInvariant() + (Family is null ? string.Empty : ":" + Family) + (BorrowSource is null ? string.Empty : ":" + BorrowSource);
    }
}
