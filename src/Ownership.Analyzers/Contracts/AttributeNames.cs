namespace Ownership.Analyzers.Contracts
{
    /// <summary>The attributes the analyzers read, matched by full name so that a user's own copy works too.</summary>
    internal static class AttributeNames
    {
        public const string Owned = "Ownership.OwnedAttribute";
        public const string Borrowed = "Ownership.BorrowedAttribute";
        public const string Transfers = "Ownership.TransfersAttribute";
        public const string Releases = "Ownership.ReleasesAttribute";
        public const string Invalidates = "Ownership.InvalidatesAttribute";
        public const string MustDisposeResource = "JetBrains.Annotations.MustDisposeResourceAttribute";
        public const string HandlesResourceDisposal = "JetBrains.Annotations.HandlesResourceDisposalAttribute";
    }
}
