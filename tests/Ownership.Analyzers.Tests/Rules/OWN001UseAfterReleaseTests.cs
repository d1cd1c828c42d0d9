using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN001UseAfterReleaseTests
{
    public static TheoryData<string> Flagged => new()
    {
        // A call after the release may throw into the handler, which goes on with the loop (the twin of Send in the silent cases).
        """
        static void Log() { }
        void Send(int[] items)
        {
            var handle = Api.Open();
            foreach (var item in items)
            {
                try
                {
                    {|OWN001:handle|}.Write(item);
                    if (item < 0)
                    {
                        handle?.Dispose();
                        Log();
                        return;
                    }
                }
                catch (InvalidOperationException)
                {
                }
            }
            handle.Dispose();
        }
        """,
        // A method that takes the handle as a Handle may use it: still a use after release, whatever its name (the twin of the
        // identity lookups in the silent cases).
        """
        List<Handle> all = new();
        void Remove(Handle handle) { handle.Write(0); all.Remove(handle); }
        void Close()
        {
            var handle = Api.Open();
            all.Add(handle);
            handle.Dispose();
            Remove({|OWN001:handle|});
        }
        """,
        // A KeepAlive of another type than GC may use what it is given (the twin of GC.KeepAlive in the silent cases).
        """
        static class Lease { public static void KeepAlive(object value) { } }
        void Run(Handle callback)
        {
            using (callback)
            {
                callback.Write(1);
            }
            Lease.KeepAlive({|OWN001:callback|});
        }
        """,
        // Subscribing to a disposed object is a use (the twin of -= in the silent cases).
        """
        FileSystemWatcher watcher = new FileSystemWatcher();
        void Restart()
        {
            watcher.Dispose();
            {|OWN001:watcher|}.Changed += OnChanged;
        }
        void OnChanged(object sender, FileSystemEventArgs e) { }
        """,
        // The raw value of a closed SafeHandle names what was freed (the twin of SetHandleAsInvalid in the silent cases).
        """
        Microsoft.Win32.SafeHandles.SafeFileHandle handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(1, true);
        nint Close()
        {
            handle.Dispose();
            return {|OWN001:handle|}.DangerousGetHandle();
        }
        """,
        // A handle disposed before an array's initializer stores it is used after release (the twin of the initializers in
        // OWN003's silent cases).
        """
        void M(List<Handle> all)
        {
            var handle = Api.Open();
            handle.Dispose();
            all.AddRange(new[] { {|OWN001:handle|} });
        }
        """,
        // Any other member of a closed socket may throw ObjectDisposedException (the twin of Probe below).
        """
        [return: Owned] static System.Net.Sockets.Socket Open() => new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        public int Probe(System.Net.EndPoint endPoint)
        {
            var socket = Open();
            try { socket.Connect(endPoint); }
            catch (System.Net.Sockets.SocketException) { socket.Dispose(); }
            var available = {|OWN001:socket|}.Available;
            socket.Dispose();
            return available;
        }
        """,
        // The writer is set back to the caller's before the release: the next iteration uses what was disposed (the twin of
        // Format below).
        """
        static StringWriter Pooled() => new StringWriter();
        public void Format(string[] items, TextWriter output, bool pad)
        {
            foreach (var item in items)
            {
                TextWriter w = pad ? Pooled() : output;
                {|OWN001:w|}.Write(item);
                w = output;
                w.Dispose();
            }
        }
        """,
        // The state is set back: case 0 runs again on the freed block (the twin of Steps below).
        """
        public void Again(int[] input)
        {
            int state = 0;
            byte* scratch = (byte*){|OWN003:NativeMemory.Alloc(8)|};
            for (int i = 0; i < input.Length; i++)
            {
                switch (state)
                {
                    case 0:
                        {|OWN001:scratch|}[0] = (byte)input[i];
                        {|OWN002:NativeMemory.Free(scratch)|};
                        state = 1;
                        break;
                    case 1:
                        state = 0;
                        break;
                }
            }
        }
        """,
        // A use after the release and the state change in the same run of the guarded block (the twin of TwoPhase below).
        PhasedScanner + """
        public sealed class Broken : IDisposable
        {
            private Phase phase;
            [Owned] private Scanner main = new Scanner();
            public bool GetNext(bool stop)
            {
                while (true)
                {
                    if (phase == Phase.Main)
                    {
                        if (stop)
                        {
                            main.Dispose();
                            phase = Phase.Temp;
                        }
                        if ({|OWN001:main|}.Next()) return true;
                    }
                    if (phase == Phase.Done) break;
                }
                return false;
            }
            public void Dispose() { main.Dispose(); }
        }
        """,
        // A getter that may throw is a call into the disposed object (the twin of Transaction.Id below).
        """
        public sealed class Transaction : IDisposable
        {
            private readonly uint id;
            private bool disposed;
            public uint Next => disposed ? throw new ObjectDisposedException(nameof(Transaction)) : id + 1;
            public void Dispose() { disposed = true; }
        }
        public void Release(Transaction transaction, Dictionary<uint, int> all)
        {
            transaction.Dispose();
            all.Remove({|OWN001:transaction|}.Next);
        }
        """,
        // A getter whose guard throws is a call into the disposed object (the twin of CrcStream.Checked below).
        """
        public sealed class Transaction : IDisposable
        {
            private readonly uint id;
            private bool disposed;
            public uint Id
            {
                get
                {
                    if (disposed)
                    {
                        throw new ObjectDisposedException(nameof(Transaction));
                    }
                    return id;
                }
            }
            public void Dispose() { disposed = true; }
        }
        public void Release(Transaction transaction, Dictionary<uint, int> all)
        {
            transaction.Dispose();
            all.Remove({|OWN001:transaction|}.Id);
        }
        """,
        // A using over a parameter disposes it: the body has no other release, acquisition or borrow (the twin of the
        // using over a stream it creates, below).
        """
        void M(Handle handle)
        {
            using (handle)
            {
                handle.Write(1);
            }
            {|OWN001:handle|}.Write(2);
        }
        """,
        // The same through a using declaration of an alias, ending with its block.
        """
        private Handle? current;
        void M(bool flush)
        {
            if (flush)
            {
                using var closing = current;
                closing?.Write(1);
            }
            {|OWN001:current|}?.Write(2);
        }
        """,
        // A field written through a freed pointer is a write to freed memory (the twin of a disposed object's field).
        """
        public struct Node { public int Value; }
        void M()
        {
            Node* node = (Node*)NativeMemory.Alloc((nuint)sizeof(Node));
            NativeMemory.Free(node);
            {|OWN001:node|}->Value = 1;
        }
        """,
        // A getter that reads its base's getter, which calls into the object (the twin of the frame writer's result below).
        """
        public class FrameWriter : IDisposable
        {
            private readonly Stream stream;
            public FrameWriter(Stream stream) { this.stream = stream; }
            protected long Written => stream.Position;
            public void Dispose() { stream.Dispose(); }
        }
        public sealed class CountingWriter : FrameWriter
        {
            public CountingWriter(Stream stream) : base(stream) { }
            public long Length => base.Written;
        }
        public long Encode(CountingWriter writer)
        {
            writer.Dispose();
            return {|OWN001:writer|}.Length;
        }
        """,
        // The same lock, and a use of the object after it.
        """
        sealed class Synchronized : IDisposable
        {
            private readonly Handle handle;
            public Synchronized(Handle handle) { this.handle = handle; }
            public void Dispose()
            {
                lock (handle)
                {
                    handle.Dispose();
                }
                {|OWN001:handle|}.Write(1);
            }
        }
        """,
        // A property of a disposed object is a call, which may throw ObjectDisposedException.
        """
        public sealed class Node : IDisposable
        {
            public Node? Next;
            private bool disposed;
            public int Count { get { ObjectDisposedException.ThrowIf(disposed, this); return 0; } }
            public void Dispose() { disposed = true; }
        }
        [Owned] Node? head;
        public int Dispose()
        {
            Node node = head!;
            head = null;
            node.Dispose();
            return {|OWN001:node|}.Count;
        }
        """,
        // A field read through a freed pointer is a use after free.
        """
        public struct Link { public Link* Next; }
        public Link* Pop()
        {
            Link* link = (Link*)NativeMemory.Alloc((nuint)sizeof(Link));
            link->Next = null;
            NativeMemory.Free(link);
            return {|OWN001:link|}->Next;
        }
        """,
        // A flag assigned a short-circuit (the compiler assigns it through a capture) may be either value afterwards: the path
        // past 'if (!started) return;' is followed (StackExchange.Redis's heartbeat).
        """
        void M(int n)
        {
            byte* p = Api.Create(n);
            bool started = false;
            started = n > 0 && Api.Read(p) > 0;
            if (!started)
            {
                Api.Destroy(p);
                return;
            }
            Api.Destroy(p);
            Api.Fill({|OWN001:p|}, n);
        }
        """,
        // The flag is set on one path only: on the other the finally released the block.
        """
        int M(int n)
        {
            byte* p = Api.Create(n);
            bool ok = false;
            try
            {
                if (n > 4)
                {
                    Api.Fill(p, n);
                    ok = true;
                }
            }
            finally
            {
                if (!ok) Api.Destroy(p);
            }
            int first = Api.Read({|OWN001:p|});
            {|OWN002:Api.Destroy(p)|};
            return first;
        }
        """,
        // A flag passed by ref may be anything afterwards: it is not followed.
        """
        static void Init(byte* p, ref bool ok) { ok = p != null; }
        int M(int n)
        {
            byte* p = Api.Create(n);
            bool ok = false;
            try
            {
                Init(p, ref ok);
            }
            finally
            {
                if (!ok) Api.Destroy(p);
            }
            int first = Api.Read({|OWN001:p|});
            {|OWN002:Api.Destroy(p)|};
            return first;
        }
        """,
        // new IntPtr(p) is the same address: freeing it frees p.
        "void M() { byte* p = (byte*)Marshal.AllocHGlobal(8); Marshal.FreeHGlobal(new IntPtr(p)); {|OWN001:p|}[0] = 1; }",
        // A catch handler gets the state at the throw helper's call.
        """
        static class ThrowHelper
        {
            [System.Diagnostics.CodeAnalysis.DoesNotReturn]
            public static void InvalidState() => throw new InvalidOperationException();
        }
        void M()
        {
            byte* p = Api.Create(8);
            try
            {
                Api.Destroy(p);
                ThrowHelper.InvalidState();
            }
            catch (InvalidOperationException)
            {
                {|OWN002:Api.Destroy(p)|};
            }
        }
        """,
        // A throw helper without [DoesNotReturn] may return: what follows it runs.
        """
        static class Report
        {
            public static void InvalidState() => throw new InvalidOperationException();
        }
        void M(bool bad)
        {
            byte* p = Api.Create(8);
            if (bad)
            {
                Api.Destroy(p);
                Report.InvalidState();
            }
            Api.Fill({|OWN001:p|}, 8);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // The copy still holds the block released on one path.
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
            Api.Fill({|OWN001:before|}, 8);
            Api.Destroy(p);
        }
        """,
        // Releasing the object releases what its constructor took.
        """
        [Owned] public sealed class Block : IDisposable
        {
            private byte* data;
            public Block([Transfers] byte* data) { this.data = data; }
            public void Dispose() { if (data != null) { Api.Destroy(data); data = null; } }
        }
        byte M()
        {
            byte* p = Api.Create(8);
            var block = new Block(p);
            block.Dispose();
            return {|OWN001:p|}[0];
        }
        """,
        // A method that takes ownership may release it at once: a later use is still reported.
        "void M() { byte* p = Api.Create(8); Api.Consume(p); {|OWN001:p|}[0] = 1; }",
        // Through an auto-property of this object, as through a field.
        """
        IntPtr Buffer { get; set; } = Marshal.AllocHGlobal(8);
        public void Close()
        {
            Marshal.FreeHGlobal(Buffer);
            Marshal.WriteByte({|OWN001:Buffer|}, 1);
            Buffer = IntPtr.Zero;
        }
        """,
        // A variable that holds one block or another, depending on the path: one report for the use, not one per block.
        """
        void M(bool small)
        {
            byte* p = small ? Api.Create(1) : Api.Create(64);
            Api.Destroy(p);
            {|OWN001:p|}[0] = 1;
        }
        """,
        // Write through a freed native block.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            NativeMemory.Free(p);
            {|OWN001:p|}[0] = 1;
        }
        """,
        // Read after free through an annotated deallocator.
        """
        int M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            return *{|OWN001:p|};
        }
        """,
        // Passing a freed block to a helper.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            Api.Fill({|OWN001:p|}, 8);
        }
        """,
        // Use after transfer (use after move).
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Consume(p);
            {|OWN001:p|}[0] = 2;
        }
        """,
        // Use through an alias of the freed block.
        """
        void M()
        {
            byte* p = Api.Create(8);
            byte* q = p;
            Api.Destroy(q);
            {|OWN001:p|}[1] = 0;
        }
        """,
        // Released on one branch only: used on some path.
        """
        void M(bool done)
        {
            byte* p = Api.Create(8);
            if (done)
            {
                Api.Destroy(p);
            }

            {|OWN001:p|}[0] = 1;
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // Freed in the loop body, used again in the next iteration.
        """
        void M(int n)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            for (int i = 0; i < n; i++)
            {
                {|OWN001:p|}[0] = (byte)i;
                {|OWN002:Api.Destroy(p)|};
            }
        }
        """,
        // A rented array read after it went back to the pool.
        """
        int M()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
            ArrayPool<byte>.Shared.Return(buffer);
            return {|OWN001:buffer|}[0];
        }
        """,
        // A rented array written to a stream after it went back to the pool.
        """
        void M(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
            ArrayPool<byte>.Shared.Return(buffer);
            stream.Write({|OWN001:buffer|}, 0, 64);
        }
        """,
        // HGlobal string read after it was freed.
        """
        string? M(string text)
        {
            IntPtr s = Marshal.StringToHGlobalAnsi(text);
            Marshal.FreeHGlobal(s);
            return Marshal.PtrToStringAnsi({|OWN001:s|});
        }
        """,
        // A disposed owned object used again.
        """
        void M()
        {
            Handle h = Api.Open();
            h.Dispose();
            {|OWN001:h|}.Write(3);
        }
        """,
        // Released through a [Releases] helper, then used.
        """
        void M()
        {
            Handle h = new Handle();
            Api.Close(h);
            {|OWN001:h|}.Write(1);
        }
        """,
        // Realloc releases the old pointer: using it afterwards is use after free.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            byte* q = (byte*)NativeMemory.Realloc(p, 64);
            {|OWN001:p|}[0] = 1;
            NativeMemory.Free(q);
        }
        """,
        // Freed in a finally, used after the try statement.
        """
        void M()
        {
            byte* p = Api.Create(4);
            try
            {
                p[0] = 1;
            }
            finally
            {
                Api.Destroy(p);
            }

            {|OWN001:p|}[1] = 2;
        }
        """,
        // Pointer arithmetic on a freed block.
        """
        void M()
        {
            byte* p = Api.Create(16);
            Api.Destroy(p);
            byte* q = {|OWN001:p|} + 4;
        }
        """,
        // Freed in a switch arm, used after the switch.
        """
        void M(int kind)
        {
            byte* p = Api.Create(16);
            switch (kind)
            {
                case 0:
                    Api.Destroy(p);
                    break;
                default:
                    p[1] = 1;
                    Api.Destroy(p);
                    break;
            }

            {|OWN001:p|}[0] = 0;
        }
        """,
        // A GCHandle's target read after Free.
        """
        object? M(object value)
        {
            GCHandle handle = GCHandle.Alloc(value);
            handle.Free();
            return {|OWN001:handle|}.Target;
        }
        """,
        // A retry loop whose flag is computed on the path that released: the loop may end with the block released (the
        // twin of the retry loops in the silent cases).
        """
        void M(int n)
        {
            byte* p;
            bool retry;
            do
            {
                p = Api.Create(n);
                if (Api.Read(p) > 0)
                {
                    retry = false;
                }
                else
                {
                    Api.Destroy(p);
                    retry = n > 3;
                }
            }
            while (retry);
            Api.Fill({|OWN001:p|}, n);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
        // The same with a parameter for the flag: a parameter compound-assigned is not followed, so the handler's path may
        // leave the loop.
        """
        void M(int n, bool retry)
        {
            byte* p;
            do
            {
                p = Api.Create(n);
                if (Api.Read(p) > 0)
                {
                    retry = false;
                }
                else
                {
                    Api.Destroy(p);
                    retry &= n > 3;
                }
            }
            while (retry);
            Api.Fill({|OWN001:p|}, n);
            {|OWN002:Api.Destroy(p)|};
        }
        """,
    };

    /// <summary>The phases and the scanner of the state-machine twins (FASTER's two-phase iterator).</summary>
    private const string PhasedScanner = """
        public enum Phase { Main, Temp, Done }
        public sealed class Scanner : IDisposable
        {
            public bool Next() => true;
            public void Dispose() { }
        }

        """;

    /// <summary>A connect loop that disposes the failed socket in its handler and goes round again under <c>retry</c>.</summary>
    private static string RetryLoop(string parameter, string declaration, string handler) => $$"""
        [return: Owned] Handle Connect(int port, {{parameter}})
        {
            Handle socket;
            {{declaration}}
            do
            {
                socket = Api.Open();
                try
                {
                    socket.Write(port);
                    retry = false;
                }
                catch (IOException)
                {
                    socket?.Dispose();
                    {{handler}}
                }
            }
            while (retry);
            socket.Write(0);
            return socket;
        }
        """;

    public static TheoryData<string> Silent => new()
    {
        // A retry loop: the path that released the socket sets the flag that goes round again, where a new one is made; the
        // path that leaves the loop holds a live one (Microsoft.Diagnostics.NETCore.Client's IpcClientRouterFactory).
        RetryLoop("int delay", "bool retry;", "System.Threading.Thread.Sleep(delay);\n            retry = true;"),
        // The flag is a parameter: the handler goes round again only when it is true, and rethrows otherwise
        // (NETCore.Client's TcpClientRouterFactory).
        RetryLoop("bool retry", "", "if (!retry) throw;"),
        // The same with the flag tested at the top of the loop.
        """
        int M(int n)
        {
            byte* p = null;
            bool done = false;
            while (!done)
            {
                p = Api.Create(n);
                if (Api.Read(p) > 0)
                {
                    done = true;
                }
                else
                {
                    Api.Destroy(p);
                }
            }
            int first = Api.Read(p);
            Api.Destroy(p);
            return first;
        }
        """,
        // A handler starts where something in its try may throw, or at the try's start: the block after a release that only
        // assigns and returns (`_clientSocket = socket; socket2?.Close(); … break;` in the runtime's UdpClient.Connect) hands the
        // released value to no handler, so the next iteration is not a use after release (the twin of Send with Log() in the
        // flagged cases).
        """
        int sent;
        void Send(int[] items)
        {
            var handle = Api.Open();
            foreach (var item in items)
            {
                try
                {
                    handle.Write(item);
                    if (item < 0)
                    {
                        handle?.Dispose();
                        sent = 0;
                        return;
                    }
                }
                catch (InvalidOperationException)
                {
                }
            }
            handle.Dispose();
        }
        """,
        // Lookups by identity after the release (list.Remove, Dictionary.Remove, Contains, ReferenceEquals): a parameter of type
        // object or an unconstrained T sees the handle's identity, not its state (the twin of Remove(Handle) in the flagged cases).
        """
        List<Handle> all = new();
        Dictionary<Handle, int> counts = new();
        void Close()
        {
            var handle = Api.Open();
            all.Add(handle);
            handle.Dispose();
            all.Remove(handle);
            counts.Remove(handle);
            if (all.Contains(handle) || ReferenceEquals(handle, null)) { }
        }
        """,
        // The collector's business with a disposed object, not with its state (ClearScript's QueueNativeCallback: using
        // (callback) { … } GC.KeepAlive(callback);).
        """
        void Run(Handle callback, Handle socket)
        {
            using (callback)
            {
                callback.Write(1);
            }
            GC.KeepAlive(callback);
            socket.Dispose();
            GC.SuppressFinalize(socket);
        }
        """,
        // Unsubscribing from a disposed object lets go of it (SSH.NET's Shell.Stop: _channel.DataReceived -= … after Dispose; the
        // twin of += in the flagged cases).
        """
        FileSystemWatcher watcher = new FileSystemWatcher();
        void Stop()
        {
            watcher.Dispose();
            watcher.Changed -= OnChanged;
        }
        void OnChanged(object sender, FileSystemEventArgs e) { }
        """,
        // A closed SafeHandle keeps its closed bit and its value: marking it invalid or asking IsClosed and IsInvalid after Dispose
        // is fine (TorchSharp's handle.Dispose(); handle.SetHandleAsInvalid(); the twin of DangerousGetHandle in the flagged cases).
        """
        Microsoft.Win32.SafeHandles.SafeFileHandle handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(1, true);
        void Close()
        {
            handle.Dispose();
            handle.SetHandleAsInvalid();
            if (handle.IsClosed || handle.IsInvalid) { }
        }
        """,
        // Members that work on a closed object: a socket disposed when connecting failed, then asked whether it connected
        // (MySqlConnector's ServerSession.OpenUnixSocketAsync), and a stream's CanRead, documented to be false once closed.
        """
        [return: Owned] static System.Net.Sockets.Socket Open() => new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        [return: Owned] static Stream OpenStream() => new MemoryStream();
        public bool Probe(System.Net.EndPoint endPoint)
        {
            var socket = Open();
            try { socket.Connect(endPoint); }
            catch (System.Net.Sockets.SocketException) { socket.Dispose(); }
            var connected = socket.Connected;
            socket.Dispose();
            return connected;
        }
        public bool Readable()
        {
            var stream = OpenStream();
            stream.Dispose();
            return stream.CanRead;
        }
        """,
        // The writer is a pooled one or the caller's, on the same condition that disposes it: the release may be of the
        // pooled one alone, which the analysis does not follow (Serilog's MessageTemplateTextFormatter.Format).
        """
        static StringWriter Pooled() => new StringWriter();
        public void Format(string[] items, TextWriter output, bool pad)
        {
            foreach (var item in items)
            {
                TextWriter w = pad ? Pooled() : output;
                w.Write(item);
                if (pad)
                {
                    output.Write(w.ToString());
                    w.Dispose();
                }
            }
            output.Flush();
        }
        """,
        // A state machine in a loop: the scanner is disposed and the phase moved on, and the phase is never set back, so a
        // later iteration cannot reach the first scanner again (FASTER's FasterKVIterator.GetNext).
        PhasedScanner + """
        public sealed class TwoPhase : IDisposable
        {
            private Phase phase;
            [Owned] private Scanner main = new Scanner();
            [Owned] private Scanner? temp;
            public bool GetNext()
            {
                while (true)
                {
                    if (phase == Phase.Main)
                    {
                        if (main.Next()) return true;
                        main.Dispose();
                        phase = Phase.Temp;
                        temp = new Scanner();
                    }
                    if (phase != Phase.Temp) break;
                    if (temp!.Next()) return true;
                    temp.Dispose();
                    temp = null;
                    phase = Phase.Done;
                }
                return false;
            }
            public void Dispose() { main.Dispose(); temp?.Dispose(); }
        }
        """,
        // The same with a local state and a switch: case 0 never runs again once the block is freed.
        """
        public void Steps(int[] input)
        {
            int state = 0;
            byte* scratch = (byte*){|OWN003:NativeMemory.Alloc(8)|};
            for (int i = 0; i < input.Length; i++)
            {
                switch (state)
                {
                    case 0:
                        scratch[0] = (byte)input[i];
                        NativeMemory.Free(scratch);
                        state = 1;
                        break;
                    case 1:
                        input[i] = 0;
                        break;
                }
            }
        }
        """,
        // A getter that only returns a field reads the field, which a disposed object still has (LiteDB's
        // TransactionMonitor.ReleaseTransaction).
        """
        public sealed class Transaction : IDisposable
        {
            private readonly uint id;
            public uint Id => id;
            public int Size { get; set; }
            public void Dispose() { }
        }
        public void Release(Transaction transaction, Dictionary<uint, int> all)
        {
            transaction.Dispose();
            all.Remove(transaction.Id);
            all[transaction.Id] = transaction.Size;
        }
        """,
        // Getters that compute from fields, the object's own or those of an object it holds: a checksum read after the
        // disposal that flushed it (SharpCompress's LZipStream.Finish and GZipStream.Dispose), also behind a null test
        // (DotNetZip's GZipStream.Dispose).
        """
        public sealed class Checksum
        {
            private uint running;
            public int Result => (int)~running;
        }
        public sealed class CrcStream : IDisposable
        {
            private readonly uint seed;
            private readonly Checksum? crc;
            public uint Crc => ~seed;
            public int Crc32 => crc?.Result ?? 0;
            public uint Next => this.seed + 1;
            public int Checked
            {
                get
                {
                    if (crc == null)
                    {
                        return 0;
                    }
                    return crc.Result;
                }
            }
            public void Dispose() { }
        }
        public void Finish(CrcStream stream, Dictionary<uint, int> all)
        {
            stream.Dispose();
            all[stream.Crc] = stream.Crc32;
            all.Remove(stream.Next);
            all[stream.Next] = stream.Checked;
        }
        """,
        // Usings over what they create, in a body with nothing else to follow, and over a parameter not used after it.
        """
        string M(string path, Handle handle)
        {
            using (var reader = new StreamReader(path))
            {
                using var copy = new MemoryStream();
                reader.BaseStream.CopyTo(copy);
            }
            using (handle)
            {
                handle.Write(1);
            }
            return path;
        }
        """,
        // A result read after the disposal that flushed it, through getters of the base type that read its fields
        // (K4os.Compression.LZ4.Streams' LZ4Frame.Encode: BufferWriter => base.StreamState, StreamState => _stream).
        """
        public class FrameWriter<TState> : IDisposable
        {
            private readonly TState state;
            protected int count;
            public FrameWriter(TState state) { this.state = state; }
            protected TState StreamState => state;
            public int Count { get; private set; }
            public void Dispose() { }
        }
        public sealed class BufferFrameWriter : FrameWriter<MemoryStream>
        {
            public BufferFrameWriter(MemoryStream target) : base(target) { }
            public MemoryStream BufferWriter => base.StreamState;
            public int Written => count + Count;
        }
        public MemoryStream Encode(BufferFrameWriter writer, Dictionary<int, int> sizes)
        {
            writer.BufferWriter.WriteByte(1);
            writer.Dispose();
            sizes[writer.Written] = 1;
            return writer.BufferWriter;
        }
        """,
        // A field of a disposed object written in the finally after its using: no code of the object runs
        // (System.Data.SQLite's SQLiteCommand.Execute resets connection._noDispose).
        """
        public sealed class Connection : IDisposable
        {
            internal bool noDispose;
            public void Dispose() { }
        }
        void Execute(Connection? connection)
        {
            try
            {
                using (connection)
                {
                    if (connection != null) connection.noDispose = true;
                }
            }
            finally
            {
                if (connection != null) connection.noDispose = false;
            }
        }
        """,
        // A lock on the object being disposed: the lock's exit reads the object's header, not its state (System.Private.CoreLib's
        // SyncStream and ManualResetEventSlim).
        """
        sealed class Synchronized : IDisposable
        {
            private readonly Handle handle;
            private Handle? spare;
            public Synchronized(Handle handle) { this.handle = handle; }
            public void Dispose()
            {
                lock (handle)
                {
                    handle.Dispose();
                }
                var other = spare;
                if (other == null) return;
                lock (other)
                {
                    other.Dispose();
                    spare = null;
                }
            }
        }
        """,
        // A field of a disposed object can still be read: walking a linked list while disposing it (DiagnosticSource).
        """
        public sealed class Node : IDisposable
        {
            public Node? Next;
            public Node? Previous { get; }
            public void Dispose() { }
        }
        [Owned] Node? head;
        public void Dispose()
        {
            Node? node = head;
            head = null;
            while (node != null)
            {
                node.Dispose();
                node = node.Next ?? node.Previous;
            }
        }
        """,
        // Released only when acquired here (if (own)): the caller's value it may also hold is not released by the call
        // (System.Data's XmlTreeGen closes the writer it opened, never the one it was given).
        """
        void M(byte* shared, bool own, int n)
        {
            byte* p = null;
            for (int i = 0; i < n; i++)
            {
                p = own ? Api.Create(8) : shared;
                p[0] = 1;
                if (own) Api.Destroy(p);
            }
        }
        """,
        // A catch handler starts before an operation that may throw, never after the try's last one (System.Net.Quic's listener).
        """
        int M(bool keep)
        {
            byte* p = Api.Create(8);
            try
            {
                Api.Fill(p, 8);
                if (!keep)
                {
                    Api.Destroy(p);
                    return 0;
                }
            }
            catch (InvalidOperationException)
            {
                int read = Api.Read(p);
                Api.Destroy(p);
                return read;
            }
            int value = Api.Read(p);
            Api.Destroy(p);
            return value;
        }
        """,
        // A field written through ref may hold anything afterwards (System.Net.Sockets' Socket).
        """
        IntPtr block = Marshal.AllocHGlobal(8);
        void Swap(IntPtr next)
        {
            IntPtr old = block;
            System.Threading.Volatile.Write(ref block, next);
            Marshal.FreeHGlobal(old);
            Marshal.WriteByte(block, 1);
        }
        """,
        // The success-flag idiom: the finally releases only when the try did not finish, and the try finished.
        """
        [return: Owned("native")] byte* M(int n)
        {
            byte* p = Api.Create(n);
            bool ok = false;
            try
            {
                Api.Fill(p, n);
                ok = true;
            }
            finally
            {
                if (!ok) Api.Destroy(p);
            }
            return p;
        }
        """,
        """
        [return: Owned("native")] byte* M(int n)
        {
            byte* p = Api.Create(n);
            bool ok = false;
            try
            {
                for (int i = 0; i < n; i++) p[i] = 1;
                ok = true;
                return p;
            }
            finally
            {
                if (!ok)
                {
                    Api.Destroy(p);
                }
            }
        }
        """,
        // A throw helper marked [DoesNotReturn] ends the path, as a throw does.
        """
        static class ThrowHelper
        {
            [System.Diagnostics.CodeAnalysis.DoesNotReturn]
            public static void InvalidState() => throw new InvalidOperationException();
        }
        void M(bool bad)
        {
            byte* p = Api.Create(8);
            if (bad)
            {
                Api.Destroy(p);
                ThrowHelper.InvalidState();
            }
            Api.Fill(p, 8);
            Api.Destroy(p);
        }
        """,
        // Released and reset on one path, re-acquired where it is null: a copy taken before still holds the old block, but the
        // variable itself never holds it released (TraceEvent's ReHash).
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
            Api.Fill(p, 8);
            Api.Destroy(p);
        }
        """,
        // The same with a field and a pattern (Npgsql's text reader cache).
        """
        [Owned] Handle? current;
        public void Restart()
        {
            if (current is { Value: > 0 } previous)
            {
                current.Dispose();
                current = null;
            }
            if (current == null) current = Api.Open();
            current.Write(1);
        }
        """,
        // A constructor that takes ownership keeps the value alive: using it while the new object lives is fine.
        """
        [Owned] public sealed class Block : IDisposable
        {
            private byte* data;
            public Block([Transfers] byte* data) { this.data = data; }
            public void Dispose() { if (data != null) { Api.Destroy(data); data = null; } }
        }
        byte M()
        {
            byte* p = Api.Create(8);
            using var block = new Block(p);
            p[0] = 1;
            return p[0];
        }
        """,
        // A stream handed to a reader, then asked about (Npgsql's copy reader does this in its constructor).
        "int M(Stream s) { using var reader = new StreamReader(s); return s.CanSeek ? reader.Peek() : 0; }",
        "public sealed class Reader : StreamReader { public readonly bool Seekable; public Reader(Stream s) : base(s) { Seekable = s.CanSeek; } }",
        // Free as the last thing.
        """
        void M()
        {
            byte* p = Api.Create(8);
            p[0] = 1;
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
        // using on an owned disposable.
        """
        void M()
        {
            using Handle h = Api.Open();
            h.Write(1);
        }
        """,
        // using block.
        """
        void M()
        {
            using (Handle h = Api.Open())
            {
                h.Write(2);
            }
        }
        """,
        // Reassignment after free re-initializes the variable.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = Api.Create(16);
            p[0] = 1;
            Api.Destroy(p);
        }
        """,
        // Reset to null after free, then a null check.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = null;
            if (p != null) p[0] = 1;
        }
        """,
        // A fresh block per loop iteration.
        """
        void M(int n)
        {
            for (int i = 0; i < n; i++)
            {
                byte* p = Api.Create(8);
                p[0] = (byte)i;
                Api.Destroy(p);
            }
        }
        """,
        // Free on each branch, use before.
        """
        void M(bool fast)
        {
            byte* p = Api.Create(8);
            p[0] = 1;
            if (fast) { Api.Destroy(p); return; }
            p[1] = 2;
            Api.Destroy(p);
        }
        """,
        // Early return before the free.
        """
        int M(bool skip)
        {
            byte* p = Api.Create(8);
            if (skip)
            {
                Api.Destroy(p);
                return 0;
            }

            int v = p[0];
            Api.Destroy(p);
            return v;
        }
        """,
        // ArrayPool rent/return in finally.
        """
        int M(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                return stream.Read(buffer, 0, buffer.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        """,
        // StringToHGlobalAnsi with FreeHGlobal in finally.
        """
        string? M(string text)
        {
            IntPtr s = Marshal.StringToHGlobalAnsi(text);
            try { return Marshal.PtrToStringAnsi(s); }
            finally { Marshal.FreeHGlobal(s); }
        }
        """,
        // Comparing a freed pointer is not reading through it.
        """
        bool M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            return p == null;
        }
        """,
        // Realloc result replaces the variable.
        """
        void M()
        {
            byte* p = (byte*)NativeMemory.Alloc(16);
            p = (byte*)NativeMemory.Realloc(p, 64);
            p[63] = 1;
            NativeMemory.Free(p);
        }
        """,
        // The Try pattern: released only where it was acquired.
        """
        void M()
        {
            if (Api.TryCreate(8, out byte* p))
            {
                p[0] = 1;
                Api.Destroy(p);
            }
        }
        """,
        // A lambda uses a block the outer code keeps alive until after the call.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Action write = () => p[0] = 1;
            write();
            Api.Destroy(p);
        }
        """,
        // GCHandle freed once, guarded by IsAllocated.
        """
        void M(object value)
        {
            GCHandle handle = GCHandle.Alloc(value, GCHandleType.Pinned);
            try { IntPtr address = handle.AddrOfPinnedObject(); }
            finally { if (handle.IsAllocated) handle.Free(); }
        }
        """,
        // Growing a buffer through a ref parameter: the free is followed by rebinding the caller's variable.
        """
        void Grow(ref byte* buffer, ref int capacity)
        {
            byte* bigger = (byte*)NativeMemory.Alloc((nuint)(capacity * 2));
            Buffer.MemoryCopy(buffer, bigger, capacity * 2, capacity);
            NativeMemory.Free(buffer);
            buffer = bigger;
            capacity *= 2;
        }
        """,
        // Disposing twice is allowed by the IDisposable contract; using after is not tested here.
        """
        void M()
        {
            Handle h = Api.Open();
            h.Write(1);
            h.Dispose();
            h.Dispose();
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_use_after_release(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_names_the_using_statement_that_released_it()
    {
        // BouncyCastle's `using (limitedMemoryStream) { … }` was reported as "released by 'limitedMemoryStream'".
        var source = TestCode.Members("""
            void M()
            {
                var handle = Api.Open();
                using (handle)
                {
                    handle.Write(1);
                }
                {|#0:handle|}.Write(2);
            }
            """);
        var line = TestCode.LineOf(source, "using (handle)");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001").WithLocation(0)
                .WithMessageContaining($"'handle' is used after it was released by 'using (handle)' at line {line}"));
    }

    [Theory]
    [InlineData("using var closing = handle;", "using var closing = handle")]
    [InlineData("using (var closing = handle) { }", "using (var closing = handle)")]
    public Task Message_names_the_using_declaration_that_released_it(string release, string described)
    {
        // A using declaration's release was named by its declarator alone: "released by 'closing = handle'".
        var source = TestCode.Members($$"""
            void M(Handle handle, bool close)
            {
                if (close)
                {
                    {{release}}
                }
                {|#0:handle|}.Write(2);
            }
            """);
        var line = TestCode.LineOf(source, release);
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001").WithLocation(0)
                .WithMessageContaining($"'handle' is used after it was released by '{described}' at line {line}, on some path"));
    }

    [Fact]
    public Task Message_names_a_conditional_release_with_its_receiver()
    {
        // Websocket.Client's `_client?.Dispose();` was reported as "released by '.Dispose()'".
        var source = TestCode.Members("""
            Handle? handle = Api.Open();
            void M()
            {
                handle?.Dispose();
                {|#0:handle|}!.Write(2);
            }
            """);
        var line = TestCode.LineOf(source, "handle?.Dispose()");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001").WithLocation(0)
                .WithMessageContaining($"'handle' is used after it was released by 'handle?.Dispose()' at line {line}"));
    }

    [Fact]
    public Task Message_names_the_variable_the_release_and_its_line()
    {
        var source = TestCode.Members("""
            void M()
            {
                byte* p = (byte*){|#0:NativeMemory.Alloc(16)|};
                {|#1:NativeMemory.Free(p)|};
                {|#2:p|}[0] = 1;
            }
            """);
        var line = TestCode.LineOf(source, "{|#1:");
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001")
                .WithLocation(2).WithLocation(0).WithLocation(1)
                .WithMessage($"'p' is used after it was released by 'NativeMemory.Free(p)' at line {line}"));
    }

    [Fact]
    public Task After_a_lock_on_the_released_field_the_message_has_no_qualifier()
    {
        // Every path released the field inside the lock: neither "on some path" nor "in an earlier iteration".
        var source = TestCode.Members("""
            sealed class Synchronized : IDisposable
            {
                private readonly Handle handle;
                public Synchronized(Handle handle) { this.handle = handle; }
                public void Dispose()
                {
                    lock (handle)
                    {
                        handle.Dispose();
                    }
                    {|#0:handle|}.Write(1);
                }
            }
            """);
        var line = TestCode.LineOf(source, "lock (handle)") + 2;
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001").WithLocation(0).WithMessage($"'handle' is used after it was released by 'handle.Dispose()' at line {line}"));
    }

    [Fact]
    public Task Later_loop_iteration_says_so()
    {
        var source = TestCode.Members("""
            void M(int n)
            {
                byte* p = {|OWN003:Api.Create(8)|};
                for (int i = 0; i < n; i++)
                {
                    {|#0:p|}[0] = 1;
                    {|OWN002:Api.Destroy(p)|};
                }
            }
            """);
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            source,
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN001").WithLocation(0).WithMessageContaining("in an earlier iteration of the loop"));
    }
}
