using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN003LeakTests
{
    public static TheoryData<string> Flagged => new()
    {
        // A valid handle returned from without its release (the twin of the invalid one in the silent cases).
        """
        [return: Owned] static Microsoft.Win32.SafeHandles.SafeFileHandle OpenFile(string path) => File.OpenHandle(path);
        public bool TryOpen(string path)
        {
            var handle = {|OWN003:OpenFile(path)|};
            if (!handle.IsInvalid)
            {
                return true;
            }
            handle.Dispose();
            return false;
        }
        """,
        // The same class written by hand.
        """
        private sealed class Iterator
        {
            void MoveNext()
            {
                byte* p = {|OWN003:Api.Create(8)|};
                p[0] = 1;
            }
        }
        """,
        // A span over a rented array, returned: the array cannot be had back from the span to return it (the twin of
        // Allocate below).
        """
        static Span<byte> Rent(int length)
        {
            byte[] array = {|OWN003:ArrayPool<byte>.Shared.Rent(length)|};
            return array.AsSpan(0, length);
        }
        """,
        // A result assigned to the discard.
        "void M() { _ = {|OWN003:Api.Create(16)|}; }",
        // A span over new native memory, itself discarded: nothing holds the block.
        """
        static void Run(int count)
        {
            _ = new Span<long>({|OWN003:NativeMemory.Alloc((nuint)(sizeof(long) * count))|}, count);
        }
        """,
        // Released on even iterations only: a leak on some path where the loop body's scope ends.
        """
        public void Fill(int count)
        {
            for (int i = 0; i < count; i++)
            {
                byte* p = (byte*){|OWN003:NativeMemory.Alloc(16)|};
                p[0] = 1;
                if (i % 2 == 0) NativeMemory.Free(p);
            }
        }
        """,
        // Released only where the nullable address has none.
        """
        public void Create(bool secured)
        {
            nint? descriptor = null;
            if (secured) descriptor = {|OWN003:Marshal.AllocHGlobal(16)|};
            if (!descriptor.HasValue) Console.WriteLine("none");
        }
        """,
        // Only the value stored is kept: the other branch's is still this body's to release.
        "byte*[] slots = new byte*[4]; void M(bool big, int i) { byte* spare = {|OWN003:Api.Create(8)|}; slots[i] = big ? Api.Create(64) : null; }",
        "void M() { byte* p = (byte*){|OWN003:Marshal.AllocHGlobal(16)|}.ToPointer(); p[0] = 1; }",
        // An owned type's constructor that also takes ownership of an argument still makes an owned instance.
        """
        [Owned] public sealed class Block : IDisposable
        {
            private byte* data;
            public Block([Transfers] byte* data) { this.data = data; }
            public void Dispose() { if (data != null) { Api.Destroy(data); data = null; } }
        }
        void M()
        {
            var block = {|OWN003:new Block(Api.Create(8))|};
        }
        """,
        // Never freed.
        """
        void M()
        {
            byte* p = (byte*){|OWN003:NativeMemory.Alloc(16)|};
            p[0] = 1;
        }
        """,
        // Early return skips the free.
        """
        void M(bool skip)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (skip) return;
            Api.Destroy(p);
        }
        """,
        // Discarded owned result.
        """
        void M()
        {
            {|OWN003:Api.Create(8)|};
        }
        """,
        // Discarded HGlobal.
        """
        void M()
        {
            {|OWN003:Marshal.AllocHGlobal(32)|};
        }
        """,
        // Rented and never returned.
        """
        int M(Stream stream)
        {
            byte[] buffer = {|OWN003:ArrayPool<byte>.Shared.Rent(4096)|};
            return stream.Read(buffer, 0, buffer.Length);
        }
        """,
        // Leaked in a loop: each iteration loses its block on continue.
        """
        void M(int n)
        {
            for (int i = 0; i < n; i++)
            {
                byte* p = {|OWN003:Api.Create(8)|};
                if (i % 2 == 0) continue;
                Api.Destroy(p);
            }
        }
        """,
        // Leaked on break.
        """
        void M(int n)
        {
            while (n-- > 0)
            {
                byte* p = {|OWN003:Api.Create(8)|};
                if (n == 3) break;
                Api.Destroy(p);
            }
        }
        """,
        // Try pattern: acquired on success, never freed.
        """
        void M()
        {
            if (Api.TryCreate(8, {|OWN003:out byte* p|}))
            {
                p[0] = 1;
            }
        }
        """,
        // Only a [Borrowed] helper sees it.
        """
        void M()
        {
            byte* p = {|OWN003:Api.Create(8)|};
            Api.Fill(p, 8);
        }
        """,
        // An owned disposable never disposed.
        """
        void M()
        {
            Handle h = {|OWN003:Api.Open()|};
            h.Write(1);
        }
        """,
        // A new owned type never disposed.
        """
        void M()
        {
            var h = {|OWN003:new Handle()|};
            h.Write(2);
        }
        """,
        // Freed on one branch only.
        """
        void M(bool done)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (done) Api.Destroy(p);
        }
        """,
        // A [Transfers] parameter this method never passes on.
        """
        void M([Transfers] byte* {|OWN003:block|})
        {
            block[0] = 1;
        }
        """,
        // The same on a lambda's parameter, in a body that touches nothing else with a contract.
        """
        void M()
        {
            Action<IntPtr> consume = ([Transfers] IntPtr {|OWN003:block|}) =>
            {
                if (block == IntPtr.Zero) return;
            };
        }
        """,
        // Written through Marshal's helpers, which only borrow it, and forgotten.
        """
        void M(long value)
        {
            IntPtr block = {|OWN003:Marshal.AllocHGlobal(8)|};
            Marshal.WriteInt64(block, value);
            Marshal.WriteByte(block, 1);
            Console.WriteLine(Marshal.ReadInt16(block) + Marshal.PtrToStringAnsi(block, 2)!.Length);
        }
        """,
        // A string marshalled to HGlobal and forgotten.
        """
        string? M(string text)
        {
            IntPtr s = {|OWN003:Marshal.StringToHGlobalUni(text)|};
            return Marshal.PtrToStringUni(s);
        }
        """,
        // A GCHandle never freed.
        """
        IntPtr M(byte[] data)
        {
            GCHandle handle = {|OWN003:GCHandle.Alloc(data, GCHandleType.Pinned)|};
            return handle.AddrOfPinnedObject();
        }
        """,
        // Returned as [Owned] on one path only.
        """
        [return: Owned("native")]
        byte* M(bool keep)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (keep) return p;
            return null;
        }
        """,
        // Throwing before the free on a normal (explicit) path: the throw is not the leak, the return is.
        """
        int M(int size)
        {
            byte* p = {|OWN003:Api.Create(size)|};
            if (size > 100) return -1;
            int v = p[0];
            Api.Destroy(p);
            return v;
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // A handle that failed to open holds nothing to release: a SafeHandle releases only a valid one (MySql.Data's
        // NamedPipeStream.Open retries until CreateFile gives a valid handle).
        """
        [return: Owned] static Microsoft.Win32.SafeHandles.SafeFileHandle OpenFile(string path) => File.OpenHandle(path);
        public bool TryOpen(string path)
        {
            var handle = OpenFile(path);
            if (handle.IsInvalid)
            {
                return false;
            }
            handle.Dispose();
            return true;
        }
        [Owned] Microsoft.Win32.SafeHandles.SafeFileHandle? pipe;
        public void Open(string path)
        {
            while (true)
            {
                pipe = OpenFile(path);
                if (!pipe.IsInvalid)
                {
                    break;
                }
                System.Threading.Thread.Sleep(10);
            }
        }
        public void Dispose() => pipe?.Dispose();
        """,
        // A state machine the compiler wrote, as a decompiler writes it out (System.Text.Json's async enumerators).
        """
        [System.Runtime.CompilerServices.CompilerGenerated]
        private sealed class Iterator
        {
            void MoveNext()
            {
                byte* p = Api.Create(8);
                p[0] = 1;
            }
        }
        """,
        // Values stored by an array's initializer are kept by the array, as by an element store: they are not discarded
        // (MySqlConnector's SchemaProvider, dataTable.Columns.AddRange(new DataColumn[] { new DataColumn(…), … })).
        """
        void M(List<Handle> all)
        {
            all.AddRange(new Handle[2] { Api.Open(), Api.Open() });
            var more = new[] { Api.Open() };
            all.AddRange(more);
            Keep(new Handle[][] { new[] { Api.Open() } });
        }
        static void Keep(Handle[][] handles) { }
        """,
        // A span over new native memory, returned: the caller gets the block with it and can take its address back
        // (DotNext's SpanOwner<T>.Allocate).
        """
        static Span<byte> Allocate(int length, bool aligned)
        {
            void* pointer;
            if (aligned)
            {
                pointer = NativeMemory.AlignedAlloc((nuint)length, 64);
            }
            else
            {
                pointer = NativeMemory.Alloc((nuint)length);
            }
            return new Span<byte>(pointer, length);
        }
        """,
        // Native memory held only by a span over it, and freed through the address that pinning the span gives back
        // (System.Private.CoreLib's EventPipeInternal.Enable).
        """
        static void Run(int count)
        {
            Span<long> items = new Span<long>((void*)Marshal.AllocCoTaskMem(sizeof(long) * count), count);
            items.Clear();
            try
            {
                items[0] = count;
            }
            finally
            {
                fixed (long* start = items)
                {
                    Marshal.FreeCoTaskMem((IntPtr)start);
                }
            }
        }
        """,
        // Owned only when a flag says so, and released under the same flag, with both declared inside the loop.
        """
        public void Fill(int count, byte* shared)
        {
            for (int i = 0; i < count; i++)
            {
                bool own = i % 2 == 0;
                byte* p = own ? (byte*)NativeMemory.Alloc(16) : shared;
                p[0] = 1;
                if (own) NativeMemory.Free(p);
            }
        }
        """,
        // A nullable address: HasValue is its null test, Value the address (HttpSys's request queue).
        """
        public void Create(bool secured)
        {
            nint? descriptor = null;
            try
            {
                if (secured) descriptor = Marshal.AllocHGlobal(16);
                Console.WriteLine(descriptor.HasValue);
            }
            finally
            {
                if (descriptor.HasValue) Marshal.FreeHGlobal(descriptor.Value);
            }
        }
        """,
        """
        public void Create(bool secured)
        {
            IntPtr? descriptor = secured ? Marshal.AllocHGlobal(16) : null;
            if (descriptor != null) Marshal.FreeHGlobal(descriptor.GetValueOrDefault());
        }
        """,
        // An exception in the inner try runs its finally before the outer catch sees it: the block is released there.
        """
        int M(Stream source)
        {
            byte* p = Api.Create(8);
            try
            {
                try { Api.Fill(p, source.ReadByte()); }
                finally { Api.Destroy(p); }
                return 1;
            }
            catch (IOException)
            {
                return 0;
            }
        }
        """,
        // The compiler captures the element, or the other object's property, before the branches of the value: the store
        // still goes there (Npgsql's data sources and readers).
        "byte*[] slots = new byte*[4]; void M(bool big, int i) { slots[i] = big ? Api.Create(64) : Api.Create(8); }",
        "public sealed class Holder { public Handle? Current { get; set; } } void M(Holder h, Handle? spare) { h.Current = spare != null ? spare : Api.Open(); }",
        "public sealed class Holder { public Handle? Current { get; set; } } void M(Holder h) { h.Current ??= Api.Open(); }",
        // IntPtr.ToPointer() is a cast written as a call: the pointer is the block (ClrMD's COM vtables).
        "void M() { byte* p = (byte*)Marshal.AllocHGlobal(16).ToPointer(); p[0] = 1; Marshal.FreeHGlobal((IntPtr)p); }",
        "void M() { byte* p = (byte*)Marshal.AllocHGlobal(16); p[0] = 1; Marshal.FreeHGlobal(new IntPtr(p)); }",
        // A handed-over parameter the body never names: a no-op implementation, such as a null object's Free. OWN012
        // reports an attribute that promises a release the body does not make.
        "void M([Transfers] byte* block) { }",
        // The same in a body the analyzer follows for another value: the parameter is still not this body's leak.
        "void M([Transfers] byte* block) { byte* scratch = Api.Create(8); Api.Destroy(scratch); }",
        """
        public interface IPool { void Free([Releases] byte* block); }
        public sealed class NullPool : IPool { public void Free(byte* block) { } }
        """,
        // Freed.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
        }
        """,
        // try/finally.
        """
        void M()
        {
            byte* p = Api.Create(8);
            try { p[0] = 1; }
            finally { Api.Destroy(p); }
        }
        """,
        // using var.
        """
        void M()
        {
            using var h = Api.Open();
            h.Write(1);
        }
        """,
        // Returned as [Owned].
        """
        [return: Owned("native")]
        byte* M()
        {
            byte* p = Api.Create(8);
            p[0] = 1;
            return p;
        }
        """,
        // Stored into a field: the object owns it now.
        """
        byte* buffer;
        void M()
        {
            buffer = Api.Create(8);
        }
        """,
        // Given to an unannotated helper that might keep it.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Remember(p);
        }
        """,
        // Transferred.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Consume(p);
        }
        """,
        // Null-checked acquisition.
        """
        void M(bool need)
        {
            byte* p = need ? Api.Create(8) : null;
            if (p == null) return;
            Api.Destroy(p);
        }
        """,
        // Try pattern with free.
        """
        void M()
        {
            if (!Api.TryCreate(8, out byte* p)) return;
            try { p[0] = 1; }
            finally { Api.Destroy(p); }
        }
        """,
        // Stored into an array.
        """
        void M(IntPtr[] slots, int i)
        {
            slots[i] = Marshal.AllocHGlobal(8);
        }
        """,
        // Added to a list.
        """
        void M(List<IntPtr> handles)
        {
            handles.Add(Marshal.AllocHGlobal(8));
        }
        """,
        // Handed to an out parameter.
        """
        void M([Owned] out IntPtr result)
        {
            result = Marshal.AllocHGlobal(8);
        }
        """,
        // Captured by a lambda that frees it.
        """
        Action M()
        {
            byte* p = Api.Create(8);
            return () => Api.Destroy(p);
        }
        """,
        // The pool array returned on every path.
        """
        int M(Stream stream, bool fast)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
            if (fast)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return 0;
            }

            int n = stream.Read(buffer, 0, 64);
            ArrayPool<byte>.Shared.Return(buffer);
            return n;
        }
        """,
        // Correlated flag: acquired and released under the same condition.
        """
        void M(bool owns)
        {
            byte* p = null;
            if (owns) p = Api.Create(8);
            Console.WriteLine(owns);
            if (owns) Api.Destroy(p);
        }
        """,
        // A Handle released by a [Releases] helper.
        """
        void M()
        {
            var h = new Handle();
            Api.Close(h);
        }
        """,
        // Exceptions are not leaks by default.
        """
        void M(Stream stream)
        {
            byte* p = Api.Create(8);
            stream.Flush();
            Api.Destroy(p);
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_leak(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(40)]
    public Task Bodies_with_many_resources_report_each_finding_once(int count)
    {
        // More values than a first, small analysis of the body has room for: it is analysed again with room for 64,
        // and the findings of the values past the first 16 are reported, once each.
        var lines = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            lines.AppendLine($"byte* p{i} = (byte*)NativeMemory.Alloc(8);");
        }

        lines.AppendLine("byte* last = (byte*){|OWN003:NativeMemory.Alloc(8)|};");
        lines.AppendLine("NativeMemory.Free(p0);");
        lines.AppendLine("{|OWN002:NativeMemory.Free(p0)|};");
        for (var i = 1; i < count; i++)
        {
            lines.AppendLine($"NativeMemory.Free(p{i});");
        }

        lines.AppendLine($"{{|OWN002:NativeMemory.Free(p{count - 1})|}};");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("void M()\n{\n" + lines + "}\n"));
    }

    [Fact]
    public Task Exception_paths_are_reported_with_the_option_on()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void M(Stream stream)
                {
                    byte* p = {|OWN003:Api.Create(8)|};
                    stream.Flush();
                    Api.Destroy(p);
                }

                void Protected(Stream stream)
                {
                    byte* p = Api.Create(8);
                    try { stream.Flush(); }
                    finally { Api.Destroy(p); }
                }
                """),
            EditorConfig = "is_global = true\nownership_leaks_on_exception_paths = true",
        });
    }

    [Fact]
    public Task A_throw_helper_ends_the_path_as_an_exception()
    {
        const string Members = """
            static class ThrowHelper
            {
                [System.Diagnostics.CodeAnalysis.DoesNotReturn]
                public static void InvalidState() => throw new InvalidOperationException();
            }

            void M(bool bad)
            {
                byte* p = MARK;
                if (bad) ThrowHelper.InvalidState();
                Api.Destroy(p);
            }
            """;
        return Task.WhenAll(
            AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(Members.Replace("MARK", "Api.Create(8)"))),
            AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
            {
                Source = TestCode.Members(Members.Replace("MARK", "{|OWN003:Api.Create(8)|}")),
                EditorConfig = "is_global = true\nownership_leaks_on_exception_paths = true",
            }));
    }

    [Fact]
    public Task A_lambda_s_own_locals_are_tracked_and_its_parent_s_are_not()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
            void OwnLocalLeaks(List<int> sizes)
            {
                sizes.ForEach(size => { byte* p = {|OWN003:Api.Create(size)|}; p[0] = 1; });
            }

            void LocalFunctionLocalLeaks(int size)
            {
                Fill();
                void Fill() { byte* p = {|OWN003:Api.Create(size)|}; p[0] = 1; }
            }

            void OwnLocalFreed(List<int> sizes)
            {
                sizes.ForEach(size => { byte* p = Api.Create(size); p[0] = 1; Api.Destroy(p); });
            }

            void StoredInTheParent(List<int> sizes)
            {
                byte* kept = null;
                sizes.ForEach(size => { kept = Api.Create(size); });
                Api.Destroy(kept);
            }

            void StoredInTheParentByALocalFunction(int size)
            {
                byte* kept = null;
                Keep();
                Api.Destroy(kept);
                void Keep() { kept = Api.Create(size); }
            }

            void FreedByANestedLambda(List<int> sizes)
            {
                sizes.ForEach(size =>
                {
                    byte* p = Api.Create(size);
                    Action free = () => Api.Destroy(p);
                    free();
                });
            }
            """));
    }

    [Fact]
    public Task Message_says_the_result_is_discarded()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                void M()
                {
                    {|#0:Marshal.AllocHGlobal(8)|};
                }
                """),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN003").WithLocation(0).WithLocation(0)
                .WithMessageContaining("is not released or transferred because the result is discarded"));
    }

    [Fact]
    public Task Discarded_result_has_no_name()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                void M()
                {
                    {|#0:Marshal.AllocHGlobal(8)|};
                }
                """),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN003").WithLocation(0)
                .WithMessageContaining("The value acquired by 'Marshal.AllocHGlobal(8)' at line"));
    }

    [Fact]
    public Task Leak_points_at_the_acquisition_and_the_exit()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                int M(bool skip)
                {
                    byte* p = {|#0:Api.Create(8)|};
                    if (skip) return {|#1:-1|};
                    Api.Destroy(p);
                    return 0;
                }
                """),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN003").WithLocation(0).WithLocation(0).WithLocation(1)
                .WithMessageContaining("'p' acquired by 'Api.Create(8)'"));
    }
}
