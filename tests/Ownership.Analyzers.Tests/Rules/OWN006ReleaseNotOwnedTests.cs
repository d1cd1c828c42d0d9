using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN006ReleaseNotOwnedTests
{
    public static TheoryData<string> Flagged => new()
    {
        // Disposing the caller's [Borrowed] writer through an alias (the twin of the pooled-or-borrowed writer below).
        """
        void M([Borrowed] TextWriter output)
        {
            TextWriter w = output;
            w.Write(1);
            {|OWN006:w.Dispose()|};
        }
        """,
        // Disposing a [Borrowed] disposable ref struct: the borrow is of the type being disposed (the twin of the
        // conversion below).
        """
        ref struct Owner : IDisposable
        {
            private Span<byte> memory;
            public Owner(Span<byte> memory) { this.memory = memory; }
            public void Dispose() { }
        }
        void M([Borrowed] Owner owner)
        {
            {|OWN006:owner.Dispose()|};
        }
        """,
        // Freeing a [Borrowed] parameter.
        """
        void M([Borrowed] byte* block)
        {
            {|OWN006:Api.Destroy(block)|};
        }
        """,
        // Transferring a [Borrowed] parameter.
        """
        void M([Borrowed] byte* block)
        {
            {|OWN006:Api.Consume(block)|};
        }
        """,
        // Disposing a [Borrowed] disposable parameter.
        """
        void M([Borrowed] Handle handle)
        {
            {|OWN006:handle.Dispose()|};
        }
        """,
        // Freeing an interior pointer.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(64);
            {|OWN006:NativeMemory.Free(p + 8)|};
            NativeMemory.Free(p);
        }
        """,
        // Freeing an interior pointer kept in a variable.
        """
        void M()
        {
            byte* p = Api.Create(64);
            byte* header = p + 16;
            {|OWN006:Api.Destroy(header)|};
            Api.Destroy(p);
        }
        """,
        // Freeing an interior HGlobal address.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(64);
            {|OWN006:Marshal.FreeHGlobal(h + 4)|};
            Marshal.FreeHGlobal(h);
        }
        """,
        // Returning an array to the pool that was never rented.
        """
        void M(int n)
        {
            byte[] buffer = new byte[n];
            {|OWN006:ArrayPool<byte>.Shared.Return(buffer)|};
        }
        """,
        // Returning an array literal.
        """
        void M()
        {
            {|OWN006:ArrayPool<int>.Shared.Return(new int[] { 1, 2, 3 })|};
        }
        """,
        // Freeing the address of a local.
        """
        void M()
        {
            int value = 5;
            {|OWN006:NativeMemory.Free(&value)|};
        }
        """,
        // Freeing a pinned pointer.
        """
        void M(byte[] data)
        {
            fixed (byte* p = data)
            {
                {|OWN006:NativeMemory.Free(p)|};
            }
        }
        """,
        // Freeing arena memory with the native allocator.
        """
        void M()
        {
            using var arena = new ArenaAllocator();
            void* p = arena.Allocate(32);
            {|OWN006:NativeMemory.Free(p)|};
        }
        """,
        // Freeing a pointer into a NativeList.
        """
        void M()
        {
            using var list = new NativeList<int>();
            list.Add(1);
            ref int first = ref list[0];
            fixed (int* p = &first)
            {
                {|OWN006:NativeMemory.Free(p)|};
            }
        }
        """,
        // Freeing a borrowed parameter through an alias.
        """
        void M([Borrowed] byte* block)
        {
            byte* alias = block;
            {|OWN006:Api.Destroy(alias)|};
        }
        """,
        // Freeing an interior pointer on one path.
        """
        void M(bool header)
        {
            byte* p = Api.Create(64);
            byte* start = header ? p + 8 : p;
            {|OWN006:Api.Destroy(start)|};
        }
        """,
        // Disposing a [Borrowed] parameter through a ref local to it: a ref to a variable reads that variable (the twin of
        // disposing an array element through a ref local to it).
        """
        void M([Borrowed] Handle handle)
        {
            ref Handle alias = ref handle;
            {|OWN006:alias.Dispose()|};
        }
        """,
        // Freeing a pointer returned as a borrow.
        """
        void M()
        {
            using var arena = new ArenaAllocator(4096);
            byte* node = (byte*)arena.Allocate(16);
            {|OWN006:Api.Destroy(node)|};
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // A pooled writer or the caller's [Borrowed] one, disposed on the condition that chose the pooled one: the release
        // may be of the pooled one alone (the twin of disposing the borrowed writer through an alias).
        """
        static StringWriter Pooled() => new StringWriter();
        void M([Borrowed] TextWriter output, bool pad)
        {
            TextWriter w = pad ? Pooled() : output;
            w.Write(1);
            if (pad) w.Dispose();
        }
        """,
        // The same with native memory acquired here or borrowed from the caller.
        """
        void M([Borrowed] byte* given, bool own)
        {
            byte* p = own ? Api.Create(8) : given;
            p[0] = 1;
            if (own) Api.Destroy(p);
        }
        """,
        // A disposable made from a span over stack memory by a user-defined conversion: its Dispose releases what it owns,
        // not the span (DotNext's Span.Swap with SpanOwner<T>).
        """
        ref struct Owner : IDisposable
        {
            private Span<byte> memory;
            public Owner(Span<byte> memory) { this.memory = memory; }
            public static implicit operator Owner(Span<byte> span) => new Owner(span);
            public Span<byte> Span => memory;
            public void Dispose() { }
        }
        void Swap(int n, bool big)
        {
            Owner owner;
            if (big)
            {
                owner = new Owner(new byte[n]);
            }
            else
            {
                void* pointer = stackalloc byte[n];
                owner = new Span<byte>(pointer, n);
            }
            owner.Span[0] = 1;
            owner.Dispose();
        }
        void Scratch(List<byte> list)
        {
            using Owner owner = CollectionsMarshal.AsSpan(list);
            owner.Span[0] = 1;
        }
        """,
        // An address a parameter brings, released at an offset: whether it is the start of its block is the caller's knowledge
        // (System.Private.CoreLib's VBByValStrMarshaler hands out its block 4 bytes in).
        """
        static void ClearNative(IntPtr native)
        {
            if (native != IntPtr.Zero) Marshal.FreeCoTaskMem(native - 4);
        }
        """,
        // An element disposed through a ref local to it: the element is released, not the reference into the array
        // (R3's ListDisposableCore.RemoveAt, Garnet's CircularDiskWriteBuffer.ClearBuffers).
        """
        private IDisposable?[] disposables = new IDisposable?[4];
        void RemoveAt(int index)
        {
            ref IDisposable? reference = ref disposables[index];
            if (reference != null)
            {
                reference.Dispose();
            }
            reference = null;
        }
        void Clear(Handle?[] handles)
        {
            for (int i = 0; i < handles.Length; i++)
            {
                ref Handle? handle = ref handles[i];
                if (handle != null)
                {
                    handle.Dispose();
                    handle = null;
                }
            }
        }
        """,
        // The same with pointers in an array, freed through a ref local to each element.
        """
        void FreeAll(IntPtr[] blocks)
        {
            for (int i = 0; i < blocks.Length; i++)
            {
                ref IntPtr block = ref blocks[i];
                Marshal.FreeHGlobal(block);
                block = IntPtr.Zero;
            }
        }
        """,
        "void M() { byte* p = Api.Create(8); Api.Destroy(p); }",
        "void M([Releases] byte* block) { Api.Destroy(block); }",
        "void M([Transfers] byte* block) { Api.Consume(block); }",
        "void M(byte* block) { Api.Destroy(block); }",
        "void M([Borrowed] byte* block) { Api.Fill(block, 4); }",
        "void M() { byte[] b = ArrayPool<byte>.Shared.Rent(8); ArrayPool<byte>.Shared.Return(b); }",
        "void M(byte[] b) { ArrayPool<byte>.Shared.Return(b); }",
        "void M() { byte* p = Api.Create(16); byte* q = p + 8; *q = 1; Api.Destroy(p); }",
        "void M() { byte* p = Api.Create(16); byte* cursor = p; cursor += 4; Api.Destroy(p); }",
        "void M() { IntPtr h = Marshal.AllocHGlobal(8); Marshal.WriteByte(h + 4, 0, 1); Marshal.FreeHGlobal(h); }",
        "void M() { using var arena = new ArenaAllocator(); byte* p = (byte*)arena.Allocate(8); p[0] = 1; }",
        "void M(byte[] data) { fixed (byte* p = data) { p[0] = 1; } }",
        """
        void M(int n)
        {
            byte[] buffer = n > 256 ? ArrayPool<byte>.Shared.Rent(n) : null!;
            if (buffer != null) ArrayPool<byte>.Shared.Return(buffer);
        }
        """,
        """
        void M()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
            Span<byte> span = buffer;
            span[0] = 1;
            ArrayPool<byte>.Shared.Return(buffer);
        }
        """,
        """
        void M()
        {
            var list = new NativeList<int>(8);
            list.Add(1);
            list.Dispose();
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_release_of_what_is_not_owned(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_says_why_it_is_not_owned()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                void M(int n)
                {
                    byte[] buffer = {|#0:new byte[n]|};
                    {|#1:ArrayPool<byte>.Shared.Return(buffer)|};
                }
                """),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN006").WithLocation(1).WithLocation(0)
                .WithMessage("'buffer' is released here, but it is not owned: it was created by 'new byte[n]', not rented"));
    }
}
