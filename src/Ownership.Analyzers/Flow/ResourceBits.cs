namespace Ownership.Analyzers.Flow
{
    /// <summary>
    /// The resource ids in a mask (its set bits), lowest first: <c>foreach (var id in Bits(mask))</c> without allocating
    /// an enumerator, since the flow walks masks at every operation of every pass.
    /// </summary>
    internal readonly struct ResourceBits
    {
        private readonly ulong mask;

        public ResourceBits(ulong mask)
        {
            this.mask = mask;
        }

        public Enumerator GetEnumerator() => new Enumerator(mask);

        internal struct Enumerator
        {
            private ulong remaining;

            public Enumerator(ulong mask)
            {
                remaining = mask;
                Current = -1;
            }

            public int Current { get; private set; }

            public bool MoveNext()
            {
                if (remaining == 0)
                {
                    return false;
                }

                var index = 0;
                while ((remaining & (1UL << index)) == 0)
                {
                    index++;
                }

                Current = index;
                remaining &= remaining - 1;
                return true;
            }
        }
    }
}
