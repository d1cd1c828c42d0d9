using System.Collections.Immutable;

namespace Ownership.Analyzers.Contracts
{
    /// <summary>The contract of one method: its return, <c>this</c>, and each parameter by ordinal.</summary>
    public sealed class MethodContract
    {
        /// <summary>A method that declares nothing.</summary>
        public static readonly MethodContract Empty = new MethodContract(ValueContract.None, ValueContract.None, ImmutableArray<ValueContract>.Empty);

        /// <summary>Creates a contract.</summary>
        public MethodContract(ValueContract returnValue, ValueContract thisValue, ImmutableArray<ValueContract> parameters)
        {
            Return = returnValue;
            This = thisValue;
            Parameters = parameters;
            var any = returnValue.IsSome || thisValue.IsSome;
            var releases = IsRelease(thisValue);
            foreach (var parameter in parameters)
            {
                any |= parameter.IsSome;
                releases |= IsRelease(parameter);
            }

            IsEmpty = !any;
            ReleasesSomething = releases;
        }

        /// <summary>What the return value is (owned, borrowed).</summary>
        public ValueContract Return { get; }

        /// <summary>What the call does to <c>this</c> (releases, transfers, invalidates).</summary>
        public ValueContract This { get; }

        /// <summary>What the call does to each argument, by parameter ordinal.</summary>
        public ImmutableArray<ValueContract> Parameters { get; }

        /// <summary>True when nothing is declared.</summary>
        public bool IsEmpty { get; }

        /// <summary>True when the call releases or transfers <c>this</c> or an argument: a deallocator.</summary>
        public bool ReleasesSomething { get; }

        private static bool IsRelease(ValueContract contract) => contract.Kind == ContractKind.Releases || contract.Kind == ContractKind.Transfers;

        /// <summary>The contract of the parameter at <paramref name="ordinal"/>, or none.</summary>
        public ValueContract Parameter(int ordinal) => ordinal >= 0 && ordinal < Parameters.Length ? Parameters[ordinal] : ValueContract.None;
    }
}
