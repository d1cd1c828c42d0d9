using System;
using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// What may be true of one abstract resource at one program point. Flags are joined with OR at merges, so
    /// <c>Owned | Released</c> reads "released on some path" (maybe-released).
    /// </summary>
    [Flags]
    internal enum StateFlags : byte
    {
        /// <summary>Not acquired on any path reaching here.</summary>
        None = 0,

        /// <summary>Held and still to be released or transferred.</summary>
        Owned = 1,

        /// <summary>Released (freed, returned, disposed).</summary>
        Released = 2,

        /// <summary>Ownership handed to a callee.</summary>
        Transferred = 4,

        /// <summary>Stored or passed where it may be kept: no longer checked for leaks.</summary>
        Escaped = 8,

        /// <summary>Known to be null (never acquired, or a failed Try… call) on some path.</summary>
        Null = 16,

        /// <summary>Acquired through an <c>out</c> of a Try… call whose result has not been tested yet.</summary>
        Unconfirmed = 32,

        /// <summary>A borrow whose source may have moved or died (see <see cref="ResourceState.Site"/>).</summary>
        Stale = 64,

        /// <summary>Released or transferred on some path.</summary>
        Gone = Released | Transferred,
    }

    /// <summary>The flags of one resource and the operation that last released, transferred or invalidated it.</summary>
    internal readonly struct ResourceState : IEquatable<ResourceState>
    {
        public ResourceState(StateFlags flags, IOperation? site)
        {
            Flags = flags;
            Site = site;
        }

        public StateFlags Flags { get; }

        public IOperation? Site { get; }

        public bool Has(StateFlags flag) => (Flags & flag) != 0;

        public ResourceState Join(ResourceState other) => new ResourceState(Flags | other.Flags, Site ?? other.Site);

        public bool Equals(ResourceState other) => Flags == other.Flags && ReferenceEquals(Site, other.Site);

        public override bool Equals(object? obj) => obj is ResourceState other && Equals(other);

        public override int GetHashCode() => (int)Flags;
    }

    /// <summary>What kind of thing a tracked resource is.</summary>
    internal enum ResourceKind
    {
        /// <summary>An owned value acquired in this body or handed to it.</summary>
        Owned,

        /// <summary>An owned value held by a field of <c>this</c> when the body starts; may be null.</summary>
        FieldContent,

        /// <summary>A pointer, <c>ref</c> or span into a source; valid until the source moves or dies.</summary>
        Borrow,

        /// <summary>Memory no allocator returned (a <c>new</c> array, an address, a <c>stackalloc</c>): never to be released.</summary>
        Foreign,
    }

    /// <summary>How a borrow came to be, for its messages and for what it may do.</summary>
    internal enum BorrowOrigin
    {
        /// <summary>Not a borrow.</summary>
        None,

        /// <summary>A [Borrowed] parameter: the caller owns it.</summary>
        Parameter,

        /// <summary>The result of a [Borrowed] return, a span over an array, or a <c>ref</c> to an element.</summary>
        View,

        /// <summary>Pointer arithmetic into another value.</summary>
        Interior,

        /// <summary>A pointer pinned by a <c>fixed</c> statement.</summary>
        Pinned,
    }

    /// <summary>One abstract resource: created at an acquisition site; variables point to it.</summary>
    internal sealed class Resource
    {
        private readonly IOperation? originSite;
        private string? name;
        private string? origin;

        /// <summary>
        /// A null <c>name</c> or <c>origin</c> is described from the acquisition site (the origin from <c>originSite</c>,
        /// when given) the first time a message needs it.
        /// </summary>
        public Resource(int id, ResourceKind kind, IOperation? site, Location location, string? name, string? origin, IOperation? originSite, string? family, bool isDisposable)
        {
            Id = id;
            Kind = kind;
            AcquisitionSite = site;
            Location = location;
            this.name = name;
            this.origin = origin;
            this.originSite = originSite ?? site;
            Family = family;
            IsDisposable = isDisposable;
        }

        public int Id { get; }

        public ResourceKind Kind { get; }

        /// <summary>The operation that acquires it (null for parameters and field contents).</summary>
        public IOperation? AcquisitionSite { get; }

        /// <summary>Where it comes from, for diagnostics.</summary>
        public Location Location { get; }

        /// <summary>What acquired it, for messages: the acquiring call, or "parameter p". Described on first use: most are never reported.</summary>
        public string Origin => origin ??= Describe(originSite);

        /// <summary>The first variable that held it, or the acquiring expression.</summary>
        public string Name
        {
            get => name ??= Describe(AcquisitionSite);
            set => name = value;
        }

        /// <summary>The allocator family, when declared.</summary>
        public string? Family { get; }

        /// <summary>An IDisposable: releasing it twice is allowed, since Dispose must be idempotent.</summary>
        public bool IsDisposable { get; }

        /// <summary>Every call seen releasing or transferring it (filled as the blocks run).</summary>
        public System.Collections.Generic.List<IOperation> ReleaseSites { get; } = new System.Collections.Generic.List<IOperation>();

        /// <summary>For borrows: how it was made.</summary>
        public BorrowOrigin BorrowOrigin { get; set; }

        /// <summary>For borrows: the variable (local, parameter, field, or <c>this</c>) whose storage it points into, if any.</summary>
        public object? SourceSymbol { get; set; }

        /// <summary>For pinned pointers: the <c>fixed</c> local whose scope pins the storage.</summary>
        public ILocalSymbol? PinnedBy { get; set; }

        /// <summary>
        /// Handed to a new object that a field of this object keeps (<c>_segment = new Segment(array)</c>): this object
        /// keeps it through that one, on some path.
        /// </summary>
        public bool KeptByThis { get; set; }

        /// <summary>
        /// For borrows: a view made from a pointer or address (<c>new Span&lt;T&gt;(pointer, n)</c>). With no
        /// <see cref="SourceResources"/>, no followed value held it (a native call returned it): whose memory it is, and for
        /// how long, is not known here.
        /// </summary>
        public bool OverAddress { get; set; }

        /// <summary>For borrows: the resources whose storage it points into.</summary>
        public ulong SourceResources { get; set; }

        /// <summary>For borrows: how the source is named in messages.</summary>
        public string SourceName { get; set; } = string.Empty;

        private static string Describe(IOperation? site) => site is null ? string.Empty : BodyAnalysis.Describe(site);
    }
}
