using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN007BorrowEscapesTests
{
    public static TheoryData<string> Flagged => new()
    {
        // A view of a list that no field of this object keeps (the twin of Kept below).
        """
        public ref struct Lost
        {
            private Span<byte> memory;
            public Lost(int size)
            {
                var list = new List<byte>(size);
                {|OWN007:memory = CollectionsMarshal.AsSpan(list)|};
            }
        }
        """,
        // The same, but the segment is only a local: nothing of this struct keeps the array.
        ReturningSegment + """
        ref struct ReverseBuilder
        {
            private Span<char> current;
            public ReverseBuilder(int length)
            {
                char[] array = ArrayPool<char>.Shared.Rent(length);
                var segment = new Segment(array);
                {|OWN007:current = array|};
                segment.Dispose();
            }
        }
        """,
        // A collection of the caller's own type keeps what is added to it.
        """
        public sealed class Pages : IEnumerable<byte[]>
        {
            private readonly List<byte[]> all = new List<byte[]>();
            public void Add(byte[] page) => all.Add(page);
            public IEnumerator<byte[]> GetEnumerator() => all.GetEnumerator();
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
        Pages pages = new Pages();
        public void Write([Borrowed] byte[] buffer)
        {
            pages.Add({|OWN007:buffer|});
        }
        """,
        // A ref local to a variable reads that variable: a borrowed pointer stored through it still escapes.
        """
        byte*[] kept = new byte*[1];
        public void Keep([Borrowed] byte* data)
        {
            ref byte* alias = ref data;
            {|OWN007:kept[0] = alias|};
        }
        """,
        // Into a struct that lives in this object or in an array: it outlives the call.
        """
        public struct Cursor { public IntPtr At; }
        Cursor cursor;
        void M([Borrowed] IntPtr data)
        {
            {|OWN007:cursor.At = data|};
        }
        """,
        """
        public struct Cursor { public IntPtr At; }
        void M([Borrowed] IntPtr data, Cursor[] cursors)
        {
            {|OWN007:cursors[0].At = data|};
        }
        """,
        // A [Borrowed] parameter kept in a field.
        """
        byte* kept;
        void M([Borrowed] byte* block)
        {
            {|OWN007:kept = block|};
        }
        """,
        // Kept in a static field.
        """
        static byte* cache;
        static void M([Borrowed] byte* block)
        {
            {|OWN007:cache = block|};
        }
        """,
        // Kept in a field of another object.
        """
        sealed class Holder { public IntPtr Data; }
        void M([Borrowed] IntPtr data, Holder holder)
        {
            {|OWN007:holder.Data = data|};
        }
        """,
        // Kept in an array.
        """
        void M([Borrowed] Handle handle, Handle[] all)
        {
            {|OWN007:all[0] = handle|};
        }
        """,
        // Added to a collection.
        """
        List<IntPtr> seen = new();
        void M([Borrowed] IntPtr data)
        {
            seen.Add({|OWN007:data|});
        }
        """,
        // Enqueued.
        """
        Queue<Handle> pending = new();
        void M([Borrowed] Handle handle)
        {
            pending.Enqueue({|OWN007:handle|});
        }
        """,
        // Returned from a method whose return is not [Borrowed].
        """
        byte* M([Borrowed] byte* block)
        {
            return {|OWN007:block|};
        }
        """,
        // Returned as [Owned].
        """
        [return: Owned]
        Handle M([Borrowed] Handle handle)
        {
            return {|OWN007:handle|};
        }
        """,
        // A view returned as [Owned].
        """
        [return: Owned("native")]
        byte* M()
        {
            using var arena = new ArenaAllocator();
            return {|OWN007:(byte*)arena.Allocate(16)|};
        }
        """,
        // A pinned pointer kept in a field.
        """
        byte* pinned;
        void M(byte[] data)
        {
            fixed (byte* p = data)
            {
                {|OWN007:pinned = p|};
            }
        }
        """,
        // A pinned pointer returned.
        """
        byte* M(byte[] data)
        {
            fixed (byte* p = data)
            {
                return {|OWN007:p|};
            }
        }
        """,
        // Captured by a lambda kept in a field.
        """
        Action? callback;
        void M([Borrowed] byte* block)
        {
            {|OWN007:callback = () => block[0] = 1|};
        }
        """,
        // A [Borrowed] parameter kept through an alias.
        """
        IntPtr kept;
        void M([Borrowed] IntPtr data)
        {
            IntPtr alias = data;
            {|OWN007:kept = alias|};
        }
        """,
        // Stored in a property.
        """
        IntPtr Kept { get; set; }
        void M([Borrowed] IntPtr data)
        {
            {|OWN007:Kept = data|};
        }
        """,
        // A [Borrowed] disposable pushed on a stack.
        """
        Stack<Handle> stack = new();
        void M([Borrowed] Handle handle)
        {
            stack.Push({|OWN007:handle|});
        }
        """,
        // A view of this frame's stackalloc kept in a field (the twin of the native library's memory below).
        """
        public ref struct Scratch
        {
            private Span<byte> memory;
            public Scratch(int size)
            {
                byte* p = stackalloc byte[16];
                {|OWN007:memory = new Span<byte>(p, 16)|};
            }
        }
        """,
        // A pinned pointer stored in a static.
        """
        static IntPtr address;
        static void M(byte[] data)
        {
            fixed (byte* p = data)
            {
                {|OWN007:address = (IntPtr)p|};
            }
        }
        """,
    };

    /// <summary>A segment that returns its rented array when disposed (Components.Web's ReverseStringBuilder twins).</summary>
    private const string ReturningSegment = """
        sealed class Segment : IDisposable
        {
            private char[] array;
            public Segment(char[] array) { this.array = array; }
            public void Dispose() { ArrayPool<char>.Shared.Return(array); array = Array.Empty<char>(); }
        }

        """;

    public static TheoryData<string> Silent => new()
    {
        // A view handed back through an out parameter's field, as a return would hand it (Google.Protobuf's
        // WriteContext.Initialize). A pinned pointer stored there is still reported (A_pinned_pointer_is_named_after_its_fixed_local).
        """
        public sealed class Output { public byte[] Buffer = new byte[64]; }
        public ref struct WriteContext { public Span<byte> buffer; public int position; }
        static void Initialize(Output output, out WriteContext ctx)
        {
            ctx.buffer = new Span<byte>(output.Buffer);
            ctx.position = 0;
        }
        """,
        // The view is stored before the array it views is stored in another field of this object, through a conditional
        // (DotNext's SpanOwner<T>): the object keeps both.
        """
        public ref struct Lease
        {
            private Span<byte> memory;
            private object? owner;
            public Lease(int size, bool exact)
            {
                byte[] array = ArrayPool<byte>.Shared.Rent(size);
                memory = exact ? new Span<byte>(array, 0, size) : new Span<byte>(array);
                owner = array;
            }
            public void Dispose()
            {
                if (owner is byte[] array) ArrayPool<byte>.Shared.Return(array);
                this = default;
            }
        }
        public ref struct Kept
        {
            private Span<byte> memory;
            private List<byte> items;
            public Kept(int size)
            {
                var list = new List<byte>(size);
                memory = CollectionsMarshal.AsSpan(list);
                items = list;
            }
        }
        """,
        // A view kept beside its storage, which this struct keeps through another object: the rented array is handed to a
        // segment that a field holds and whose Dispose returns it (Components.Web's ReverseStringBuilder).
        ReturningSegment + """
        ref struct ReverseBuilder
        {
            private Span<char> current;
            private Segment? segment;
            public ReverseBuilder(int length)
            {
                char[] array = ArrayPool<char>.Shared.Rent(length);
                segment = new Segment(array);
                current = array;
            }
            public void Dispose() => segment?.Dispose();
        }
        """,
        // A view over null is empty, whatever keeps it (System.Private.CoreLib's SpanMarshaller resets its field so).
        """
        unsafe ref struct Marshaller
        {
            private Span<int> managed;
            private int* allocated;
            public void From(Span<int> values)
            {
                allocated = null;
                if (values.IsEmpty)
                {
                    managed = null;
                    return;
                }
                managed = values;
                allocated = (int*)NativeMemory.Alloc((nuint)(values.Length * sizeof(int)));
            }
            public void Free() { NativeMemory.Free(allocated); allocated = null; }
        }
        """,
        // A view assigned to the discard is kept nowhere.
        "void M(List<int> items, byte[] data) { _ = CollectionsMarshal.AsSpan(items); Span<byte> view = data; _ = view; }",
        // An Add that is not a collection's copies the data (FileBufferingWriteStream into its PagedByteBuffer).
        """
        public sealed class Pages { public void Add(byte[] buffer, int offset, int count) { } }
        Pages pages = new Pages();
        public void Write([Borrowed] byte[] buffer, int offset, int count)
        {
            pages.Add(buffer, offset, count);
        }
        """,
        // A ref local to an element read as a value is a copy: compacting an array in place (RenderTreeBuilder).
        """
        public struct Frame { public int Kind; public string Name; }
        public void Compact(Frame[] buffer, int count, Dictionary<string, int> seen)
        {
            int kept = 0;
            for (int i = count - 1; i >= 0; i--)
            {
                ref Frame frame = ref buffer[i];
                if (!seen.TryAdd(frame.Name, i)) frame = default;
            }
            for (int j = 0; j < count; j++)
            {
                ref Frame frame = ref buffer[j];
                if (frame.Kind != 0)
                {
                    buffer[kept++] = frame;
                }
            }
        }
        """,
        // A view kept in an auto-property beside its storage, in one readonly ref struct (RouteContext's UriBuffer).
        """
        public readonly ref struct UriBuffer
        {
            private readonly byte[] _pooled;
            public Span<byte> Buffer { get; }
            public UriBuffer(int length)
            {
                _pooled = ArrayPool<byte>.Shared.Rent(length);
                Buffer = _pooled.AsSpan(0, length);
            }
            public void Dispose() { ArrayPool<byte>.Shared.Return(_pooled); }
        }
        """,
        // A property of a struct being initialized on this frame (System.Security.Cryptography's CryptoPoolLease).
        """
        public ref struct Lease
        {
            public byte[] Rented;
            public Span<byte> Span { get; private set; }
            public static Lease Rent(int length)
            {
                byte[] array = new byte[length];
                return new Lease { Rented = array, Span = new Span<byte>(array, 0, length) };
            }
        }
        """,
        // A property of a struct in stack memory (an EventSource's EventData).
        """
        public struct Data { public IntPtr DataPointer { get; set; } public int Size { get; set; } }
        void M(string text)
        {
            Data* data = stackalloc Data[1];
            fixed (char* chars = text)
            {
                data[0].DataPointer = (IntPtr)chars;
                data[0].Size = text.Length * 2;
            }
        }
        """,
        // Into a struct on this frame: a local, or one an initializer fills.
        """
        public struct Cursor { public IntPtr At; }
        int M([Borrowed] IntPtr data)
        {
            var made = new Cursor { At = data };
            Cursor local = default;
            local.At = data;
            return Marshal.ReadByte(made.At) + Marshal.ReadByte(local.At);
        }
        """,
        "void M([Borrowed] byte* block) { block[0] = 1; }",
        "int M([Borrowed] byte* block) => Api.Read(block);",
        "[return: Borrowed(nameof(block))] byte* M([Borrowed] byte* block) => block;",
        "byte* kept; void M(byte* block) { kept = block; }",
        "byte* kept; void M([Transfers] byte* block) { if (kept != null) Api.Destroy(kept); kept = block; }",
        "void M([Borrowed] byte* block) { byte* local = block; local[0] = 2; }",
        "void M([Borrowed] Handle handle) { handle.Write(1); }",
        "void M([Borrowed] Handle handle, List<int> values) { values.Add(handle.Value); }",
        "Span<int> M(int[] values) => values.AsSpan();",
        "Span<int> M(List<int> items) => CollectionsMarshal.AsSpan(items);",
        "byte* buffer; byte* cursor; void M() { cursor = buffer + 8; }",
        """
        List<int> items = new();
        int[] storage = new int[4];
        Span<int> View() => storage.AsSpan();
        """,
        """
        void M(byte[] data)
        {
            fixed (byte* p = data)
            {
                byte* q = p;
                *q = 1;
            }
        }
        """,
        """
        ArenaAllocator arena = new ArenaAllocator();
        byte* scratch;
        void M() { scratch = (byte*)arena.Allocate(64); }
        """,
        """
        void M([Borrowed] byte* block, List<int> values)
        {
            Action clear = () => block[0] = 0;
            clear();
            values.ForEach(v => block[1] = (byte)v);
        }
        """,
        """
        void M(NativeList<int> list, Span<int> into)
        {
            list.Add(1);
            into[0] = list[0];
            var value = list[0];
            list[1] = value;
        }
        """,
        """
        byte** slots;
        void M(byte[] data)
        {
            byte* p = Api.Create(8);
            slots[0] = p;
        }
        """,
        // Views of a native library's memory, kept by the struct that wraps its handle (MySql.Data's
        // FidoAssertionStatement): whose memory it is, and for how long, is not known here.
        """
        static class Fido
        {
            [DllImport("fido2")] public static extern byte* fido_assert_authdata_ptr(IntPtr assert, IntPtr index);
        }
        public ref struct Statement
        {
            public ReadOnlySpan<byte> AuthData { get; }
            public ReadOnlySpan<byte> Id;
            public Statement(IntPtr assert, int index, int length)
            {
                AuthData = new ReadOnlySpan<byte>(Fido.fido_assert_authdata_ptr(assert, (IntPtr)index), length);
                byte* id = Fido.fido_assert_authdata_ptr(assert, (IntPtr)(index + 1));
                Id = new ReadOnlySpan<byte>(id, length);
            }
        }
        """,
        // A span handed to the setter of a class, which cannot keep a span (MySql.Data's FidoAssertion.ClientDataHash).
        """
        public sealed class Assertion
        {
            private byte[] hash = Array.Empty<byte>();
            public ReadOnlySpan<byte> ClientDataHash { set { hash = value.ToArray(); } }
        }
        byte[] clientDataHash = new byte[32];
        void M(Assertion assertion, [Borrowed] byte[] data)
        {
            assertion.ClientDataHash = clientDataHash;
            assertion.ClientDataHash = data;
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_escaping_borrow(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    /// <summary>A grid that lends a span over its cells (the Cells property, the View method), hands out a copy (Copy) and can reallocate (Grow).</summary>
    internal const string LendingGrid = """
        public sealed class Grid
        {
            private int[] cells = new int[4];
            public Span<int> Cells { [return: Borrowed] get => cells; }
            public Span<int> Copy => (int[])cells.Clone();
            [return: Borrowed] public Span<int> View() => cells;
            [Invalidates] public void Grow() => Array.Resize(ref cells, cells.Length * 2);
        }

        """;

    [Fact]
    public Task A_pinned_pointer_is_named_after_its_fixed_local() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
        // ZstdSharp's CompressionStream hands the caller's buffer struct the pinned pointer: the message names 'src',
        // not the pinned span twice.
        TestCode.Members("""
            public struct Window { public void* src; public nuint size; }
            void Compress(ref Window input, ReadOnlySpan<byte> inputBuffer)
            {
                fixed (byte* src = inputBuffer)
                {
                    {|#0:input.src = src|};
                }
            }
            """),
        AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN007").WithLocation(0).WithMessage("'src' is borrowed from 'inputBuffer' and must not be stored in field 'src'"));

    [Fact]
    public Task A_pinned_address_names_the_storage_it_points_into() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
        // ZstdNet pins &outputBuffer[0] and &MemoryMarshal.GetReference(buffer): the messages name the array and the span.
        TestCode.Members("""
            public struct Window { public IntPtr buffer; }
            byte[] outputBuffer = new byte[16];
            void Compress(ref Window input, ref Window output, ReadOnlySpan<byte> buffer)
            {
                fixed (byte* reference = &System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer))
                {
                    fixed (byte* ptr = &outputBuffer[0])
                    {
                        {|#0:input.buffer = new IntPtr(reference)|};
                        {|#1:output.buffer = new IntPtr(ptr)|};
                    }
                }
            }
            """),
        AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN007").WithLocation(0).WithMessage("'reference' is borrowed from 'buffer' and must not be stored in field 'buffer'"),
        AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN007").WithLocation(1).WithMessage("'ptr' is borrowed from 'outputBuffer' and must not be stored in field 'buffer'"));

    [Fact]
    public Task Flags_a_borrowed_property_stored_in_a_field() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + LendingGrid + """
        public ref struct Cursor
        {
            private Span<int> view;
            public void Start(Grid grid) => {|OWN007:view = grid.Cells|};
        }
        """);

    [Fact]
    public Task Flags_a_borrowed_method_result_stored_in_a_field() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + LendingGrid + """
        public ref struct Cursor
        {
            private Span<int> view;
            public void Start(Grid grid) => {|OWN007:view = grid.View()|};
        }
        """);

    [Fact]
    public Task A_view_into_storage_this_object_keeps_may_be_stored_in_its_field() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + """
        // StackExchange.Redis's sub-key enumerator: the rented array and the span over it live in the same struct.
        public ref struct Splitter
        {
            private ReadOnlySpan<byte> data;
            private byte[]? lease;
            public void Load(ReadOnlySpan<byte> source)
            {
                byte[] array = lease = ArrayPool<byte>.Shared.Rent(source.Length);
                source.CopyTo(array);
                data = array.AsSpan(0, source.Length);
            }
            public void Dispose() { if (lease != null) { ArrayPool<byte>.Shared.Return(lease); lease = null; } }
        }

        public ref struct Leaky
        {
            private ReadOnlySpan<byte> data;
            public void Load(ReadOnlySpan<byte> source)
            {
                byte[] array = ArrayPool<byte>.Shared.Rent(source.Length);
                source.CopyTo(array);
                {|OWN007:data = array.AsSpan(0, source.Length)|};
                ArrayPool<byte>.Shared.Return(array);
            }
        }
        """);

    [Fact]
    public Task Stays_silent_on_an_unannotated_property_stored_in_a_field() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + LendingGrid + """
        public ref struct Cursor
        {
            private Span<int> view;
            public void Start(Grid grid) => view = grid.Copy;
        }
        """);

    [Fact]
    public Task Stays_silent_where_half_typed_code_stores_a_pinned_pointer() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
    {
        // The struct's type does not bind (a missing reference, or one not typed yet): where the store goes cannot be told.
        Source = TestCode.Members("""
            Holder? holder;
            public void Describe(string name)
            {
                Unknown* buffers = stackalloc Unknown[3];
                fixed (char* text = name)
                {
                    buffers[2].pvBuffer = (nint)text;
                    holder!.Missing.pvBuffer = (nint)text;
                }
            }
            """, "public sealed class Holder { }\n"),
        AllowCompilerErrors = true,
    });

    [Fact]
    public Task Flags_a_pinned_pointer_stored_in_a_field_of_a_struct_this_object_keeps() => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
        public struct Chunk { public nint pvBuffer; }
        Chunk chunk;
        public void Describe(string name)
        {
            fixed (char* text = name)
            {
                {|OWN007:chunk.pvBuffer = (nint)text|};
            }
        }
        """));
}
