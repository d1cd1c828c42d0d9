using System.Threading.Tasks;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN010UseMatchingDeallocatorCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN010CodeFixTests
{
    private const string Pools = """
        public static unsafe class Pools
        {
            [return: Owned("pool")] public static byte* RentBlock() => (byte*)NativeMemory.Alloc(64);
            public static void ReturnBlock([Releases("pool")] byte* block) => NativeMemory.Free(block);
            [return: Owned("arena")] public static byte* ArenaBlock() => (byte*)NativeMemory.Alloc(64);
        }

        """;

    [Fact]
    public Task Aligned_block_gets_AlignedFree() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(64, 64);
                    {|OWN010:NativeMemory.Free(p)|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(64, 64);
                    NativeMemory.AlignedFree(p);
                }
                """));

    [Fact]
    public Task HGlobal_freed_through_an_alias_gets_FreeHGlobal_on_the_alias() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(16);
                    IntPtr alias = h;
                    {|OWN010:Marshal.FreeCoTaskMem(alias)|}; // done
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    IntPtr h = Marshal.AllocHGlobal(16);
                    IntPtr alias = h;
                    Marshal.FreeHGlobal(alias); // done
                }
                """));

    [Fact]
    public Task CoTaskMem_string_gets_FreeCoTaskMem_not_a_zeroing_free() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(string text)
                {
                    IntPtr s = Marshal.StringToCoTaskMemAnsi(text);
                    {|OWN010:Marshal.FreeHGlobal(s)|};
                }
                """),
            FixTestCode.Members("""
                void M(string text)
                {
                    IntPtr s = Marshal.StringToCoTaskMemAnsi(text);
                    Marshal.FreeCoTaskMem(s);
                }
                """));

    [Fact]
    public Task Annotated_family_gets_its_own_releaser() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* block = Pools.RentBlock();
                    {|OWN010:NativeMemory.Free(block)|};
                }
                """, Pools),
            FixTestCode.Members("""
                void M()
                {
                    byte* block = Pools.RentBlock();
                    Pools.ReturnBlock(block);
                }
                """, Pools));

    [Fact]
    public Task Release_in_an_else_branch_is_replaced_in_place() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(bool aligned)
                {
                    void* p = NativeMemory.AlignedAlloc(32, 32);
                    if (aligned) NativeMemory.AlignedFree(p);
                    else {|OWN010:NativeMemory.Free(p)|};
                }
                """),
            FixTestCode.Members("""
                void M(bool aligned)
                {
                    void* p = NativeMemory.AlignedAlloc(32, 32);
                    if (aligned) NativeMemory.AlignedFree(p);
                    else NativeMemory.AlignedFree(p);
                }
                """));

    [Fact]
    public Task Fix_all_replaces_every_wrong_free_in_the_document() =>
        Verify.VerifyFixAllAsync(
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(64, 64);
                    {|OWN010:NativeMemory.Free(p)|};
                }

                void N()
                {
                    IntPtr h = Marshal.AllocCoTaskMem(8);
                    {|OWN010:Marshal.FreeHGlobal(h)|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    void* p = NativeMemory.AlignedAlloc(64, 64);
                    NativeMemory.AlignedFree(p);
                }

                void N()
                {
                    IntPtr h = Marshal.AllocCoTaskMem(8);
                    Marshal.FreeCoTaskMem(h);
                }
                """));

    [Fact]
    public Task No_fix_for_a_reallocation() =>
        // Not a statement to swap, and the aligned reallocation needs an alignment too.
        Verify.VerifyNoFixAsync(FixTestCode.Members("""
            void M()
            {
                void* p = NativeMemory.AlignedAlloc(64, 16);
                void* q = {|OWN010:NativeMemory.Realloc(p, 128)|};
                NativeMemory.Free(q);
            }
            """));

    [Fact]
    public Task No_fix_when_no_deallocator_of_the_family_exists() =>
        Verify.VerifyNoFixAsync(FixTestCode.Members("""
            void M()
            {
                byte* block = Pools.ArenaBlock();
                {|OWN010:NativeMemory.Free(block)|};
            }
            """, Pools));
}
