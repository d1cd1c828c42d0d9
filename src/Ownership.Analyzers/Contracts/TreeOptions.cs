namespace Ownership.Analyzers.Contracts
{
    /// <summary>The <c>.editorconfig</c> options (<see cref="Options"/>) that apply to one syntax tree.</summary>
    internal sealed class TreeOptions
    {
        public TreeOptions(bool trackAllDisposables, bool leaksOnExceptionPaths)
        {
            TrackAllDisposables = trackAllDisposables;
            LeaksOnExceptionPaths = leaksOnExceptionPaths;
        }

        /// <summary><c>ownership_track_all_disposables</c>: every <c>new</c> of an IDisposable is owned.</summary>
        public bool TrackAllDisposables { get; }

        /// <summary><c>ownership_leaks_on_exception_paths</c>: leaks on paths that leave by an exception are reported.</summary>
        public bool LeaksOnExceptionPaths { get; }
    }
}
