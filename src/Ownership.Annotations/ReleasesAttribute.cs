using System;

namespace Ownership
{
    /// <summary>
    /// The callee releases this parameter (or, on a method, <c>this</c>) now: free, return to a pool, dispose.
    /// After the call any use is a use after release, and a second release is a double release.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class ReleasesAttribute : Attribute
    {
        /// <summary>Releases a value of any family.</summary>
        public ReleasesAttribute()
        {
        }

        /// <summary>Releases only values of <paramref name="family"/>; a value of another family is a wrong deallocator.</summary>
        /// <param name="family">The allocator family, for example "native", "hglobal" or "pool".</param>
        public ReleasesAttribute(string family)
        {
            Family = family;
        }

        /// <summary>The allocator family this deallocator accepts, or <c>null</c> for any.</summary>
        public string? Family { get; }
    }
}
