using System;

namespace Ownership
{
    /// <summary>
    /// Whoever holds this value must release it exactly once or transfer it; on a field, the containing type owns it and
    /// releases it in its own release method. The optional family ("native", "hglobal", "pool"…) must match the deallocator.
    /// </summary>
    [AttributeUsage(
        AttributeTargets.ReturnValue | AttributeTargets.Parameter | AttributeTargets.Field | AttributeTargets.Property |
        AttributeTargets.Class | AttributeTargets.Struct,
        AllowMultiple = false,
        Inherited = false)]
    public sealed class OwnedAttribute : Attribute
    {
        /// <summary>The value is owned; any deallocator that releases it is accepted.</summary>
        public OwnedAttribute()
        {
        }

        /// <summary>The value is owned and belongs to <paramref name="family"/>, checked against <see cref="ReleasesAttribute.Family"/>.</summary>
        /// <param name="family">The allocator family, for example "native", "hglobal" or "pool".</param>
        public OwnedAttribute(string family)
        {
            Family = family;
        }

        /// <summary>The allocator family, or <c>null</c> when any deallocator fits.</summary>
        public string? Family { get; }
    }
}
