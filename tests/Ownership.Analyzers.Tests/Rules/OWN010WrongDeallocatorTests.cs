using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN010WrongDeallocatorTests
{
    private const string Families = """
        public static unsafe class Pools
        {
            [return: Owned("pool")] public static byte* RentBlock() => (byte*)NativeMemory.Alloc(64);
            public static void ReturnBlock([Releases("pool")] byte* block) => NativeMemory.Free(block);
            [return: Owned("arena")] public static byte* ArenaBlock() => (byte*)NativeMemory.Alloc(64);
            public static void FreeAny([Releases] byte* block) => NativeMemory.Free(block);
        }

        """;

    public static TheoryData<string> Flagged => new()
    {
        // Either candidate is of another family than the release's.
        """
        void M(int size, bool zeroed)
        {
            IntPtr block = zeroed ? Marshal.AllocHGlobal(size) : Marshal.AllocHGlobal(size * 2);
            {|OWN010:Marshal.FreeCoTaskMem(block)|};
        }
        """,
        // Aligned block freed by Free.
        """
        void M()
        {
            void* p = NativeMemory.AlignedAlloc(64, 64);
            {|OWN010:NativeMemory.Free(p)|};
        }
        """,
        // Plain block freed by AlignedFree.
        """
        void M()
        {
            void* p = NativeMemory.Alloc(64);
            {|OWN010:NativeMemory.AlignedFree(p)|};
        }
        """,
        // HGlobal freed as CoTaskMem.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(16);
            {|OWN010:Marshal.FreeCoTaskMem(h)|};
        }
        """,
        // CoTaskMem freed as HGlobal.
        """
        void M()
        {
            IntPtr h = Marshal.AllocCoTaskMem(16);
            {|OWN010:Marshal.FreeHGlobal(h)|};
        }
        """,
        // A marshalled HGlobal string freed as CoTaskMem.
        """
        void M(string text)
        {
            IntPtr s = Marshal.StringToHGlobalUni(text);
            {|OWN010:Marshal.FreeCoTaskMem(s)|};
        }
        """,
        // A CoTaskMem string freed as HGlobal.
        """
        void M(string text)
        {
            IntPtr s = Marshal.StringToCoTaskMemAnsi(text);
            {|OWN010:Marshal.FreeHGlobal(s)|};
        }
        """,
        // A pool block freed by the allocator.
        """
        void M()
        {
            byte* block = Pools.RentBlock();
            {|OWN010:NativeMemory.Free(block)|};
        }
        """,
        // A native block returned to a pool.
        """
        void M()
        {
            byte* block = (byte*)NativeMemory.Alloc(64);
            {|OWN010:Pools.ReturnBlock(block)|};
        }
        """,
        // An arena block freed by the native allocator.
        """
        void M()
        {
            byte* block = Pools.ArenaBlock();
            {|OWN010:Api.Destroy(block)|};
        }
        """,
        // Aligned realloc result freed by Free.
        """
        void M()
        {
            void* p = NativeMemory.AlignedAlloc(64, 16);
            p = NativeMemory.AlignedRealloc(p, 128, 16);
            {|OWN010:NativeMemory.Free(p)|};
        }
        """,
        // Realloc of an aligned block (Realloc is the plain family).
        """
        void M()
        {
            void* p = NativeMemory.AlignedAlloc(64, 16);
            void* q = {|OWN010:NativeMemory.Realloc(p, 128)|};
            NativeMemory.Free(q);
        }
        """,
        // ReAllocHGlobal on CoTaskMem.
        """
        void M()
        {
            IntPtr p = Marshal.AllocCoTaskMem(8);
            IntPtr q = {|OWN010:Marshal.ReAllocHGlobal(p, (IntPtr)16)|};
            Marshal.FreeHGlobal(q);
        }
        """,
        // Wrong family behind an alias.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(16);
            IntPtr alias = h;
            {|OWN010:Marshal.FreeCoTaskMem(alias)|};
        }
        """,
        // Wrong family on one branch.
        """
        void M(bool aligned)
        {
            void* p = NativeMemory.AlignedAlloc(32, 32);
            if (aligned) NativeMemory.AlignedFree(p);
            else {|OWN010:NativeMemory.Free(p)|};
        }
        """,
        // Wrong family in a finally.
        """
        void M()
        {
            IntPtr h = Marshal.AllocHGlobal(16);
            try { Marshal.WriteByte(h, 0, 1); }
            finally { {|OWN010:Marshal.FreeCoTaskMem(h)|}; }
        }
        """,
    };

    public static TheoryData<string> Silent => new()
    {
        // The family chosen by a flag, and the release chosen by the same flag: whichever candidate the variable holds, the
        // right call may release it (System.Private.CoreLib's SecureString.MarshalToString).
        """
        [return: Owned]
        IntPtr Copy(string text, bool globalAlloc)
        {
            IntPtr block = IntPtr.Zero;
            try
            {
                block = globalAlloc ? Marshal.AllocHGlobal(text.Length * 2) : Marshal.AllocCoTaskMem(text.Length * 2);
                if (text.Length == 0) return IntPtr.Zero;
                IntPtr result = block;
                block = IntPtr.Zero;
                return result;
            }
            finally
            {
                if (block != IntPtr.Zero)
                {
                    if (globalAlloc) Marshal.FreeHGlobal(block);
                    else Marshal.FreeCoTaskMem(block);
                }
            }
        }
        """,
        "void M() { void* p = NativeMemory.Alloc(8); NativeMemory.Free(p); }",
        "void M() { void* p = NativeMemory.AllocZeroed(8); NativeMemory.Free(p); }",
        "void M() { void* p = NativeMemory.AlignedAlloc(8, 8); NativeMemory.AlignedFree(p); }",
        "void M() { void* p = NativeMemory.AlignedAlloc(8, 8); p = NativeMemory.AlignedRealloc(p, 16, 8); NativeMemory.AlignedFree(p); }",
        "void M() { IntPtr h = Marshal.AllocHGlobal(8); Marshal.FreeHGlobal(h); }",
        "void M() { IntPtr h = Marshal.AllocCoTaskMem(8); Marshal.FreeCoTaskMem(h); }",
        "void M(string s) { IntPtr h = Marshal.StringToHGlobalAnsi(s); Marshal.FreeHGlobal(h); }",
        "void M(string s) { IntPtr h = Marshal.StringToCoTaskMemUni(s); Marshal.FreeCoTaskMem(h); }",
        "void M(string s) { IntPtr h = Marshal.StringToHGlobalUni(s); Marshal.ZeroFreeGlobalAllocUnicode(h); }",
        "void M() { byte* b = Pools.RentBlock(); Pools.ReturnBlock(b); }",
        "void M() { byte* b = Pools.RentBlock(); Pools.FreeAny(b); }",
        "void M() { byte* b = (byte*)NativeMemory.Alloc(8); Pools.FreeAny(b); }",
        "void M() { IntPtr h = Marshal.AllocHGlobal(8); h = Marshal.ReAllocHGlobal(h, (IntPtr)16); Marshal.FreeHGlobal(h); }",
        "void M() { byte* p = Api.Create(8); NativeMemory.Free(p); }",
        "void M(IntPtr unknown) { Marshal.FreeCoTaskMem(unknown); }",
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_wrong_deallocator(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members, Families));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members, Families));

    [Fact]
    public Task Message_names_both_families()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("""
                void M()
                {
                    void* p = {|#0:NativeMemory.AlignedAlloc(64, 64)|};
                    {|#1:NativeMemory.Free(p)|};
                }
                """, Families),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN010").WithLocation(1).WithLocation(0)
                .WithMessage("'p' was acquired by 'NativeMemory.AlignedAlloc(64, 64)' (family 'native-aligned') but is released by 'NativeMemory.Free(p)' (family 'native')"));
    }
}
