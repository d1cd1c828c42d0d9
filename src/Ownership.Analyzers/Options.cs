namespace Ownership.Analyzers
{
    /// <summary>The <c>.editorconfig</c> keys the analyzers read.</summary>
    public static class Options
    {
        /// <summary>Track every <c>new</c> of an <c>IDisposable</c>, as CA2000 does (default false: declared ownership only).</summary>
        public const string TrackAllDisposables = "ownership_track_all_disposables";

        /// <summary>Also report leaks on paths that leave by an exception (default false).</summary>
        public const string LeaksOnExceptionPaths = "ownership_leaks_on_exception_paths";
    }
}
