using System;
using System.Collections.Generic;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// The abstract state at one program point: for each variable the set of resources it may point to (a bit set of
    /// at most 64 resources) and which of those may be gone as seen through it, and for each resource its
    /// <see cref="ResourceState"/>. The states of one body all have room for the same number of resources.
    /// </summary>
    internal sealed class FlowState
    {
        public const int MaxResources = 64;

        public FlowState(int variableCount, int resourceCapacity)
        {
            PointsTo = new ulong[variableCount];
            GoneThrough = new ulong[variableCount];
            Untracked = new ulong[(variableCount + 63) / 64];
            Resources = new ResourceState[resourceCapacity];
        }

        private FlowState(ulong[] pointsTo, ulong[] goneThrough, ulong[] untracked, ResourceState[] resources)
        {
            PointsTo = pointsTo;
            GoneThrough = goneThrough;
            Untracked = untracked;
            Resources = resources;
        }

        /// <summary>For each flag (a <c>bool</c> local only ever assigned whole), by its ordinal: whether it may be true here.</summary>
        public ulong MayBeTrue { get; set; }

        /// <summary>For each flag, by its ordinal: whether it may be false here.</summary>
        public ulong MayBeFalse { get; set; }

        /// <summary>
        /// A branch no path takes: its flag cannot have the value it tests (<c>if (!ok)</c> in a <c>finally</c> after
        /// <c>ok = true;</c>). Such a state is followed nowhere.
        /// </summary>
        public bool Unreachable { get; set; }

        public ulong[] PointsTo { get; }

        /// <summary>
        /// For each variable, the resources that were released or transferred, and the borrows that went stale, on some
        /// path on which it pointed to them (or was then given them). A resource released on one path and held by the
        /// variable only on another (<c>if (c) { Free(p); p = null; } if (p == null) p = Alloc(); Use(p);</c>) is gone,
        /// but not through it. Read together with <see cref="PointsTo"/>: a bit the variable no longer points to means nothing.
        /// </summary>
        public ulong[] GoneThrough { get; }

        /// <summary>
        /// For each variable, one bit: whether it may hold, on some path, a value the analysis does not follow (the result
        /// of a call with no contract) besides the resources it points to (<c>w = pad ? Pooled() : output</c>).
        /// </summary>
        public ulong[] Untracked { get; }

        public ResourceState[] Resources { get; }

        public bool IsUntracked(int variable) => (Untracked[variable >> 6] & (1UL << (variable & 63))) != 0;

        public void SetUntracked(int variable, bool untracked)
        {
            var bit = 1UL << (variable & 63);
            Untracked[variable >> 6] = untracked ? Untracked[variable >> 6] | bit : Untracked[variable >> 6] & ~bit;
        }

        public FlowState Clone() => new FlowState((ulong[])PointsTo.Clone(), (ulong[])GoneThrough.Clone(), (ulong[])Untracked.Clone(), (ResourceState[])Resources.Clone())
        {
            MayBeTrue = MayBeTrue,
            MayBeFalse = MayBeFalse,
            Unreachable = Unreachable,
        };

        /// <summary>Makes this state a copy of <paramref name="other"/> (of the same body), without allocating.</summary>
        public FlowState CopyFrom(FlowState other)
        {
            Array.Copy(other.PointsTo, PointsTo, PointsTo.Length);
            Array.Copy(other.GoneThrough, GoneThrough, GoneThrough.Length);
            Array.Copy(other.Untracked, Untracked, Untracked.Length);
            MayBeTrue = other.MayBeTrue;
            MayBeFalse = other.MayBeFalse;
            Unreachable = other.Unreachable;
            Array.Copy(other.Resources, Resources, Resources.Length);
            return this;
        }

        /// <summary>
        /// Joins <paramref name="other"/> into this state; returns true when anything changed. A resource not acquired
        /// on one side becomes <see cref="StateFlags.Null"/> ("maybe never acquired"); one released, or a borrow gone
        /// stale, and no longer held by any variable on one side contributes nothing, since no variable reaching the
        /// merge from there can touch it (a span re-taken on each loop iteration is not stale for last iteration's release).
        /// </summary>
        public bool JoinWith(FlowState other)
        {
            if (other.Unreachable)
            {
                return false;
            }

            var changed = (other.MayBeTrue & ~MayBeTrue) != 0 || (other.MayBeFalse & ~MayBeFalse) != 0;
            MayBeTrue |= other.MayBeTrue;
            MayBeFalse |= other.MayBeFalse;
            for (var i = 0; i < Untracked.Length; i++)
            {
                changed |= (other.Untracked[i] & ~Untracked[i]) != 0;
                Untracked[i] |= other.Untracked[i];
            }

            var heldHere = 0UL;
            var heldThere = 0UL;
            for (var i = 0; i < PointsTo.Length; i++)
            {
                heldHere |= PointsTo[i];
                heldThere |= other.PointsTo[i];
                var gone = (GoneThrough[i] & PointsTo[i]) | (other.GoneThrough[i] & other.PointsTo[i]);
                var joined = PointsTo[i] | other.PointsTo[i];
                if (joined != PointsTo[i])
                {
                    PointsTo[i] = joined;
                    changed = true;
                }

                if (gone != GoneThrough[i])
                {
                    GoneThrough[i] = gone;
                    changed = true;
                }
            }

            for (var i = 0; i < Resources.Length; i++)
            {
                var bit = 1UL << i;
                if (((heldHere ^ heldThere) & bit) == 0 && Resources[i].Equals(other.Resources[i]))
                {
                    // Both sides bring the same thing: the join is what is here already.
                    continue;
                }

                var here = Contribution(Resources[i], (heldHere & bit) != 0);
                var there = Contribution(other.Resources[i], (heldThere & bit) != 0);
                ResourceState joined;
                if (here is null || there is null)
                {
                    joined = here ?? there ?? Resources[i];
                }
                else
                {
                    joined = here.Value.Join(there.Value);
                    if ((here.Value.Flags == StateFlags.None) != (there.Value.Flags == StateFlags.None))
                    {
                        joined = new ResourceState(joined.Flags | StateFlags.Null, joined.Site);
                    }
                }

                if (joined.Flags != Resources[i].Flags || (Resources[i].Site is null && joined.Site is not null))
                {
                    Resources[i] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>What a side brings to a merge: null when the resource is gone or stale and unreachable from every variable there.</summary>
        private static ResourceState? Contribution(ResourceState state, bool held)
        {
            return !held && state.Has(StateFlags.Gone | StateFlags.Stale) ? null : state;
        }

        /// <summary>Notes that the resources in <paramref name="mask"/> are gone as seen through every variable pointing to them.</summary>
        public void MarkGoneThroughHolders(ulong mask)
        {
            for (var i = 0; i < PointsTo.Length; i++)
            {
                GoneThrough[i] |= PointsTo[i] & mask;
            }
        }

        /// <summary>The resources of <paramref name="value"/> that may be released or transferred, or borrows gone stale.</summary>
        public ulong GoneOf(ulong value)
        {
            var gone = 0UL;
            foreach (var id in new ResourceBits(value))
            {
                if (Resources[id].Has(StateFlags.Gone | StateFlags.Stale))
                {
                    gone |= 1UL << id;
                }
            }

            return gone;
        }

        /// <summary>How many variables may point to <paramref name="resource"/>: 0, 1, or 2 for two or more.</summary>
        public int HolderCount(int resource)
        {
            var bit = 1UL << resource;
            var count = 0;
            for (var i = 0; i < PointsTo.Length && count < 2; i++)
            {
                if ((PointsTo[i] & bit) != 0)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>True when some variable may point to <paramref name="resource"/>.</summary>
        public bool IsHeld(int resource) => IsHeld(resource, -1, null);

        /// <summary>True when some variable other than <paramref name="except"/> may point to <paramref name="resource"/>.</summary>
        public bool IsHeld(int resource, int except) => IsHeld(resource, except, null);

        /// <summary>True when some variable not in <paramref name="except"/> may point to <paramref name="resource"/>.</summary>
        public bool IsHeld(int resource, HashSet<int> except) => IsHeld(resource, -1, except);

        private bool IsHeld(int resource, int exceptOne, HashSet<int>? exceptAll)
        {
            var bit = 1UL << resource;
            for (var i = 0; i < PointsTo.Length; i++)
            {
                if ((PointsTo[i] & bit) != 0 && i != exceptOne && (exceptAll is null || !exceptAll.Contains(i)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
