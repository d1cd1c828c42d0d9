using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

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

        /// <summary>Every attribute above.</summary>
        public static readonly ImmutableArray<string> All = ImmutableArray.Create(Owned, Borrowed, Transfers, Releases, Invalidates, MustDisposeResource, HandlesResourceDisposal);

        /// <summary>
        /// The full name of an attribute this package reads, or null for any other. Most attributes met are the runtime's
        /// (Nullable, CompilerGenerated…): they are ruled out by their short name before the costly full name is formatted.
        /// </summary>
        public static string? Of(AttributeData attribute)
        {
            if (attribute.AttributeClass is not { } attributeClass)
            {
                return null;
            }

            switch (attributeClass.Name)
            {
                case "OwnedAttribute":
                case "BorrowedAttribute":
                case "TransfersAttribute":
                case "ReleasesAttribute":
                case "InvalidatesAttribute":
                case "MustDisposeResourceAttribute":
                case "HandlesResourceDisposalAttribute":
                    return attributeClass.ToDisplayString();
                default:
                    return null;
            }
        }
    }
}
