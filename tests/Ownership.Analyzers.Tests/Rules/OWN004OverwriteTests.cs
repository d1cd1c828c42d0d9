using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN004OverwriteTests
{
    public static TheoryData<string> Flagged => new()
    {
        // The flag may be false with the handle held: the next iteration overwrites it (the twin of Find in the silent cases).
        FoundLoop("{|OWN004:result = Api.Open()|}", "port > 0", "result?.Dispose();"),
        // Resetting a struct whole drops what its fields still own.
        """
        public struct Builder
        {
            private char[]? _rented;
            public void Grow(int size) { _rented = ArrayPool<char>.Shared.Rent(size); }
            public void Reset(int size)
            {
                _rented = ArrayPool<char>.Shared.Rent(size);
                {|OWN004:this = default|};
            }
        }
        """,
        // A local overwritten by a second allocation.
        """
        void M()
        {
            byte* p = Api.Create(8);
            {|OWN004:p = Api.Create(16)|};
            Api.Destroy(p);
        }
        """,
        // Overwritten with null.
        """
        void M()
        {
            byte* p = Api.Create(8);
            p[0] = 1;
            {|OWN004:p = null|};
        }
        """,
        // A field assigned twice in the same method.
        """
        byte* buffer;
        void Init()
        {
            buffer = Api.Create(8);
            {|OWN004:buffer = Api.Create(16)|};
        }
        """,
        // An HGlobal handle overwritten.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(8);
            {|OWN004:h = Marshal.AllocHGlobal(16)|};
            Marshal.FreeHGlobal(h);
        }
        """,
        // A pool array overwritten by another rent.
        """
        void M()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
            {|OWN004:buffer = ArrayPool<byte>.Shared.Rent(32)|};
            ArrayPool<byte>.Shared.Return(buffer);
        }
        """,
        // Allocated in every iteration into a variable declared outside the loop.
        """
        void M(int n)
        {
            byte* p = null;
            for (int i = 0; i < n; i++)
            {
                {|OWN004:p = Api.Create(8)|};
            }

            if (p != null) Api.Destroy(p);
        }
        """,
        // An owned disposable overwritten.
        """
        void M()
        {
            Handle h = Api.Open();
            {|OWN004:h = Api.Open()|};
            h.Dispose();
        }
        """,
        // Overwritten by an unrelated pointer.
        """
        void M(byte* other)
        {
            byte* p = Api.Create(8);
            {|OWN004:p = other|};
        }
        """,
        // Overwritten with default.
        """
        void M()
        {
            IntPtr h = Marshal.AllocCoTaskMem(8);
            {|OWN004:h = default|};
        }
        """,
        // A GCHandle overwritten by a new one.
        """
        void M(object a, object b)
        {
            GCHandle handle = GCHandle.Alloc(a);
            {|OWN004:handle = GCHandle.Alloc(b)|};
            handle.Free();
        }
        """,
        // Overwritten inside a branch.
        """
        void M(bool again)
        {
            byte* p = Api.Create(8);
            if (again)
            {
                {|OWN004:p = Api.Create(32)|};
            }

            Api.Destroy(p);
        }
        """,
        // A field overwritten after an acquisition in the same method, with a use in between.
        """
        IntPtr handle;
        void Open()
        {
            handle = Marshal.AllocHGlobal(8);
            Marshal.WriteByte(handle, 0, 1);
            {|OWN004:handle = Marshal.AllocHGlobal(8)|};
        }
        """,
        // Overwritten by an out argument of an owning Try call.
        """
        void M()
        {
            byte* p = Api.Create(8);
            {|OWN004:p = (byte*)NativeMemory.AllocZeroed(8)|};
            NativeMemory.Free(p);
        }
        """,
        // A string marshalled twice into the same variable.
        """
        void M(string a, string b)
        {
            IntPtr s = Marshal.StringToHGlobalAnsi(a);
            {|OWN004:s = Marshal.StringToHGlobalAnsi(b)|};
            Marshal.FreeHGlobal(s);
        }
        """,
        // A static field of the same type, assigned twice.
        """
        static IntPtr shared;
        static void Init()
        {
            shared = Marshal.AllocHGlobal(8);
            {|OWN004:shared = Marshal.AllocHGlobal(16)|};
        }
        """,
    };

    /// <summary>A search that keeps the handle it opened when <c>found</c> is set, and returns it under the flag.</summary>
    private static string FoundLoop(string open, string found, string afterLoop) => $$"""
        static void Check(int port) { if (port < 0) throw new IOException(); }
        [return: Owned] Handle? Find(int[] ports)
        {
            bool found = false;
            Handle? result = null;
            foreach (var port in ports)
            {
                try
                {
                    Check(port);
                    {{open}};
                    found = {{found}};
                }
                catch (IOException)
                {
                }
                if (found) return result;
            }
            {{afterLoop}}
            return null;
        }
        """;

    public static TheoryData<string> Silent => new()
    {
        // The handle is kept only when the flag says it was found, and then returned: the paths that go round again hold none
        // (System.DirectoryServices' ConfigurationSet.FindOneAdamInstance).
        FoundLoop("result = Api.Open()", "true", ""),
        // Allocated in a loop only where the field is still null (System.Security.Cryptography's certificate loader).
        """
        byte[]? spki;
        void M(int[] sizes)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                if (spki == null)
                {
                    spki = ArrayPool<byte>.Shared.Rent(sizes.Length);
                }
                spki[i] = 1;
            }
        }
        """,
        // A loop that grows its buffer: a copy still holds the old array when the variable gets the new one (System.Text.Json).
        """
        ArraySegment<byte> ReadAll(Stream stream)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
            int length = 0;
            int read;
            do
            {
                if (buffer.Length == length)
                {
                    byte[] old = buffer;
                    buffer = ArrayPool<byte>.Shared.Rent(checked(old.Length * 2));
                    Buffer.BlockCopy(old, 0, buffer, 0, old.Length);
                    ArrayPool<byte>.Shared.Return(old);
                }
                read = stream.Read(buffer, length, buffer.Length - length);
                length += read;
            }
            while (read > 0);
            return new ArraySegment<byte>(buffer, 0, length);
        }
        """,
        // Freed before the overwrite.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = Api.Create(16);
            Api.Destroy(p);
        }
        """,
        // Realloc replaces the variable with the result.
        """
        void M()
        {
            void* p = NativeMemory.Alloc(8);
            p = NativeMemory.Realloc(p, 16);
            NativeMemory.Free(p);
        }
        """,
        // Reset after free.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Destroy(p);
            p = null;
        }
        """,
        // Copied before the overwrite: the copy still holds it.
        """
        void M()
        {
            byte* p = Api.Create(8);
            byte* keep = p;
            p = Api.Create(8);
            Api.Destroy(keep);
            Api.Destroy(p);
        }
        """,
        // A field reassigned after release.
        """
        byte* buffer;
        void Resize(int size)
        {
            if (buffer != null) Api.Destroy(buffer);
            buffer = Api.Create(size);
        }
        """,
        // A field assigned once: it may have held something before, but this method cannot know.
        """
        IntPtr handle;
        void Open() => handle = Marshal.AllocHGlobal(8);
        """,
        // Transferred before the overwrite.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Consume(p);
            p = Api.Create(8);
            Api.Destroy(p);
        }
        """,
        // Fresh local per iteration.
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
        // Loop frees before reacquiring.
        """
        void M(int n)
        {
            byte* p = null;
            for (int i = 0; i < n; i++)
            {
                if (p != null) Api.Destroy(p);
                p = Api.Create(8);
            }

            if (p != null) Api.Destroy(p);
        }
        """,
        // Given away to a helper that may keep it, then overwritten.
        """
        void M()
        {
            byte* p = Api.Create(8);
            Api.Remember(p);
            p = Api.Create(8);
            Api.Destroy(p);
        }
        """,
        // Stored in a field before the local is reused.
        """
        byte* saved;
        void M()
        {
            byte* p = Api.Create(8);
            saved = p;
            p = Api.Create(16);
            Api.Destroy(p);
        }
        """,
        // Overwrite in the Try-failure branch: nothing was acquired.
        """
        void M()
        {
            if (!Api.TryCreate(8, out byte* p))
            {
                p = Api.Create(4);
            }

            Api.Destroy(p);
        }
        """,
        // A null check before overwriting.
        """
        void M(bool make)
        {
            byte* p = make ? Api.Create(8) : null;
            if (p == null)
            {
                p = Api.Create(4);
            }

            Api.Destroy(p);
        }
        """,
        // Non-owned pointers are plain values.
        """
        void M(byte* a, byte* b)
        {
            byte* p = a;
            p = b;
        }
        """,
        // The disposable is disposed before reassignment.
        """
        void M()
        {
            Handle h = Api.Open();
            h.Dispose();
            h = Api.Open();
            h.Dispose();
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_overwrite(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));
}
