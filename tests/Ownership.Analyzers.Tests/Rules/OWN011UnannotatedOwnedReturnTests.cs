using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

public class OWN011UnannotatedOwnedReturnTests
{
    public static TheoryData<string> Flagged => new()
    {
        // Stored in a local, not a field: the caller gets the only reference.
        "public byte[] Buffer(int count) { byte[] local; return {|OWN011:local = ArrayPool<byte>.Shared.Rent(count)|}; }",
        "byte* M() { byte* p = Api.Create(8); return {|OWN011:p|}; }",
        "byte* M() => {|OWN011:Api.Create(8)|};",
        "void* M(int n) => {|OWN011:NativeMemory.Alloc((nuint)n)|};",
        "IntPtr M() { var h = Marshal.AllocHGlobal(16); Marshal.WriteByte(h, 0, 1); return {|OWN011:h|}; }",
        "IntPtr M(string s) => {|OWN011:Marshal.StringToHGlobalUni(s)|};",
        "byte[] M(int n) => {|OWN011:ArrayPool<byte>.Shared.Rent(n)|};",
        "GCHandle M(object o) => {|OWN011:GCHandle.Alloc(o)|};",
        "Handle M() { var h = new Handle(); h.Write(1); return {|OWN011:h|}; }",
        "Handle M() => {|OWN011:Api.Open()|};",
        "NativeList<int> M() { var list = new NativeList<int>(); list.Add(1); return {|OWN011:list|}; }",
        "byte* M(bool big) { byte* p = big ? Api.Create(64) : Api.Create(8); return {|OWN011:p|}; }",
        """
        byte* M(int size)
        {
            if (Api.TryCreate(size, out byte* p))
            {
                return {|OWN011:p|};
            }

            return null;
        }
        """,
        """
        [Owned] Handle? current = Api.Open();
        Handle? Detach()
        {
            var taken = current;
            current = null;
            return {|OWN011:taken|};
        }
        """,
        // The same through an auto-property, owned by [Owned] on it or by [field: Owned]: no call with a contract in the body.
        """
        [Owned] public Handle? Current { get; private set; } = Api.Open();
        public Handle? Detach() { var taken = Current; Current = null; return {|OWN011:taken|}; }
        """,
        """
        [field: Owned] public Handle? Current { get; private set; } = Api.Open();
        public Handle? Detach() { var taken = Current; Current = null; return {|OWN011:taken|}; }
        """,
        "void* M(void* old) => {|OWN011:NativeMemory.Realloc(old, 64)|};",
        "static IntPtr M() { IntPtr p = Marshal.AllocCoTaskMem(4); return {|OWN011:p|}; }",
    };

    public static TheoryData<string> Silent => new()
    {
        // The field keeps what it returns: the field stays the owner, the caller borrows.
        "byte[]? pooled; public byte[] Buffer(int count) { if (pooled is null || pooled.Length < count) { if (pooled != null) ArrayPool<byte>.Shared.Return(pooled); return pooled = ArrayPool<byte>.Shared.Rent(count); } return pooled; }",
        "IntPtr block; public IntPtr Block() { if (block == IntPtr.Zero) block = Marshal.AllocHGlobal(64); return block; }",
        "[return: Owned(\"native\")] byte* M() => Api.Create(8);",
        "[return: Owned] Handle M() => new Handle();",
        "[return: Owned] IntPtr M() { var h = Marshal.AllocHGlobal(16); return h; }",
        "byte* M(byte* p) => p;",
        "byte* field; byte* M() => field;",
        "[Owned] Handle? current = Api.Open(); Handle? Peek() => current;",
        "int M() { byte* p = Api.Create(8); int v = p[0]; Api.Destroy(p); return v; }",
        "Func<IntPtr> M() => () => Marshal.AllocHGlobal(8);",
        "bool M([Owned] out IntPtr h) { h = Marshal.AllocHGlobal(8); return true; }",
        "[return: Borrowed] byte* M() { using var arena = new ArenaAllocator(); return (byte*)arena.Allocate(8); }",
        "Span<int> M(List<int> items) => CollectionsMarshal.AsSpan(items);",
        "MemoryStream M() => new MemoryStream();",
        "int[] M(int n) => new int[n];",
        "[return: Owned] byte[] M(int n) => ArrayPool<byte>.Shared.Rent(n);",
        """
        byte* M(int n)
        {
            byte* p = Api.Create(n);
            Api.Destroy(p);
            return null;
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Flagged))]
    public Task Flags_unannotated_owned_return(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Theory]
    [MemberData(nameof(Silent))]
    public Task Stays_silent(string members) => AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(members));

    [Fact]
    public Task Message_names_the_method_and_the_acquisition()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(
            TestCode.Members("IntPtr Open() { IntPtr h = {|#1:Marshal.AllocHGlobal(16)|}; return {|#0:h|}; }"),
            AnalyzerVerifier<FlowAnalyzer>.Diagnostic("OWN011").WithLocation(0).WithLocation(1)
                .WithMessage("'Open' returns an owned value acquired by 'Marshal.AllocHGlobal(16)' but its return is not marked [return: Owned]"));
    }
}
