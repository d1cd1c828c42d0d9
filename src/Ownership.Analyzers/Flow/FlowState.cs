using System;

namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// The abstract state at one program point: for each variable the set of resources it may point to (a bit set of
    /// at most 64 resources), and for each resource its <see cref="ResourceState"/>.
    /// </summary>
    internal sealed class FlowState
    {
        public const int MaxResources = 64;

        public FlowState(int variableCount)
        {
            PointsTo = new ulong[variableCount];
            Resources = new ResourceState[MaxResources];
        }

        private FlowState(ulong[] pointsTo, ResourceState[] resources)
        {
            PointsTo = pointsTo;
            Resources = resources;
        }

        public ulong[] PointsTo { get; }

        public ResourceState[] Resources { get; }

        public FlowState Clone() => new FlowState((ulong[])PointsTo.Clone(), (ResourceState[])Resources.Clone());

        /// <summary>Joins <paramref name="other"/> into this state; returns true when anything changed.</summary>
        public bool JoinWith(FlowState other)
        {
            var changed = false;
            for (var i = 0; i < PointsTo.Length; i++)
            {
                var joined = PointsTo[i] | other.PointsTo[i];
                if (joined != PointsTo[i])
                {
                    PointsTo[i] = joined;
                    changed = true;
                }
            }

            for (var i = 0; i < Resources.Length; i++)
            {
                var joined = Resources[i].Join(other.Resources[i]);
                if (joined.Flags != Resources[i].Flags || (Resources[i].Site is null && joined.Site is not null))
                {
                    Resources[i] = joined;
                    changed = true;
                }
            }

            return changed;
        }

        /// <summary>True when some variable other than those in <paramref name="excluded"/> may point to <paramref name="resource"/>.</summary>
        public bool IsHeld(int resource, Func<int, bool> excluded)
        {
            var bit = 1UL << resource;
            for (var i = 0; i < PointsTo.Length; i++)
            {
                if ((PointsTo[i] & bit) != 0 && !excluded(i))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
