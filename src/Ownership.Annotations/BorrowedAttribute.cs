using System;

namespace Ownership
{
    /// <summary>
    /// On a parameter: the callee may use the value during the call but must neither release it nor keep it.
    /// On a return: the value points into <c>this</c> (or into the named parameter) and is valid only until that source is released or invalidated.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false, Inherited = false)]
    public sealed class BorrowedAttribute : Attribute
    {
        /// <summary>Borrowed from <c>this</c> (on a return) or for the duration of the call (on a parameter).</summary>
        public BorrowedAttribute()
        {
        }

        /// <summary>On a return: the value is borrowed from the parameter named <paramref name="source"/>; use <c>nameof</c>.</summary>
        /// <param name="source">The name of the parameter the returned value points into.</param>
        public BorrowedAttribute(string source)
        {
            Source = source;
        }

        /// <summary>The name of the parameter the value is borrowed from, or <c>null</c> for <c>this</c>.</summary>
        public string? Source { get; }
    }
}
