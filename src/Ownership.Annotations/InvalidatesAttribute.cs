using System;

namespace Ownership
{
    /// <summary>
    /// The call may move or discard the storage of <c>this</c> (on a method) or of this argument (on a parameter).
    /// Every pointer, <c>ref</c> or span borrowed from it before the call is stale afterwards.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class InvalidatesAttribute : Attribute
    {
    }
}
