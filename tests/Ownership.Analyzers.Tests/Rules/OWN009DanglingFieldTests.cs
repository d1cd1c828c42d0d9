using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN009DanglingFieldTests
{
    public static TheoryData<string> Flagged => new()
    {
        // Reading a count changes nothing: the next call sees zero again (the twin of the reference counts below).
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        long references = 1;
        public void Release()
        {
            if (System.Threading.Interlocked.Read(ref references) == 0)
            {
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // Another object's count says nothing of how often this one's buffer is returned.
        """
        sealed class Counter { public int Count; }
        readonly Counter shared = new Counter();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        public void Release()
        {
            if (System.Threading.Interlocked.Decrement(ref shared.Count) == 0)
            {
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // A count is no disposed flag: it counts up again while the buffer stays returned (the twin of the handle below).
        """
        int count = 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        public void Clear()
        {
            if (count != 0)
            {
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
                count = 0;
            }
        }
        public void Add() { count++; }
        """,
        // A handle tested against IntPtr.Zero but never set to it guards nothing (the twin of Compressor below).
        """
        sealed class Compressor
        {
            nint context = 1;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
            public void Dispose()
            {
                if (context == IntPtr.Zero)
                {
                    return;
                }
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // The disposed flag as one side of ||: a second call gets in through the other side (the twin of the && guard below).
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        protected void Dispose(bool disposing)
        {
            if (disposing || !disposed)
            {
                disposed = true;
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // A helper that one caller calls once per object and the other on every call (the twin of ReleaseBuffers below).
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        private void ReleaseBuffers() { {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|}; }
        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                ReleaseBuffers();
            }
        }
        public void Reset() { ReleaseBuffers(); }
        """,
        // The same guard without the reset: a second Dispose returns the buffer again (the twin of the one below).
        """
        Stream? decompressor = new MemoryStream();
        byte[]? inputBuffer = ArrayPool<byte>.Shared.Rent(16);
        public void Dispose()
        {
            if (decompressor != null)
            {
                decompressor.Dispose();
                if (inputBuffer != null)
                {
                    {|OWN009:ArrayPool<byte>.Shared.Return(inputBuffer)|};
                }
            }
        }
        """,
        // A caller reads the field between the helper and the reset (the twin of Resize below).
        """
        byte[] items = ArrayPool<byte>.Shared.Rent(16);
        private void ReturnBuffer() { {|OWN009:ArrayPool<byte>.Shared.Return(items)|}; }
        public int Resize(int n)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(n);
            if (items.Length != 0)
            {
                ReturnBuffer();
            }
            var length = items.Length;
            items = bigger;
            return length;
        }
        """,
        // A guard whose flag is never set stops nothing.
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        public void Dispose()
        {
            if (!disposed)
            {
                {|OWN009:ArrayPool<byte>.Shared.Return(buffer)|};
            }
        }
        """,
        // A local flag guards one call, not the next.
        """
        IntPtr handle = Marshal.AllocHGlobal(16);
        public void Dispose()
        {
            bool done = false;
            if (done) return;
            done = true;
            {|OWN009:Marshal.FreeHGlobal(handle)|};
        }
        """,
        // A helper that one caller does not follow with a reset.
        """
        byte[] items = ArrayPool<byte>.Shared.Rent(16);
        private void ReturnBuffer() { {|OWN009:ArrayPool<byte>.Shared.Return(items)|}; }
        public void Grow(int n) { var bigger = ArrayPool<byte>.Shared.Rent(n); ReturnBuffer(); items = bigger; }
        public void Dispose() { ReturnBuffer(); }
        """,
        // A struct that is not readonly can reset its field.
        """
        public struct Lease
        {
            private byte[] _buffer;
            public Lease(int size) { _buffer = ArrayPool<byte>.Shared.Rent(size); }
            public void Return() { {|OWN009:ArrayPool<byte>.Shared.Return(_buffer)|}; }
        }
        """,
        // Free on a copy of the handle leaves the field holding it.
        """
        GCHandle pin;
        public void Dispose()
        {
            var copy = pin;
            {|OWN009:copy.Free()|};
        }
        """,
        // A readonly field hands Free a copy: the field keeps the freed handle.
        """
        readonly GCHandle pin = GCHandle.Alloc(new byte[16], GCHandleType.Pinned);
        public void Dispose()
        {
            {|OWN009:pin.Free()|};
        }
        """,
        // A release on one path and no re-acquisition on it is still dangling.
        """
        byte[]? pooled;
        public byte[] RentArray(int count, bool keep)
        {
            byte[]? current = pooled;
            if (current != null && !keep)
            {
                {|OWN009:ArrayPool<byte>.Shared.Return(current)|};
                return new byte[count];
            }
            return pooled = ArrayPool<byte>.Shared.Rent(count);
        }
        """,
        // An [Owned] auto-property is followed as its backing field is.
        """
        [Owned("native")] byte* Data { get; set; }
        public void Clear()
        {
            {|OWN009:Api.Destroy(Data)|};
        }
        """,
        """
        public IntPtr Handle { get; private set; }
        public void Dispose()
        {
            {|OWN009:Marshal.FreeHGlobal(this.Handle)|};
        }
        """,
        // clear() frees the buffer without resetting the field; the next init() frees it again (the vector store's double free).
        """
        byte* buffer;
        int dimension;
        public void Init(int size)
        {
            if (buffer != null) NativeMemory.Free(buffer);
            buffer = (byte*)NativeMemory.Alloc((nuint)size);
            dimension = size;
        }
        public void Clear()
        {
            {|OWN009:NativeMemory.Free(buffer)|};
            dimension = 0;
        }
        """,
        // Dispose is not exempt: it must be idempotent.
        """
        IntPtr handle;
        public void Dispose()
        {
            {|OWN009:Marshal.FreeHGlobal(handle)|};
        }
        """,
        // Null-guarded free, still not reset.
        """
        byte* data;
        public void Reset()
        {
            if (data != null)
            {
                {|OWN009:Api.Destroy(data)|};
            }
        }
        """,
        // A pooled array returned but kept.
        """
        byte[] scratch = ArrayPool<byte>.Shared.Rent(64);
        public void Release()
        {
            {|OWN009:ArrayPool<byte>.Shared.Return(scratch)|};
        }
        """,
        // Reset on one path only.
        """
        byte* data;
        public void Drop(bool forget)
        {
            {|OWN009:Api.Destroy(data)|};
            if (forget) data = null;
        }
        """,
        // Transferred out but left in the field.
        """
        byte* data;
        public void Hand()
        {
            {|OWN009:Api.Consume(data)|};
        }
        """,
        // A GCHandle freed through a copy... of the field itself.
        """
        IntPtr block;
        public void Free()
        {
            IntPtr local = block;
            {|OWN009:Marshal.FreeHGlobal(local)|};
        }
        """,
        // Freed in a loop-free helper path and returned early.
        """
        byte* data;
        public bool Shrink(bool release)
        {
            if (!release) return false;
            {|OWN009:Api.Destroy(data)|};
            return true;
        }
        """,
        // A static field released without reset.
        """
        static IntPtr shared;
        public static void Shutdown()
        {
            {|OWN009:Marshal.FreeHGlobal(shared)|};
        }
        """,
        // CoTaskMem field.
        """
        IntPtr text;
        public void Forget()
        {
            {|OWN009:Marshal.FreeCoTaskMem(text)|};
        }
        """,
        // AlignedFree without reset.
        """
        void* vectors;
        public void Clear()
        {
            {|OWN009:NativeMemory.AlignedFree(vectors)|};
        }
        """,
        // Realloc moves the block; storing the new one elsewhere leaves the field dangling.
        """
        void* buffer;
        void* grown;
        public void Grow()
        {
            grown = {|OWN009:NativeMemory.Realloc(buffer, 128)|};
        }
        """,
        // Freed inside try, reset skipped.
        """
        byte* data;
        public void Close()
        {
            try { {|OWN009:Api.Destroy(data)|}; }
            finally { Console.WriteLine("closed"); }
        }
        """,
        // Freed in a switch arm.
        """
        byte* data;
        public void Apply(int command)
        {
            switch (command)
            {
                case 1: {|OWN009:Api.Destroy(data)|}; break;
                case 2: data = null; break;
            }
        }
        """,
        // Released in a property setter without reset.
        """
        IntPtr handle;
        public bool Open
        {
            set { if (!value) {|OWN009:Marshal.FreeHGlobal(handle)|}; }
        }
        """,
        // A marshaller's other methods are ordinary ones (the twin of the marshallers' Free in the silent cases).
        TextMarshaller("public void Reset() { {|OWN009:Marshal.FreeCoTaskMem(native)|}; }"),
    };

    /// <summary>A stateful marshaller whose Free frees its field and leaves it, with <paramref name="otherMember"/> beside it.</summary>
    private static string TextMarshaller(string otherMember) => $$"""
        [System.Runtime.InteropServices.Marshalling.CustomMarshaller(typeof(string), System.Runtime.InteropServices.Marshalling.MarshalMode.ManagedToUnmanagedIn, typeof(ManagedToUnmanagedIn))]
        public static class TextMarshaller
        {
            public struct ManagedToUnmanagedIn
            {
                private IntPtr native;
                public void FromManaged(string text) { native = Marshal.StringToCoTaskMemUni(text); }
                public IntPtr ToUnmanaged() => native;
                public void Free() { Marshal.FreeCoTaskMem(native); }
                {{otherMember}}
            }
        }

        """;

    public static TheoryData<string> Silent => new()
    {
        // A reference count: the last reference out returns the buffer, once (Docker.DotNet's BufferedReadStream, whose
        // readonly field cannot be reset).
        """
        readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        int references = 1;
        public void Release(bool used)
        {
            if (System.Threading.Interlocked.Decrement(ref references) == 0 && used)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        """,
        """
        IntPtr handle = Marshal.AllocHGlobal(16);
        int references = 1;
        public void Release()
        {
            if (System.Threading.Interlocked.Decrement(ref this.references) != 0) return;
            Marshal.FreeHGlobal(handle);
        }
        """,
        // A negative constant is a sentinel no count reaches: if (length != -1) { Return(buffer); length = -1; } runs once
        // (MailKit's and MimeKit's ByteArrayBuilder; the twin of the count set to 0 in the flagged cases).
        """
        int length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        public void Dispose()
        {
            if (length != -1)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                length = -1;
            }
        }
        """,
        // A native handle as the disposed flag, tested against 0 or IntPtr.Zero and set to an empty value (ZstdNet's
        // CompressionStream and DecompressionStream).
        """
        sealed class Compressor
        {
            nint context = 1;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
            public void Dispose()
            {
                if (context == 0)
                {
                    return;
                }
                try { buffer[0] = 0; }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    context = 0;
                }
            }
        }
        sealed class Decompressor
        {
            nint context = 1;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
            public void Dispose()
            {
                if (!(context == IntPtr.Zero))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    context = default;
                }
            }
        }
        """,
        // The disposed flag as one side of && (SharpCompress's Lzma2EncoderStream.Dispose(bool)).
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        protected void Dispose(bool disposing)
        {
            if (disposing && !disposed)
            {
                disposed = true;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        """,
        // A helper called once per object, under the disposed flag, from both Dispose and DisposeAsync (SharpCompress's
        // Lzma2EncoderStream.ReleaseBuffers).
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        private void ReleaseBuffers() { ArrayPool<byte>.Shared.Return(buffer); }
        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                try { buffer[0] = 0; }
                finally { ReleaseBuffers(); }
            }
        }
        public ValueTask DisposeAsync()
        {
            if (!disposed)
            {
                disposed = true;
                ReleaseBuffers();
            }
            return default;
        }
        """,
        // Another member is the flag: the release runs under if (decompressor != null), which sets it to null (ZstdSharp's
        // DecompressionStream.Dispose).
        """
        Stream? decompressor = new MemoryStream();
        byte[]? inputBuffer = ArrayPool<byte>.Shared.Rent(16);
        public void Dispose()
        {
            if (decompressor != null)
            {
                decompressor.Dispose();
                decompressor = null;
                if (inputBuffer != null)
                {
                    ArrayPool<byte>.Shared.Return(inputBuffer);
                }
            }
        }
        """,
        // The same, with the reset after the if that holds the call, or after a statement that does not name the field
        // (DotNext's PoolingArrayBufferWriter: Resize and DetachBuffer).
        """
        byte[] items = ArrayPool<byte>.Shared.Rent(16);
        int position;
        private void ReturnBuffer() { ArrayPool<byte>.Shared.Return(items); }
        public void Resize(int n)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(n);
            if (items.Length != 0)
            {
                Array.Copy(items, bigger, position);
                ReturnBuffer();
            }
            items = bigger;
        }
        public int Detach()
        {
            int result;
            if (position > 0)
            {
                result = position;
            }
            else if (items.Length != 0)
            {
                ReturnBuffer();
                result = 0;
            }
            else
            {
                result = -1;
            }
            items = Array.Empty<byte>();
            return result;
        }
        """,
        // The disposed-flag idiom: a second Dispose does not return the array again.
        """
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
        bool disposed;
        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        """,
        """
        IntPtr handle = Marshal.AllocHGlobal(16);
        bool _disposed;
        protected virtual void Dispose(bool disposing)
        {
            if (_disposed)
            {
                return;
            }

            Marshal.FreeHGlobal(handle);
            _disposed = true;
        }
        """,
        """
        IntPtr handle = Marshal.AllocHGlobal(16);
        int _disposed;
        public void Dispose()
        {
            if (System.Threading.Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Marshal.FreeHGlobal(handle);
        }
        """,
        // A private helper whose every caller resets the field at once (ArrayBuilder's ReturnBuffer).
        """
        byte[] items = ArrayPool<byte>.Shared.Rent(16);
        private void ReturnBuffer() { ArrayPool<byte>.Shared.Return(items); }
        public void Grow(int n) { var bigger = ArrayPool<byte>.Shared.Rent(n); ReturnBuffer(); items = bigger; }
        public void Clear() { ReturnBuffer(); this.items = Array.Empty<byte>(); }
        """,
        // A readonly struct cannot reset its fields: its Return has nothing to fix.
        """
        public readonly struct Lease
        {
            public byte[] Buffer { get; }
            public Lease(byte[] buffer) { Buffer = buffer; }
            public void Return() { ArrayPool<byte>.Shared.Return(Buffer); }
        }
        """,
        // A struct's Dispose that resets itself whole (ValueStringBuilder): every field is default afterwards.
        """
        public struct Builder
        {
            private char[]? _rented;
            private int _length;
            public void Grow(int size) { _rented = ArrayPool<char>.Shared.Rent(size); }
            public void Dispose()
            {
                char[]? toReturn = _rented;
                this = default;
                if (toReturn != null) ArrayPool<char>.Shared.Return(toReturn);
            }
        }
        """,
        // The runtime calls a SafeHandle's ReleaseHandle once.
        """
        public sealed class BlockHandle : SafeHandle
        {
            public BlockHandle() : base(IntPtr.Zero, true) { }
            public override bool IsInvalid => handle == IntPtr.Zero;
            protected override bool ReleaseHandle()
            {
                Marshal.FreeHGlobal(handle);
                return true;
            }
        }
        """,
        // A finalizer runs last: nothing sees the field after it.
        "IntPtr buffer = Marshal.AllocHGlobal(64); ~C() { Marshal.FreeHGlobal(buffer); }",
        // Released and reset on one path, re-acquired where null; a copy taken before does not make the field dangle.
        """
        byte* data;
        public void Reset(bool shrink, int size)
        {
            byte* old = data;
            if (shrink)
            {
                Api.Destroy(data);
                data = null;
            }
            if (data == null) data = Api.Create(size);
            Api.Fill(data, size);
        }
        """,
        // Judged per path: the release (one path) and the re-acquisition (another) are never both true (Npgsql's RentArray).
        """
        byte[]? pooled;
        public byte[] RentArray(int count)
        {
            byte[]? current = pooled;
            if (current != null)
            {
                if (current.Length >= count) return current;
                ArrayPool<byte>.Shared.Return(current);
            }
            return pooled = ArrayPool<byte>.Shared.Rent(count);
        }
        """,
        // Grow: the old array is returned through a copy after the field got the new one (System.Text.Json's buffer writer).
        """
        byte[] rented = ArrayPool<byte>.Shared.Rent(256);
        int index;
        public void Grow(int size)
        {
            byte[] old = rented;
            rented = ArrayPool<byte>.Shared.Rent(size);
            Span<byte> used = old.AsSpan(0, index);
            used.CopyTo(rented);
            used.Clear();
            ArrayPool<byte>.Shared.Return(old);
        }
        """,
        // GCHandle.Free on the field itself resets the field.
        """
        GCHandle pin;
        public void Dispose()
        {
            if (pin.IsAllocated) pin.Free();
        }
        """,
        // An auto-property reset after its release.
        """
        [Owned("native")] byte* Data { get; set; }
        public void Clear()
        {
            Api.Destroy(Data);
            Data = null;
        }
        """,
        // A property with a body is a call: what it reads is not followed.
        """
        byte* data;
        byte* Data => data;
        public void Clear()
        {
            Api.Destroy(Data);
        }
        """,
        // Another object's auto-property is not this one's state.
        """
        public sealed class Box { public IntPtr Handle { get; set; } }
        public void Drop(Box box)
        {
            Marshal.FreeHGlobal(box.Handle);
        }
        """,
        "byte* buffer; public void Clear() { NativeMemory.Free(buffer); buffer = null; }",
        "IntPtr handle; public void Dispose() { Marshal.FreeHGlobal(handle); handle = IntPtr.Zero; }",
        "IntPtr handle; public void Dispose() { Marshal.FreeHGlobal(handle); handle = default; }",
        "byte* data; public void Reset() { if (data != null) { Api.Destroy(data); data = null; } }",
        "byte* data; public void Resize(int n) { Api.Destroy(data); data = Api.Create(n); }",
        "void* buffer; public void Grow() { buffer = NativeMemory.Realloc(buffer, 256); }",
        "byte[] scratch = ArrayPool<byte>.Shared.Rent(64); public void Release() { ArrayPool<byte>.Shared.Return(scratch); scratch = Array.Empty<byte>(); }",
        "Handle h = Api.Open(); public void Dispose() { h.Dispose(); }",
        "Handle h = Api.Open(); public void Dispose() => h.Dispose();",
        "byte* data; public void Use() { data[0] = 1; }",
        "byte* data; public void Swap(byte* other) { Api.Destroy(data); data = other; }",
        """
        byte* data;
        public void Clear() { Api.Destroy(data); Forget(); }
        private void Forget() { data = null; }
        """,
        """
        IntPtr block;
        public void Free()
        {
            IntPtr local = block;
            block = IntPtr.Zero;
            Marshal.FreeHGlobal(local);
        }
        """,
        """
        byte* data;
        public void Drop(bool keep)
        {
            if (keep) return;
            Api.Destroy(data);
            data = null;
        }
        """,
        """
        byte* data;
        public void Close()
        {
            try { Api.Destroy(data); }
            finally { data = null; }
        }
        """,
        // The release method of a custom marshaller's shape, which the generated interop stub calls once per call: a stateful
        // marshaller's Free, and a native struct's FreeNative (System.Private.CoreLib's marshallers, System.Diagnostics.EventLog's
        // EvtStringVariant.Marshaller.Native).
        TextMarshaller(string.Empty) + """
        public struct Variant { public string Text; }
        [System.Runtime.InteropServices.Marshalling.CustomMarshaller(typeof(Variant), System.Runtime.InteropServices.Marshalling.MarshalMode.Default, typeof(VariantMarshaller))]
        public static class VariantMarshaller
        {
            public struct Native
            {
                private IntPtr text;
                public Native(Variant managed) { text = Marshal.StringToCoTaskMemUni(managed.Text); }
                public void FreeNative() { Marshal.FreeCoTaskMem(text); }
            }
            public static Native ConvertToUnmanaged(Variant managed) => new Native(managed);
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_dangling_field(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_names_the_method_the_field_and_the_reset()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                byte* {|#1:buffer|};
                public void Clear()
                {
                    {|#0:NativeMemory.Free(buffer)|};
                }
                """),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN009").WithLocation(0).WithLocation(1)
                .WithMessage("'Clear' releases field 'buffer' with 'NativeMemory.Free(buffer)' but leaves it dangling; set it to null or re-acquire it before returning"));
    }
}
