using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN002DoubleReleaseTests
{
    public static TheoryData<string> Flagged => new()
    {
        // Handing over a disposable that was already disposed (the twin of Codec below).
        """
        public void Disposed([Transfers] Stream stream)
        {
            stream.Dispose();
            using var reader = {|OWN002:new StreamReader(stream)|};
        }
        """,
        // Value is the address itself: freeing it twice is a double free.
        """
        public void Create()
        {
            nint? descriptor = Marshal.AllocHGlobal(16);
            Marshal.FreeHGlobal(descriptor.Value);
            {|OWN002:Marshal.FreeHGlobal(descriptor.Value)|};
        }
        """,
        // A call after the release may throw: the handler may start after the release.
        """
        static void Log() { }
        void M()
        {
            byte* p = Api.Create(8);
            try
            {
                Api.Destroy(p);
                Log();
            }
            catch (InvalidOperationException)
            {
                {|OWN002:Api.Destroy(p)|};
            }
        }
        """,
        // A variable that holds one resource or the other, depending on the path, releases whichever it holds: twice.
        """
        void M(bool a)
        {
            byte* p = a ? Api.Create(1) : Api.Create(2);
            Api.Destroy(p);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Freed twice in a row.
        """
        void M()
        {
            void* p = NativeMemory.Alloc(16);
            NativeMemory.Free(p);
            {|OWN002:NativeMemory.Free(p)|};
        }
        """,
        // Freed through an alias, then through the original.
        """
        void M()
        {
            byte* p = Api.Create(8);
            byte* q = p;
            Api.Destroy(q);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Returned to the pool twice.
        """
        void M()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            ArrayPool<byte>.Shared.Return(buffer);
            {|OWN002:ArrayPool<byte>.Shared.Return(buffer)|};
        }
        """,
        // Returned in the body and again in finally.
        """
        void M(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            try
            {
                stream.Write(buffer, 0, 32);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            finally
            {
                {|OWN002:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // Freed on one branch, then unconditionally.
        """
        void M(bool failed)
        {
            byte* p = Api.Create(8);
            if (failed)
            {
                Api.Destroy(p);
            }

            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Freed inside a loop without being re-acquired.
        """
        void M(int n)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            for (int i = 0; i < n; i++)
            {
                {|OWN002:Api.Destroy(p)|};
            }
        }
        """,
        // Transferred, then freed.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Consume(p);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Transferred twice.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Consume(p);
            {|OWN002:Api.Consume(p)|};
        }
        """,
        // HGlobal freed twice.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(64);
            Marshal.FreeHGlobal(h);
            {|OWN002:Marshal.FreeHGlobal(h)|};
        }
        """,
        // CoTaskMem string freed twice.
        """
        void M(string text)
        {
            IntPtr s = Marshal.StringToCoTaskMemUTF8(text);
            Marshal.FreeCoTaskMem(s);
            {|OWN002:Marshal.FreeCoTaskMem(s)|};
        }
        """,
        // GCHandle freed twice.
        """
        void M(object value)
        {
            GCHandle handle = GCHandle.Alloc(value);
            handle.Free();
            {|OWN002:handle.Free()|};
        }
        """,
        // Realloc released the old block; freeing it too is a double free.
        """
        void M()
        {
            void* p = NativeMemory.Alloc(16);
            void* q = NativeMemory.Realloc(p, 32);
            NativeMemory.Free(q);
            {|OWN002:NativeMemory.Free(p)|};
        }
        """,
        // Aligned block freed twice.
        """
        void M()
        {
            void* p = NativeMemory.AlignedAlloc(64, 64);
            NativeMemory.AlignedFree(p);
            {|OWN002:NativeMemory.AlignedFree(p)|};
        }
        """,
        // A [Releases] parameter released twice by its callee.
        """
        void M([Releases] byte* block)
        {
            Api.Destroy(block);
            {|OWN002:Api.Destroy(block)|};
        }
        """,
        // Freed in a catch and again after the try.
        """
        void M()
        {
            byte* p = Api.Create(8);
            try
            {
                p[0] = 1;
            }
            catch (InvalidOperationException)
            {
                Api.Destroy(p);
            }

            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // The same condition twice: released twice when it holds, leaked when it does not.
        """
        void M(int count)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (count > 0) Api.Destroy(p);
            if (count > 0) {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Double free of an unannotated pointer parameter.
        """
        void M(byte* p)
        {
            Api.Destroy(p);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // One stream handed to a reader and a writer: each will dispose it, and Dispose may run twice (LiteDB's AesStream
        // and its two CryptoStreams).
        """
        public sealed class Codec : IDisposable
        {
            [Owned] private readonly Stream stream;
            private StreamReader? reader;
            private StreamReader? writer;
            public Codec([Transfers] Stream stream)
            {
                this.stream = stream;
                reader = stream.CanRead ? new StreamReader(stream) : null;
                writer = stream.CanWrite ? new StreamReader(stream) : null;
            }
            public void Dispose() { reader?.Dispose(); writer?.Dispose(); }
        }
        """,
        // Released and reset on one path, re-acquired where null, released once at the end; a copy holds the old block.
        """
        void M(bool grow)
        {
            byte* p = Api.Create(8);
            byte* before = p;
            if (grow)
            {
                Api.Destroy(p);
                p = null;
            }
            if (p == null) p = Api.Create(16);
            Api.Destroy(p);
        }
        """,
        // Which of two values each held apart a conditional releases is not known: never "released twice".
        """
        void M(bool a)
        {
            byte* p = Api.Create(8);
            byte* q = Api.Create(8);
            Api.Destroy(a ? p : q);
            Api.Destroy(a ? q : p);
        }
        """,
        """
        void M(bool a)
        {
            IntPtr x = Marshal.AllocHGlobal(8);
            IntPtr y = Marshal.AllocHGlobal(8);
            IntPtr first = a ? x : y;
            Marshal.FreeHGlobal(first);
            Marshal.FreeHGlobal(a ? y : x);
        }
        """,
        // Two buffers swapped in a loop: each variable may hold either, but never the same one as the other.
        """
        void M(int n)
        {
            byte* front = Api.Create(8);
            byte* back = Api.Create(8);
            for (int i = 0; i < n; i++)
            {
                byte* t = front; front = back; back = t;
                front[0] = (byte)i;
            }
            Api.Destroy(front);
            Api.Destroy(back);
        }
        """,
        // Released on one path and acquired again: the last release frees whichever the variable holds.
        """
        void M(bool c)
        {
            byte* p = Api.Create(1);
            if (c) { Api.Destroy(p); p = Api.Create(2); }
            Api.Destroy(p);
        }
        """,
        // Once.
        """
        void M()
        {
            void* p = NativeMemory.Alloc(16);
            NativeMemory.Free(p);
        }
        """,
        // Null-guarded free after a conditional acquisition.
        """
        void M(bool need)
        {
            byte* p = null;
            if (need) p = Api.Create(8);
            if (p != null) Api.Destroy(p);
        }
        """,
        // Freed on each branch exactly once.
        """
        void M(bool a)
        {
            byte* p = Api.Create(8);
            if (a) Api.Destroy(p);
            else Api.Destroy(p);
        }
        """,
        // Freed then reset, freeing null is guarded.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = null;
            if (p != null) Api.Destroy(p);
        }
        """,
        // Each loop iteration frees its own block.
        """
        void M(int n)
        {
            for (int i = 0; i < n; i++)
            {
                byte* p = Api.Create(8);
                Api.Destroy(p);
            }
        }
        """,
        // Re-acquired between frees.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = Api.Create(16);
            Api.Destroy(p);
        }
        """,
        // Free each element of an array of blocks.
        """
        void M(int n)
        {
            var blocks = new IntPtr[n];
            for (int i = 0; i < n; i++) blocks[i] = Marshal.AllocHGlobal(16);
            foreach (var block in blocks) Marshal.FreeHGlobal(block);
        }
        """,
        // Return to pool in finally only.
        """
        void M(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(32);
            try { stream.Write(buffer, 0, 32); }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
        """,
        // Two different blocks.
        """
        void M()
        {
            byte* a = Api.Create(8);
            byte* b = Api.Create(8);
            Api.Destroy(a);
            Api.Destroy(b);
        }
        """,
        // Early return after free.
        """
        void M(bool stop)
        {
            byte* p = Api.Create(8);
            if (stop)
            {
                Api.Destroy(p);
                return;
            }

            p[0] = 1;
            Api.Destroy(p);
        }
        """,
        // Try pattern: free only on success.
        """
        void M(int size)
        {
            if (!Api.TryCreate(size, out byte* p))
            {
                return;
            }

            Api.Destroy(p);
        }
        """,
        // Dispose twice is allowed by contract.
        """
        void M()
        {
            var h = Api.Open();
            h.Dispose();
            h.Dispose();
        }
        """,
        // GCHandle guarded by IsAllocated in finally.
        """
        void M(object value)
        {
            GCHandle handle = GCHandle.Alloc(value);
            try { handle.Free(); }
            finally { if (handle.IsAllocated) handle.Free(); }
        }
        """,
        // A field freed and reset, then freed again safely.
        """
        byte* buffer;
        void Reset()
        {
            if (buffer != null)
            {
                Api.Destroy(buffer);
                buffer = null;
            }
        }
        """,
        // Free inside a local function called once.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Release();
            void Release() => Api.Destroy(p);
        }
        """,
        // Released under opposite values of one flag: never twice on one path.
        """
        void M(bool done)
        {
            byte* p = Api.Create(8);
            if (done)
            {
                Api.Destroy(p);
            }

            Console.WriteLine(done);
            if (!done) Api.Destroy(p);
        }
        """,
        // Released under complementary comparisons of names the body never assigns.
        """
        void M(int count, int mode)
        {
            byte* p = Api.Create(8);
            if (count > 0) Api.Destroy(p);
            Console.WriteLine(count);
            if (count <= 0) Api.Destroy(p);

            byte* q = Api.Create(8);
            if (mode == 1) Api.Destroy(q);
            if (mode != 1) Api.Destroy(q);
        }
        """,
        // Loop that frees and re-acquires.
        """
        void M(int n)
        {
            byte* p = Api.Create(8);
            for (int i = 0; i < n; i++)
            {
                Api.Destroy(p);
                p = Api.Create(8);
            }

            Api.Destroy(p);
        }
        """,
    };

    [Fact]
    public Task A_lambda_inside_try_catch_or_finally_is_analysed_on_its_own_graph()
    {
        // A lambda's flow graph sits inside the regions of its enclosing body's graph; only its own regions count.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
            void InFinally(List<int> sizes)
            {
                try { sizes.Add(1); }
                finally { sizes.ForEach(size => { byte* p = Api.Create(size); Api.Destroy(p); {|OWN002:Api.Destroy(p)|}; }); }
            }

            void InTryWithCatch(List<int> sizes)
            {
                try { sizes.ForEach(size => { byte* p = Api.Create(size); Api.Destroy(p); {|OWN002:Api.Destroy(p)|}; }); }
                catch (InvalidOperationException) { sizes.Clear(); }
            }

            void FreedOnceInTryWithCatch(List<int> sizes)
            {
                try { sizes.ForEach(size => { byte* p = Api.Create(size); Api.Destroy(p); }); }
                catch (InvalidOperationException) { sizes.Clear(); }
            }
            """));
    }

    [Fact]
    public Task A_lambda_inside_using_with_exception_paths_on()
    {
        // The exception path of the lambda (Flush may throw before the release) runs no finally of the enclosing body:
        // it used to run one, out of the lambda's graph.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void M(Stream stream, List<int> sizes)
                {
                    using var reader = new StreamReader(stream);
                    sizes.ForEach(size => { byte* p = {|OWN003:Api.Create(size)|}; stream.Flush(); Api.Destroy(p); {|OWN002:Api.Destroy(p)|}; });
                }
                """),
            EditorConfig = "is_global = true\nownership_leaks_on_exception_paths = true",
        });
    }

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_double_release(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_and_locations_name_the_first_release()
    {
        var source = TestCode.Members("""
            void M()
            {
                byte[] buffer = {|#0:ArrayPool<byte>.Shared.Rent(16)|};
                {|#1:ArrayPool<byte>.Shared.Return(buffer)|};
                {|#2:ArrayPool<byte>.Shared.Return(buffer)|};
            }
            """);
        var line = TestCode.LineOf(source, "{|#1:");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN002")
                .WithLocation(2).WithLocation(0).WithLocation(1)
                .WithMessage($"'buffer' is released again; it was already released by 'ArrayPool<byte>.Shared.Return(buffer)' at line {line}"));
    }
}
