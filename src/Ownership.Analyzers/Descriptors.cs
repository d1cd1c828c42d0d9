using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers
{
    /// <summary>Every rule of the package, in one place; each page lives at docs/rules/{id}.md.</summary>
    public static class Descriptors
    {
        /// <summary>Where each rule's page lives; the rule ID and ".md" are appended.</summary>
        public const string HelpLinkBase = "https://github.com/ownership-dotnet/Ownership/blob/main/docs/rules/";

        private const string Lifetime = "Ownership.Lifetime";
        private const string Borrowing = "Ownership.Borrowing";
        private const string TypeDesign = "Ownership.TypeDesign";
        private const string Annotations = "Ownership.Annotations";

        /// <summary>OWN001: a value used after it was released or transferred.</summary>
        public static readonly DiagnosticDescriptor OWN001UseAfterRelease = Create(
            "OWN001",
            "Use after release or transfer",
            "'{0}' is used after it was {1} by '{2}' at line {3}{4}",
            Lifetime,
            DiagnosticSeverity.Error,
            "A value is used after it was released (use after free) or transferred (use after move), on every path or on some path.");

        /// <summary>OWN002: a value released or transferred twice.</summary>
        public static readonly DiagnosticDescriptor OWN002DoubleRelease = Create(
            "OWN002",
            "Double release or transfer",
            "'{0}' is {1} again; it was already {2} by '{3}' at line {4}{5}",
            Lifetime,
            DiagnosticSeverity.Error,
            "A value is released or transferred a second time (double free, double ArrayPool.Return).");

        /// <summary>OWN003: an owned value not released or transferred on some path.</summary>
        public static readonly DiagnosticDescriptor OWN003Leak = Create(
            "OWN003",
            "Owned value is leaked",
            "{0} acquired by '{1}' at line {2} is not released or transferred {3}",
            Lifetime,
            DiagnosticSeverity.Warning,
            "An owned value is not released or transferred on some path out of its scope, or an [Owned] result is discarded.");

        /// <summary>OWN004: an owned variable or field overwritten while it still holds a resource.</summary>
        public static readonly DiagnosticDescriptor OWN004Overwrite = Create(
            "OWN004",
            "Owned value is overwritten",
            "'{0}' is overwritten while it still owns the value acquired by '{1}' at line {2}",
            Lifetime,
            DiagnosticSeverity.Warning,
            "An owned variable or field is assigned a new value while it still holds a resource, which leaks the old one.");

        /// <summary>OWN005: a pointer, ref or span used after its source may have moved or died.</summary>
        public static readonly DiagnosticDescriptor OWN005StaleBorrow = Create(
            "OWN005",
            "Borrow used after its source may have moved",
            "'{0}' points into '{1}', which '{2}' at line {3} may have {4}",
            Borrowing,
            DiagnosticSeverity.Error,
            "A pointer, ref or span is used after the storage it points into may have been reallocated, reset, unpinned or released.");

        /// <summary>OWN006: releasing what you do not own.</summary>
        public static readonly DiagnosticDescriptor OWN006ReleaseNotOwned = Create(
            "OWN006",
            "Release of a value that is not owned",
            "'{0}' is {1} here, but it is not owned: {2}",
            Borrowing,
            DiagnosticSeverity.Error,
            "A borrowed value, an interior pointer or an array that was not rented is released, returned or transferred.");

        /// <summary>OWN007: a borrowed value escaping its lease.</summary>
        public static readonly DiagnosticDescriptor OWN007BorrowEscapes = Create(
            "OWN007",
            "Borrowed value escapes its lease",
            "'{0}' is borrowed from '{1}' and must not {2}",
            Borrowing,
            DiagnosticSeverity.Warning,
            "A borrowed value is stored into a field, static, collection or closure that outlives it, or returned as owned.");

        /// <summary>OWN008: a type that does not release each of its owned fields.</summary>
        public static readonly DiagnosticDescriptor OWN008FieldNotReleased = Create(
            "OWN008",
            "Owned field is not released",
            "'{0}' does not release its owned field '{1}' {2}",
            TypeDesign,
            DiagnosticSeverity.Warning,
            "A type with owned fields must release each of them in its release method (Dispose or a [Releases] method).");

        /// <summary>OWN009: an owned field released but left dangling.</summary>
        public static readonly DiagnosticDescriptor OWN009DanglingField = Create(
            "OWN009",
            "Released field is left dangling",
            "'{0}' releases field '{1}' with '{2}' but leaves it dangling; set it to {3} or re-acquire it before returning",
            TypeDesign,
            DiagnosticSeverity.Warning,
            "A method releases an owned field and leaves the stale value in it, so the next release or use is a double free or a use after free.");

        /// <summary>OWN010: released with the wrong deallocator.</summary>
        public static readonly DiagnosticDescriptor OWN010WrongDeallocator = Create(
            "OWN010",
            "Released with the wrong deallocator",
            "'{0}' was acquired by '{1}' (family '{2}') but is released by '{3}' (family '{4}')",
            Lifetime,
            DiagnosticSeverity.Error,
            "A value is released by a deallocator of another family than the allocator that produced it.");

        /// <summary>OWN011: an owned value returned from a method whose return is not [Owned].</summary>
        public static readonly DiagnosticDescriptor OWN011UnannotatedOwnedReturn = Create(
            "OWN011",
            "Owned return is not annotated",
            "'{0}' returns an owned value acquired by '{1}' but its return is not marked [return: Owned]",
            TypeDesign,
            DiagnosticSeverity.Warning,
            "A method returns an owned value without [return: Owned], so its callers do not know they must release it.");

        /// <summary>OWN012: a contradictory or meaningless annotation, or a malformed contract line.</summary>
        public static readonly DiagnosticDescriptor OWN012InvalidAnnotation = Create(
            "OWN012",
            "Invalid ownership annotation",
            "{0}",
            Annotations,
            DiagnosticSeverity.Warning,
            "An ownership annotation contradicts another or means nothing where it stands, or a contract line is malformed.");

        /// <summary>All descriptors, in ID order.</summary>
        public static readonly System.Collections.Immutable.ImmutableArray<DiagnosticDescriptor> All = System.Collections.Immutable.ImmutableArray.Create(
            OWN001UseAfterRelease,
            OWN002DoubleRelease,
            OWN003Leak,
            OWN004Overwrite,
            OWN005StaleBorrow,
            OWN006ReleaseNotOwned,
            OWN007BorrowEscapes,
            OWN008FieldNotReleased,
            OWN009DanglingField,
            OWN010WrongDeallocator,
            OWN011UnannotatedOwnedReturn,
            OWN012InvalidAnnotation);

        private static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            string category,
            DiagnosticSeverity defaultSeverity,
            string description)
        {
            return new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                defaultSeverity,
                isEnabledByDefault: true,
                description,
                helpLinkUri: HelpLinkBase + id + ".md");
        }
    }
}
