using System;

namespace Ownership
{
    /// <summary>
    /// The callee takes ownership of this parameter (or, on a method, of <c>this</c>).
    /// After the call the caller's variable is moved-from: using it is a use after transfer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class TransfersAttribute : Attribute
    {
    }
}
