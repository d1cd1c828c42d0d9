using System;
using System.Collections.Generic;

namespace Ownership.Allocators;

/// <summary>Thrown when a checked allocator or container sees an ownership rule broken at run time.</summary>
public sealed class OwnershipViolationException : InvalidOperationException
{
    private static readonly IReadOnlyList<CallSite> NoSites = Array.Empty<CallSite>();

    /// <summary>Creates an exception of <paramref name="kind"/> with no recorded sites.</summary>
    /// <param name="kind">The rule that was broken.</param>
    /// <param name="message">What happened, in words.</param>
    public OwnershipViolationException(ViolationKind kind, string message)
        : this(kind, message, null, null, null)
    {
    }

    /// <summary>Creates an exception of <paramref name="kind"/> with the sites involved.</summary>
    /// <param name="kind">The rule that was broken.</param>
    /// <param name="message">What happened, in words.</param>
    /// <param name="allocationSite">Where the memory involved was allocated, when known.</param>
    /// <param name="releaseSites">Where it was released, in order (for a double free: first, then again).</param>
    /// <param name="detectionSite">Where the violation was detected, when that is not a release.</param>
    public OwnershipViolationException(
        ViolationKind kind,
        string message,
        CallSite? allocationSite,
        IReadOnlyList<CallSite>? releaseSites,
        CallSite? detectionSite)
        : base(message)
    {
        Kind = kind;
        AllocationSite = allocationSite;
        ReleaseSites = releaseSites ?? NoSites;
        DetectionSite = detectionSite;
        var sites = new List<CallSite>();
        if (allocationSite is not null)
        {
            sites.Add(allocationSite);
        }

        sites.AddRange(ReleaseSites);
        if (detectionSite is not null)
        {
            sites.Add(detectionSite);
        }

        Sites = sites;
    }

    /// <summary>Creates a <see cref="ViolationKind.Leak"/> exception naming the allocation site of each live block.</summary>
    /// <param name="message">What leaked, in words.</param>
    /// <param name="allocationSites">The allocation site of each leaked block.</param>
    internal OwnershipViolationException(string message, IReadOnlyList<CallSite> allocationSites)
        : base(message)
    {
        Kind = ViolationKind.Leak;
        AllocationSite = allocationSites.Count > 0 ? allocationSites[0] : null;
        ReleaseSites = NoSites;
        Sites = allocationSites;
    }

    /// <summary>The rule that was broken.</summary>
    public ViolationKind Kind { get; }

    /// <summary>Where the memory involved was allocated, when known (for a leak: the first leaked block's).</summary>
    public CallSite? AllocationSite { get; }

    /// <summary>Where the memory was released, in order; empty when it never was.</summary>
    public IReadOnlyList<CallSite> ReleaseSites { get; }

    /// <summary>Where the violation was detected, when that is not one of <see cref="ReleaseSites"/> (for example a <c>Verify()</c> call).</summary>
    public CallSite? DetectionSite { get; }

    /// <summary>Every site involved: the allocation, the releases, then the detection (for a leak: each leaked block's allocation).</summary>
    public IReadOnlyList<CallSite> Sites { get; }
}
