using System;
using System.Collections.Generic;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// The abstract state at one program point: for each variable the set of resources it may point to (a bit set of
    /// at most 64 resources), and for each resource its <see cref="ResourceState"/>. The states of one body all have
    /// room for the same number of resources.
    /// </summary>
    internal sealed class FlowState
    {
        public const int MaxResources = 64;

        public FlowState(int variableCount, int resourceCapacity)
        {
            PointsTo = new ulong[variableCount];
            Resources = new ResourceState[resourceCapacity];
        }

        private FlowState(ulong[] pointsTo, ResourceState[] resources)
        {
            PointsTo = pointsTo;
            Resources = resources;
        }

        public ulong[] PointsTo { get; }

        public ResourceState[] Resources { get; }

        public FlowState Clone() => new FlowState((ulong[])PointsTo.Clone(), (ResourceState[])Resources.Clone());

        /// <summary>Makes this state a copy of <paramref name="other"/> (of the same body), without allocating.</summary>
        public FlowState CopyFrom(FlowState other)
        {
            Array.Copy(other.PointsTo, PointsTo, PointsTo.Length);
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
            var changed = false;
            var heldHere = 0UL;
            var heldThere = 0UL;
            for (var i = 0; i < PointsTo.Length; i++)
            {
                heldHere |= PointsTo[i];
                heldThere |= other.PointsTo[i];
                var joined = PointsTo[i] | other.PointsTo[i];
                if (joined != PointsTo[i])
                {
                    PointsTo[i] = joined;
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
