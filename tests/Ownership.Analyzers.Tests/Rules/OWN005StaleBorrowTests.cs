using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN005StaleBorrowTests
{
    public static TheoryData<string> Flagged => new()
    {
        // An address kept from inside a fixed statement, read through after it (the twin of the distance below).
        """
        static byte First(ReadOnlySpan<byte> memory, out nuint address)
        {
            nuint page = 4096;
            fixed (byte* ptr = memory)
            {
                nuint start = (nuint)ptr;
                nuint aligned = start - (start & (page - 1));
                address = start == aligned ? aligned : aligned + page;
            }
            return address < 4096 ? (byte)0 : *{|OWN005:(byte*)address|};
        }
        """,
        // The same grow idiom, but the first view is read after its rental was returned.
        """
        int Hash(ReadOnlySpan<char> source, int needed)
        {
            byte[]? array = null;
            Span<byte> span = needed > 256 ? (array = ArrayPool<byte>.Shared.Rent(needed)) : stackalloc byte[256];
            Span<byte> buffer = span;
            int written = source.Length;
            if (written > buffer.Length)
            {
                if (array != null) ArrayPool<byte>.Shared.Return(array);
                buffer = (array = ArrayPool<byte>.Shared.Rent(written));
            }
            int result = buffer[0] + {|OWN005:span|}[0];
            if (array != null) ArrayPool<byte>.Shared.Return(array);
            return result;
        }
        """,
        // A span kept from the last iteration, into the array that iteration returned.
        """
        void M(int n)
        {
            Span<byte> last = default;
            for (int i = 0; i < n; i++)
            {
                if (i > 0) {|OWN005:last|}[0] = 1;
                byte[] rented = ArrayPool<byte>.Shared.Rent(16);
                last = rented;
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        """,
        // A span into a list used after Add.
        """
        int M(List<int> items, int x)
        {
            Span<int> span = CollectionsMarshal.AsSpan(items);
            items.Add(x);
            return {|OWN005:span|}[0];
        }
        """,
        // After Insert.
        """
        void M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Insert(0, 5);
            {|OWN005:span|}[0] = 1;
        }
        """,
        // After Clear.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Clear();
            return {|OWN005:span|}[0];
        }
        """,
        // After AddRange.
        """
        int M(List<int> items, int[] more)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.AddRange(more);
            return {|OWN005:span|}[0];
        }
        """,
        // After EnsureCapacity.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.EnsureCapacity(1000);
            return {|OWN005:span|}[0];
        }
        """,
        // After setting Capacity.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Capacity = 1000;
            return {|OWN005:span|}[0];
        }
        """,
        // After CollectionsMarshal.SetCount.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            CollectionsMarshal.SetCount(items, 100);
            return {|OWN005:span|}[0];
        }
        """,
        // A ref into a dictionary value used after adding a key.
        """
        void M(Dictionary<string, int> counts, string word)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _);
            counts.Add(word + "!", 1);
            {|OWN005:slot|}++;
        }
        """,
        // A ref into a dictionary value used after the indexer set a new key.
        """
        void M(Dictionary<string, int> counts)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrNullRef(counts, "a");
            counts["b"] = 2;
            {|OWN005:slot|} = 3;
        }
        """,
        // A ref into an array used after Array.Resize.
        """
        void M(int[] values)
        {
            ref int first = ref values[0];
            Array.Resize(ref values, values.Length * 2);
            {|OWN005:first|} = 1;
        }
        """,
        // A span over an array used after Array.Resize.
        """
        int M(int[] values)
        {
            Span<int> view = values;
            Array.Resize(ref values, 64);
            return {|OWN005:view|}[0];
        }
        """,
        // A pointer kept into a growing NativeList while it keeps growing.
        """
        void M(int n)
        {
            using var list = new NativeList<int>(4);
            list.Add(0);
            ref int first = ref list[0];
            for (int i = 0; i < n; i++)
            {
                list.Add(i);
            }

            {|OWN005:first|} = 42;
        }
        """,
        // A NativeList span after Add.
        """
        int M()
        {
            using var list = new NativeList<int>();
            list.Add(1);
            Span<int> all = list.AsSpan();
            list.Add(2);
            return {|OWN005:all|}[0];
        }
        """,
        // An arena allocation used after Reset.
        """
        void M()
        {
            using var arena = new ArenaAllocator();
            byte* p = (byte*)arena.Allocate(16);
            arena.Reset();
            {|OWN005:p|}[0] = 1;
        }
        """,
        // A pointer kept past its fixed block.
        """
        byte M(byte[] data)
        {
            byte* kept;
            fixed (byte* p = data)
            {
                kept = p + 1;
            }

            return {|OWN005:kept|}[0];
        }
        """,
        // A span over native memory used after the memory was freed.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            var span = new Span<byte>(p, 16);
            NativeMemory.Free(p);
            {|OWN005:span|}.Fill(0);
        }
        """,
        // A span over a rented array used after it went back to the pool.
        """
        int M()
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(16);
            Span<byte> span = rented.AsSpan();
            ArrayPool<byte>.Shared.Return(rented);
            return {|OWN005:span|}[0];
        }
        """,
        // Invalidated on one path only.
        """
        int M(List<int> items, bool grow)
        {
            var span = CollectionsMarshal.AsSpan(items);
            if (grow) items.Add(1);
            return {|OWN005:span|}[0];
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // The distance between two addresses taken inside a fixed statement is a number, and comparing it is no read
        // (DotNext's UnmanagedMemory.GetPageAlignedOffset).
        """
        static bool GetPageAlignedOffset(ReadOnlySpan<byte> memory, out int offset)
        {
            nuint page = 4096;
            fixed (byte* ptr = memory)
            {
                nuint start = (nuint)ptr;
                nuint aligned = start - (start & (page - 1));
                aligned = start == aligned ? aligned : aligned + page;
                offset = (int)(aligned - start);
            }
            return offset < memory.Length;
        }
        """,
        // A span re-pointed at a bigger rental after the first one is returned, while a second variable still holds the first
        // view: only that second variable is stale (CompareInfo's sort key buffer in System.Private.CoreLib).
        """
        int Hash(ReadOnlySpan<char> source, int needed)
        {
            byte[]? array = null;
            Span<byte> span = needed > 256 ? (array = ArrayPool<byte>.Shared.Rent(needed)) : stackalloc byte[256];
            Span<byte> buffer = span;
            int written = source.Length;
            if (written > buffer.Length)
            {
                if (array != null) ArrayPool<byte>.Shared.Return(array);
                buffer = (array = ArrayPool<byte>.Shared.Rent(written));
            }
            int result = buffer[0];
            if (array != null) ArrayPool<byte>.Shared.Return(array);
            return result;
        }
        """,
        // Each iteration takes its span anew, from a stack buffer or a fresh rental; last iteration's return is not this one's
        // (System.Text.Json's property lookup).
        """
        bool Find(ReadOnlySpan<byte> name, int[] lengths)
        {
            Span<byte> small = stackalloc byte[256];
            for (int i = 0; i < lengths.Length; i++)
            {
                int written = 0;
                byte[]? rented = null;
                try
                {
                    Span<byte> destination = lengths[i] <= small.Length ? small : (rented = ArrayPool<byte>.Shared.Rent(lengths[i]));
                    written = Math.Min(name.Length, destination.Length);
                    name.Slice(0, written).CopyTo(destination);
                    if (destination.Slice(0, written).SequenceEqual(name)) return true;
                }
                finally
                {
                    if (rented != null)
                    {
                        rented.AsSpan(0, written).Clear();
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }
            }
            return false;
        }
        """,
        // Read before Add (the read happens before the invalidation).
        """
        void M(List<int> items)
        {
            items.Add(items.Count);
        }
        """,
        // Span used before Add only.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            int first = span[0];
            items.Add(first);
            return first;
        }
        """,
        // Re-acquired after the mutation.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Add(1);
            span = CollectionsMarshal.AsSpan(items);
            return span[0];
        }
        """,
        // Reading Length is not reading the storage.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Add(1);
            return span.Length;
        }
        """,
        // Mutating a different list.
        """
        int M(List<int> a, List<int> b)
        {
            var span = CollectionsMarshal.AsSpan(a);
            b.Add(1);
            return span[0];
        }
        """,
        // Sort moves elements but not the storage.
        """
        int M(List<int> items)
        {
            var span = CollectionsMarshal.AsSpan(items);
            items.Sort();
            return span[0];
        }
        """,
        // Dictionary ref used before the next mutation.
        """
        void M(Dictionary<string, int> counts, string[] words)
        {
            foreach (var word in words)
            {
                ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _);
                slot++;
            }
        }
        """,
        // Reading a dictionary does not move it.
        """
        int M(Dictionary<string, int> counts)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, "a", out _);
            bool has = counts.ContainsKey("b");
            slot++;
            return has ? slot : 0;
        }
        """,
        // Resize then take a fresh ref.
        """
        void M(int[] values)
        {
            Array.Resize(ref values, 10);
            ref int first = ref values[0];
            first = 1;
        }
        """,
        // A pointer used inside its fixed block.
        """
        void M(byte[] data)
        {
            fixed (byte* p = data)
            {
                byte* q = p + 1;
                *q = 1;
            }
        }
        """,
        // A NativeList ref re-taken after growth.
        """
        void M()
        {
            using var list = new NativeList<int>();
            list.Add(1);
            list.Add(2);
            ref int first = ref list[0];
            first = 3;
        }
        """,
        // Arena memory used before Reset, then fresh memory after.
        """
        void M()
        {
            using var arena = new ArenaAllocator();
            byte* p = (byte*)arena.Allocate(16);
            p[0] = 1;
            arena.Reset();
            p = (byte*)arena.Allocate(16);
            p[0] = 2;
        }
        """,
        // A span over native memory used before the free.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            try
            {
                var span = new Span<byte>(p, 16);
                span.Clear();
            }
            finally
            {
                NativeMemory.Free(p);
            }
        }
        """,
        // Copying the values out before the mutation.
        """
        int M(List<int> items)
        {
            int[] copy = CollectionsMarshal.AsSpan(items).ToArray();
            items.Add(1);
            return copy[0];
        }
        """,
        // A loop that re-acquires the span every iteration.
        """
        int M(List<int> items, int n)
        {
            int sum = 0;
            for (int i = 0; i < n; i++)
            {
                items.Add(i);
                var span = CollectionsMarshal.AsSpan(items);
                sum += span[span.Length - 1];
            }

            return sum;
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_stale_borrow(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_names_the_source_and_the_invalidating_call()
    {
        var source = TestCode.Members("""
            int M(List<int> items, int x)
            {
                Span<int> span = {|#0:CollectionsMarshal.AsSpan(items)|};
                {|#1:items.Add(x)|};
                return {|#2:span|}[0];
            }
            """);
        var line = TestCode.LineOf(source, "{|#1:");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN005").WithLocation(2).WithLocation(0).WithLocation(1)
                .WithMessage($"'span' points into 'items', which 'items.Add(x)' at line {line} may have reallocated"));
    }

    [Fact]
    public Task Flags_a_borrowed_property_kept_in_a_field_past_an_invalidating_call() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + OWN007BorrowEscapesTests.LendingGrid + """
        public ref struct Cursor
        {
            private Span<int> view;
            public int Next(Grid grid)
            {
                {|OWN007:view = grid.Cells|};
                grid.Grow();
                return {|OWN005:view|}[0];
            }
        }
        """);
}
