using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN008FieldNotReleasedTests
{
    private static string Types(string types) => TestCode.Prelude + types;

    public static TheoryData<string> Flagged => new()
    {
        // The same enumerator written by hand forgets its handle.
        """
        public sealed class StreamIterator : IAsyncDisposable
        {
            private Handle _current = Api.Open();
            ValueTask IAsyncDisposable.{|OWN008:DisposeAsync|}() => default;
        }
        """,
        // The using disposes another value; the field's handle stays open.
        """
        public sealed class {|OWN008:Zipper|}
        {
            private Handle _current;
            public void Run()
            {
                using (Api.Open())
                {
                    _current = Api.Open();
                }
            }
        }
        """,
        // The same finalizer with the helper only: whether the block is freed cannot be told, and no member frees it itself
        // (the twin of NativeLock below).
        """
        internal class {|OWN008:HelperLock|}
        {
            private nint _cs;
            public HelperLock() { _cs = Marshal.AllocHGlobal(40); }
            [DllImport("kernel32")] private static extern void Delete(nint cs);
            ~HelperLock() { if (_cs != IntPtr.Zero) Delete(_cs); }
        }
        """,
        // The field returned, then rented again: the method leaves it owned, and nothing returns it.
        """
        public sealed class {|OWN008:LineReader|}
        {
            private byte[] line = ArrayPool<byte>.Shared.Rent(16);
            public void Resize(int size)
            {
                ArrayPool<byte>.Shared.Return(line);
                line = ArrayPool<byte>.Shared.Rent(size);
            }
        }
        """,
        // No release method, and the only member that returns the array rents the next one: a grow, not a release.
        """
        public ref struct {|OWN008:TextBuilder|}
        {
            private char[]? rented;
            public TextBuilder(int capacity) { rented = ArrayPool<char>.Shared.Rent(capacity); }
            public void Grow()
            {
                char[]? old = rented;
                rented = ArrayPool<char>.Shared.Rent(old == null ? 16 : old.Length * 2);
                if (old != null) ArrayPool<char>.Shared.Return(old);
            }
        }
        """,
        // An [Owned] field is its owner even when a collection keeps the value too.
        """
        public sealed class PagedBuffer : IDisposable
        {
            private readonly List<byte[]> _pages = new List<byte[]>();
            [Owned("pool")] private byte[]? _currentPage;
            public byte[] CurrentPage()
            {
                _currentPage ??= ArrayPool<byte>.Shared.Rent(1024);
                _pages.Add(_currentPage);
                return _currentPage;
            }
            public void {|OWN008:Dispose|}()
            {
                _pages.Clear();
                _currentPage = null;
            }
        }
        """,
        // Used as an argument of something that is not a collection: still the field's.
        """
        public sealed class Staging : IDisposable
        {
            private byte[]? _page;
            public void Fill(Stream source)
            {
                _page = ArrayPool<byte>.Shared.Rent(1024);
                source.Read(_page, 0, _page.Length);
            }
            public void {|OWN008:Dispose|}() { _page = null; }
        }
        """,
        // An override the base's Dispose does not call is not a release method.
        """
        public sealed class {|OWN008:Copier|} : Stream
        {
            [Owned("pool")] private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(64);
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => 0;
            public override long Position { get => 0; set { } }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => 0;
            public override long Seek(long offset, SeekOrigin origin) => 0;
            public override void SetLength(long value) { }
            public override void Write(byte[] buffer, int offset, int count) { }
        }
        """,
        // Taken out of the field and dropped: a copy, a pattern or an exchange releases nothing by itself.
        """
        public sealed class Matcher : IDisposable
        {
            [Owned("pool")] private byte[]? _scratch = ArrayPool<byte>.Shared.Rent(64);
            public void {|OWN008:Dispose|}()
            {
                if (_scratch is { } rented)
                {
                    _scratch = null;
                    Console.WriteLine(rented.Length);
                }
            }
        }
        """,
        """
        public sealed class Dropper : IDisposable
        {
            [Owned] private Handle? _handle = Api.Open();
            public void {|OWN008:Dispose|}()
            {
                var h = _handle;
                _handle = null;
                Console.WriteLine(h);
            }
        }
        """,
        """
        public sealed class Swapper : IDisposable
        {
            [Owned] private Handle? _handle = Api.Open();
            public void {|OWN008:Dispose|}()
            {
                System.Threading.Interlocked.Exchange(ref _handle, null);
            }
        }
        """,
        // A '?.' on another value releases that value, not this field: a?.b?.Dispose() disposes a.b.
        """
        public sealed class Pair : IDisposable
        {
            public sealed class Holder { public Handle? Inner; }
            private Holder? _holder = new Holder();
            [Owned] private Handle? _handle = Api.Open();
            public void {|OWN008:Dispose|}()
            {
                _holder?.Inner?.Dispose();
                _holder = null;
                _handle = null;
            }
        }
        """,
        // An [Owned] auto-property is a field too: Dispose forgets it.
        """
        public sealed class Session : IDisposable
        {
            [Owned] public Stream Log { get; } = new MemoryStream();
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // [field: Owned] on an auto-property, and no release method at all.
        """
        public sealed class {|OWN008:Connection|}
        {
            [field: Owned("hglobal")] public IntPtr Buffer { get; private set; } = Marshal.AllocHGlobal(64);
        }
        """,
        // MapFree forgets one of seven owned lists (the dungeon generator's leak).
        """
        public sealed class Level
        {
            [Owned] private NativeList<int> rooms = new();
            [Owned] private NativeList<int> corridors = new();
            [Owned] private NativeList<int> doors = new();
            [Owned] private NativeList<int> stairs = new();
            [Owned] private NativeList<int> monsters = new();
            [Owned] private NativeList<int> items = new();
            [Owned] private NativeList<int> traps = new();

            [Releases]
            public void {|OWN008:MapFree|}()
            {
                rooms.Dispose();
                corridors.Dispose();
                doors.Dispose();
                stairs.Dispose();
                monsters.Dispose();
                items.Dispose();
            }
        }
        """,
        // A native buffer allocated in Init, never freed in Dispose.
        """
        public sealed unsafe class Buffer : IDisposable
        {
            private byte* data;
            public void Init(int size) => data = (byte*)NativeMemory.Alloc((nuint)size);
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // An owned field and no release method at all.
        """
        public sealed class {|OWN008:Holder|}
        {
            private IntPtr handle = Marshal.AllocHGlobal(64);
        }
        """,
        // An [Owned] field, no release method.
        """
        public sealed unsafe class {|OWN008:Cache|}
        {
            [Owned("native")] private byte* block;
            public int First => block[0];
        }
        """,
        // A rented pool array never returned.
        """
        public sealed class Parser : IDisposable
        {
            private byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
            public void {|OWN008:Dispose|}() => Console.WriteLine("done");
        }
        """,
        // One of two handles released.
        """
        public sealed class Pair : IDisposable
        {
            private Handle left = Api.Open();
            private Handle right = Api.Open();
            public void {|OWN008:Dispose|}() => left.Dispose();
        }
        """,
        // A GCHandle never freed.
        """
        public sealed class Pinner : IDisposable
        {
            private GCHandle pin;
            public Pinner(byte[] data) => pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // Released only in a method that is not the release method.
        """
        public sealed unsafe class Vectors : IDisposable
        {
            private byte* buffer = (byte*)NativeMemory.Alloc(64);
            public void Clear() { NativeMemory.Free(buffer); buffer = null; }
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // A struct owning a block with a Dispose that forgets it.
        """
        public unsafe struct Block : IDisposable
        {
            private void* memory;
            public Block(int size) { memory = NativeMemory.Alloc((nuint)size); }
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // The field is only read in Dispose.
        """
        public sealed unsafe class Reader : IDisposable
        {
            private IntPtr text = Marshal.StringToHGlobalAnsi("x");
            public void {|OWN008:Dispose|}() => Console.WriteLine(Marshal.PtrToStringAnsi(text));
        }
        """,
        // A [Releases] method that releases something else.
        """
        public sealed unsafe class Arena2
        {
            [Owned] private ArenaAllocator arena = new ArenaAllocator();
            [Owned] private NativeList<long> offsets = new();
            [Releases] public void {|OWN008:Destroy|}() => offsets.Dispose();
        }
        """,
        // A NativeList created in the constructor, Dispose empty.
        """
        public sealed class Registry : IDisposable
        {
            private readonly NativeList<int> ids;
            public Registry() { ids = new NativeList<int>(16); }
            public void {|OWN008:Dispose|}() { }
        }
        """,
        // A CoTaskMem block from a Try method kept in a field.
        """
        public sealed class Interop : IDisposable
        {
            private IntPtr native = Marshal.AllocCoTaskMem(32);
            public void {|OWN008:Dispose|}() { GC.SuppressFinalize(this); }
        }
        """,
        // DisposeAsync that forgets a field.
        """
        public sealed class Session : IAsyncDisposable
        {
            private Handle connection = Api.Open();
            private Handle log = Api.Open();
            public ValueTask {|OWN008:DisposeAsync|}() { connection.Dispose(); return default; }
        }
        """,
        // Two owned fields, no release method: both named.
        """
        public sealed unsafe class {|OWN008:{|OWN008:Two|}|}
        {
            private byte* a = (byte*)NativeMemory.Alloc(8);
            private byte* b = (byte*)NativeMemory.Alloc(8);
        }
        """,
        // Dispose calls a base type's method, which calls overrides of this type: none of them frees the handle.
        """
        public abstract class StateObject
        {
            protected abstract void Trace(string message);
            protected virtual void FreeGcHandle() { }
            internal void Shutdown()
            {
                Trace("shutdown");
                base.ToString();
            }
        }
        public sealed class NativeStateObject : StateObject, IDisposable
        {
            [Owned("gchandle")] private GCHandle _gcHandle = GCHandle.Alloc(new object());
            public void {|OWN008:Dispose|}() => Shutdown();
            protected override void Trace(string message) => Console.WriteLine(message);
            protected override void FreeGcHandle() => _gcHandle.Free();
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // A decompiled async iterator's state machine: its DisposeAsync follows the compiler's protocol.
        """
        [System.Runtime.CompilerServices.CompilerGenerated]
        public sealed class StreamIterator : IAsyncDisposable
        {
            private Handle _current = Api.Open();
            ValueTask IAsyncDisposable.DisposeAsync() => default;
        }
        """,
        // A field acquired and disposed by one using statement (SharpZipLib's FastZip): released at the using's end.
        """
        public sealed class Zipper
        {
            private Handle _current;
            public void Run()
            {
                using (_current = Api.Open())
                {
                    _current.Write(1);
                }
            }
        }
        """,
        // A type with no release method whose finalizer hands the block to a helper of its own, then frees it and clears the
        // field (SkiaSharp's NonAlertableWin32Lock: DeleteCriticalSection, then FreeHGlobal).
        """
        internal class NativeLock
        {
            private nint _cs;
            public NativeLock()
            {
                _cs = Marshal.AllocHGlobal(40);
                if (_cs == IntPtr.Zero) throw new OutOfMemoryException();
                Initialize(_cs, 4000u);
            }
            [DllImport("kernel32")] private static extern bool Initialize(nint cs, uint spin);
            [DllImport("kernel32")] private static extern void Delete(nint cs);
            public void Enter() { if (_cs != IntPtr.Zero) Delete(_cs); }
            ~NativeLock()
            {
                if (_cs != IntPtr.Zero)
                {
                    Delete(_cs);
                    Marshal.FreeHGlobal(_cs);
                    _cs = IntPtr.Zero;
                }
            }
        }
        """,
        // A field one method rents into and returns in its own finally: that method's scratch (System.Net.ServerSentEvents'
        // SseParser).
        """
        public sealed class LineReader
        {
            private byte[] line = Array.Empty<byte>();
            public int Count(Stream stream)
            {
                line = ArrayPool<byte>.Shared.Rent(1024);
                try
                {
                    return stream.Read(line, 0, line.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(line);
                }
            }
        }
        """,
        // No release method, but a member that returns the rented array and rents nothing: the type's release by another name,
        // which its users call (System.Private.CoreLib's DefaultInterpolatedStringHandler.Clear, the marshallers' Free).
        """
        public ref struct TextBuilder
        {
            private char[]? rented;
            private int length;
            public TextBuilder(int capacity) { rented = ArrayPool<char>.Shared.Rent(capacity); length = 0; }
            public void Grow()
            {
                char[]? old = rented;
                rented = ArrayPool<char>.Shared.Rent(old == null ? 16 : old.Length * 2);
                if (old != null) ArrayPool<char>.Shared.Return(old);
            }
            public string ToStringAndClear()
            {
                string text = new string(rented!, 0, length);
                Clear();
                return text;
            }
            public void Clear()
            {
                char[]? toReturn = rented;
                this = default;
                if (toReturn != null) ArrayPool<char>.Shared.Return(toReturn);
            }
        }
        """,
        // The page is kept in the field and in the list; Dispose returns every page in the list (PagedByteBuffer).
        """
        public sealed class PagedBuffer : IDisposable
        {
            private readonly List<byte[]> _pages = new List<byte[]>();
            private byte[]? _currentPage;
            public byte[] CurrentPage()
            {
                if (_currentPage == null)
                {
                    _currentPage = ArrayPool<byte>.Shared.Rent(1024);
                    _pages.Add(_currentPage);
                }
                return _currentPage;
            }
            public void Dispose()
            {
                foreach (var page in _pages) ArrayPool<byte>.Shared.Return(page);
                _pages.Clear();
                _currentPage = null;
            }
        }
        """,
        // Close is a disposable's release, and a TextReader's Close override its release method (System.Xml's XmlTextReader).
        """
        public sealed class Forwarding : TextReader
        {
            [Owned] private readonly TextReader _inner = new StringReader("x");
            public override int Read() => _inner.Read();
            public override void Close() => _inner.Close();
        }
        """,
        // A SafeHandle releases in ReleaseHandle, which the runtime calls from Dispose.
        """
        public sealed unsafe class NativeBlockHandle : SafeHandle
        {
            [Owned("native")] private byte* _block = (byte*)NativeMemory.Alloc(64);
            public NativeBlockHandle() : base(IntPtr.Zero, true) { }
            public override bool IsInvalid => _block == null;
            protected override bool ReleaseHandle()
            {
                NativeMemory.Free(_block);
                _block = null;
                return true;
            }
        }
        """,
        // A base class whose Dispose calls an abstract Release: the derived type releases there (System.Reflection.Metadata's PinnedObject).
        """
        public abstract class DisposableObject : IDisposable
        {
            protected abstract void Release();
            public void Dispose() { Release(); GC.SuppressFinalize(this); }
        }
        public sealed class Pinned : DisposableObject
        {
            [Owned("gchandle")] private GCHandle _handle = GCHandle.Alloc(new byte[8], GCHandleType.Pinned);
            protected override void Release()
            {
                if (_handle.IsAllocated) _handle.Free();
            }
        }
        """,
        // Dispose calls a base type's method, which calls an abstract method this type overrides to free the handle
        // (SqlClient's TdsParserStateObjectNative: Dispose, DecrementPendingCallbacks, FreeGcHandle), through a second
        // base method and this.
        """
        public abstract class StateObject
        {
            private int _pending;
            protected abstract void FreeGcHandle(int remaining, bool release);
            internal int DecrementPendingCallbacks(bool release)
            {
                var remaining = --_pending;
                Free(remaining, release);
                return remaining;
            }
            private void Free(int remaining, bool release) => this.FreeGcHandle(remaining, release);
        }
        public sealed class NativeStateObject : StateObject, IDisposable
        {
            [Owned("gchandle")] private GCHandle _gcHandle = GCHandle.Alloc(new object());
            public void Dispose() => DecrementPendingCallbacks(release: true);
            protected override void FreeGcHandle(int remaining, bool release)
            {
                if ((remaining == 0 || release) && _gcHandle.IsAllocated) _gcHandle.Free();
            }
        }
        """,
        // Released through a local a pattern names.
        """
        public sealed class Scratch : IDisposable
        {
            [Owned("pool")] private byte[]? _scratch = ArrayPool<byte>.Shared.Rent(64);
            public void Dispose()
            {
                if (_scratch is { } rented)
                {
                    _scratch = null;
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        """,
        // Released through a local copy, an exchange or a using statement.
        """
        public sealed class Copier : IDisposable
        {
            [Owned] private Handle? _handle = Api.Open();
            public void Dispose()
            {
                var h = _handle;
                _handle = null;
                h?.Dispose();
            }
        }
        """,
        """
        public sealed class Exchanger : IDisposable
        {
            [Owned] private Handle? _handle = Api.Open();
            public void Dispose() => System.Threading.Interlocked.Exchange(ref _handle, null)?.Dispose();
        }
        """,
        """
        public sealed class Scoped : IDisposable
        {
            [Owned] private Handle _first = Api.Open();
            [Owned] private Handle _second = Api.Open();
            public void Dispose()
            {
                using (_first) { }
                using var second = _second;
            }
        }
        """,
        // Disposed through '?.'.
        """
        public sealed class Owner : IDisposable
        {
            [Owned] private Handle? _handle = Api.Open();
            public void Dispose()
            {
                _handle?.Dispose();
                _handle = null;
            }
        }
        """,
        // Owned auto-properties released through the property.
        """
        public sealed class Session : IDisposable
        {
            [Owned] public Stream Log { get; } = new MemoryStream();
            [field: Owned("hglobal")] public IntPtr Buffer { get; private set; } = Marshal.AllocHGlobal(64);
            public void Dispose()
            {
                Log.Dispose();
                Marshal.FreeHGlobal(Buffer);
                Buffer = IntPtr.Zero;
            }
        }
        """,
        // An auto-property without [Owned] stays the caller's business, as before.
        """
        public sealed class Options
        {
            public IntPtr Scratch { get; set; } = Marshal.AllocHGlobal(16);
        }
        """,
        // All seven released, one through a private helper.
        """
        public sealed class Level
        {
            [Owned] private NativeList<int> rooms = new();
            [Owned] private NativeList<int> corridors = new();
            [Owned] private NativeList<int> doors = new();
            [Owned] private NativeList<int> stairs = new();
            [Owned] private NativeList<int> monsters = new();
            [Owned] private NativeList<int> items = new();
            [Owned] private NativeList<int> traps = new();

            [Releases]
            public void MapFree()
            {
                rooms.Dispose();
                corridors.Dispose();
                doors.Dispose();
                stairs.Dispose();
                FreeActors();
            }

            private void FreeActors()
            {
                monsters.Dispose();
                items.Dispose();
                traps.Dispose();
            }
        }
        """,
        // Native buffer freed and reset in Dispose.
        """
        public sealed unsafe class Buffer : IDisposable
        {
            private byte* data;
            public void Init(int size) => data = (byte*)NativeMemory.Alloc((nuint)size);
            public void Dispose() { if (data != null) { NativeMemory.Free(data); data = null; } }
        }
        """,
        // Released in a loop over elements.
        """
        public sealed class Lists : IDisposable
        {
            [Owned] private NativeList<int>[] all = new NativeList<int>[4];
            public void Dispose() { foreach (var list in all) list.Dispose(); }
        }
        """,
        // Released element by element with an index.
        """
        public sealed class Handles : IDisposable
        {
            [Owned] private IntPtr[] blocks = new IntPtr[4];
            public void Dispose() { for (int i = 0; i < blocks.Length; i++) Marshal.FreeHGlobal(blocks[i]); }
        }
        """,
        // Transferred out in Dispose.
        """
        public sealed unsafe class Mover : IDisposable
        {
            private byte* data = Api.Create(8);
            public void Dispose() { Api.Consume(data); data = null; }
        }
        """,
        // Pool array returned.
        """
        public sealed class Parser : IDisposable
        {
            private byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
            public void Dispose() { ArrayPool<byte>.Shared.Return(scratch); scratch = Array.Empty<byte>(); }
        }
        """,
        // No owned fields.
        """
        public sealed class Plain { private int count; private List<int> values = new(); }
        """,
        // A field holding a borrowed value is not owned.
        """
        public sealed unsafe class View
        {
            private byte* data;
            public View(byte* data) => this.data = data;
        }
        """,
        // Disposable fields in default mode are not owned unless declared.
        """
        public sealed class Files
        {
            private MemoryStream stream = new MemoryStream();
        }
        """,
        // Released through a static helper of the same type.
        """
        public sealed unsafe class Native : IDisposable
        {
            private IntPtr handle = Marshal.AllocHGlobal(8);
            public void Dispose() { Release(handle); handle = IntPtr.Zero; }
            private static void Release(IntPtr h) => Marshal.FreeHGlobal(h);
        }
        """,
        // Dispose calling a virtual Dispose(bool).
        """
        public class Resource : IDisposable
        {
            private IntPtr handle = Marshal.AllocHGlobal(8);
            public void Dispose() { Dispose(true); GC.SuppressFinalize(this); }
            protected virtual void Dispose(bool disposing) { Marshal.FreeHGlobal(handle); handle = IntPtr.Zero; }
        }
        """,
        // GCHandle freed.
        """
        public sealed class Pinner : IDisposable
        {
            private GCHandle pin;
            public Pinner(byte[] data) => pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            public void Dispose() { if (pin.IsAllocated) pin.Free(); }
        }
        """,
        // A [Releases] method releasing everything.
        """
        public sealed class Arena2
        {
            [Owned] private ArenaAllocator arena = new ArenaAllocator();
            [Releases] public void Destroy() => arena.Dispose();
        }
        """,
        // DisposeAsync releasing everything.
        """
        public sealed class Session : IAsyncDisposable
        {
            private Handle connection = Api.Open();
            public ValueTask DisposeAsync() { connection.Dispose(); return default; }
        }
        """,
        // Static owned fields live for the process.
        """
        public static class Shared
        {
            private static IntPtr table = Marshal.AllocHGlobal(1024);
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_unreleased_field(string types) => AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(Types(types));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string types) => AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(Types(types));

    [Fact]
    public Task Message_names_the_field_and_the_release_method()
    {
        return AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(
            Types("""
                public sealed class Pair : IDisposable
                {
                    private Handle left = Api.Open();
                    private Handle {|#1:right|} = Api.Open();
                    public void {|#0:Dispose|}() => left.Dispose();
                }
                """),
            AnalyzerVerifier<TypeAnalyzer>.Diagnostic("OWN008").WithLocation(0).WithLocation(1)
                .WithMessage("'Pair' does not release its owned field 'right' in 'Dispose'"));
    }

    [Fact]
    public Task An_explicit_IDisposable_Dispose_is_the_release_method()
    {
        // System.Reactive's SchedulePeriodicStopwatch: an explicit Dispose, not "no release method".
        return AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(
            Types("""
                public sealed class Pair : IDisposable
                {
                    private Handle left = Api.Open();
                    private Handle {|#1:right|} = Api.Open();
                    void IDisposable.{|#0:Dispose|}() => left.Dispose();
                }
                """),
            AnalyzerVerifier<TypeAnalyzer>.Diagnostic("OWN008").WithLocation(0).WithLocation(1)
                .WithMessage("'Pair' does not release its owned field 'right' in 'IDisposable.Dispose'"));
    }

    [Fact]
    public Task A_type_with_a_disposable_base_is_told_to_override_its_release_method()
    {
        return AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(
            Types("""
                public class Resource : IDisposable
                {
                    public void Dispose() => Dispose(true);
                    protected virtual void Dispose(bool disposing) { }
                }

                public sealed class {|#0:Session|} : Resource
                {
                    private Handle {|#1:_handle|} = Api.Open();
                }
                """),
            AnalyzerVerifier<TypeAnalyzer>.Diagnostic("OWN008").WithLocation(0).WithLocation(1)
                .WithMessage("'Session' does not release its owned field '_handle' because it does not override 'Dispose(bool)' of its base type"));
    }

    [Fact]
    public Task Tracking_all_disposables_makes_disposable_fields_owned()
    {
        return AnalyzerVerifier<TypeAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = Types("""
                public sealed class {|OWN008:Files|}
                {
                    private MemoryStream stream = new MemoryStream();
                }
                """),
            EditorConfig = "ownership_track_all_disposables = true",
        });
    }
}
