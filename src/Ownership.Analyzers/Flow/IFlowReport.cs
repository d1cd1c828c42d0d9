using Microsoft.CodeAnalysis;

namespace Ownership.Analyzers.Flow
{
    /// <summary>How a leaked resource was lost.</summary>
    internal enum LeakKind
    {
        /// <summary>Its last holder went out of scope on every path reaching that point.</summary>
        EveryPath,

        /// <summary>Its last holder went out of scope on a path where it was still owned.</summary>
        SomePath,

        /// <summary>An owned result was never stored.</summary>
        Discarded,

        /// <summary>An exception may leave the scope before it is released (only with the option on).</summary>
        ExceptionPath,
    }

    /// <summary>Receives what the flow analysis finds; the rules turn each finding into a diagnostic.</summary>
    internal interface IFlowReport
    {
        /// <summary>OWN001: <paramref name="use"/> reads a resource that was released or transferred.</summary>
        void UseAfterRelease(IOperation use, string name, Resource resource, ResourceState state);

        /// <summary>OWN002: <paramref name="release"/> releases or transfers a resource a second time.</summary>
        void DoubleRelease(IOperation release, string name, Resource resource, ResourceState state, bool isTransfer);

        /// <summary>OWN003: a resource is lost while still owned; <paramref name="exit"/> is where, when known.</summary>
        void Leak(Resource resource, Location? exit, LeakKind kind);

        /// <summary>OWN004: <paramref name="assignment"/> overwrites the only holder of an owned resource.</summary>
        void Overwrite(IOperation assignment, string name, Resource resource);

        /// <summary>
        /// OWN010: a resource of one family is released by a deallocator of another; <paramref name="released"/> is the
        /// argument or receiver it was released through.
        /// </summary>
        void WrongFamily(IOperation release, IOperation? released, string name, Resource resource, string releaseFamily);

        /// <summary>OWN005: a borrow is used after its source may have moved or died.</summary>
        void StaleBorrow(IOperation use, string name, Resource borrow, ResourceState state);

        /// <summary>OWN006: something that is not owned here is released or transferred.</summary>
        void ReleaseNotOwned(IOperation release, string name, bool isTransfer, string reason, Location? source);

        /// <summary>OWN007: a borrow escapes its lease.</summary>
        void BorrowEscapes(IOperation escape, string name, string sourceName, string how, Location? source);

        /// <summary>OWN009: the body ends with <paramref name="field"/> still holding a value <paramref name="release"/> released.</summary>
        void DanglingField(IOperation release, IFieldSymbol field, IMethodSymbol method);

        /// <summary>OWN011: an owned resource is returned from a method whose return is not [Owned].</summary>
        void UnannotatedOwnedReturn(IOperation returned, Resource resource, IMethodSymbol method);
    }
}
