using System.Collections.Generic;

namespace Ownership.Analyzers.Flow
{
    /// <summary>What one body's analysis needs besides its graph and the contracts.</summary>
    internal sealed class FlowSettings
    {
        public FlowSettings(HashSet<string> capturedNames, bool leaksOnExceptionPaths, bool trackAllDisposables)
        {
            CapturedNames = capturedNames;
            LeaksOnExceptionPaths = leaksOnExceptionPaths;
            TrackAllDisposables = trackAllDisposables;
        }

        /// <summary>Names used inside lambdas and local functions of the member: such variables may change behind the flow's back.</summary>
        public HashSet<string> CapturedNames { get; }

        /// <summary>The <c>ownership_leaks_on_exception_paths</c> option.</summary>
        public bool LeaksOnExceptionPaths { get; }

        /// <summary>The <c>ownership_track_all_disposables</c> option: every <c>new</c> of an IDisposable is owned.</summary>
        public bool TrackAllDisposables { get; }
    }
}
