using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Ownership.Analyzers.Rules;
using Ownership.CodeFixes;
using Xunit;
using Verify = Ownership.Analyzers.Tests.Verification.CodeFixVerifier<Ownership.Analyzers.Rules.FlowAnalyzer, Ownership.CodeFixes.OWN003AddReleaseCodeFix>;

namespace Ownership.Analyzers.Tests.CodeFixes;

public class OWN003CodeFixTests
{
    [Fact]
    public Task Disposable_local_becomes_a_using_declaration() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    var h = {|OWN003:Api.Open()|};
                    h.Write(1);
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    using var h = Api.Open();
                    h.Write(1);
                }
                """),
            OWN003AddReleaseCodeFix.UsingVarKey);

    [Fact]
    public Task New_owned_type_becomes_a_using_declaration_and_its_dispose_goes() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(bool skip)
                {
                    // the handle
                    Handle h = {|OWN003:new Handle()|};
                    if (skip) return;
                    h.Write(2);
                    h.Dispose();
                }
                """),
            FixTestCode.Members("""
                void M(bool skip)
                {
                    // the handle
                    using Handle h = new Handle();
                    if (skip) return;
                    h.Write(2);
                }
                """));

    [Fact]
    public Task Disposable_can_also_be_released_in_finally() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    var h = {|OWN003:Api.Open()|};
                    h.Write(1);
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    var h = Api.Open();
                    try
                    {
                        h.Write(1);
                    }
                    finally
                    {
                        h.Dispose();
                    }
                }
                """),
            OWN003AddReleaseCodeFix.TryFinallyKey);

    [Fact]
    public Task Native_memory_is_freed_in_finally_with_the_short_name() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = (byte*){|OWN003:NativeMemory.Alloc(16)|};
                    p[0] = 1;
                    Api.Fill(p, 16);
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = (byte*)NativeMemory.Alloc(16);
                    try
                    {
                        p[0] = 1;
                        Api.Fill(p, 16);
                    }
                    finally
                    {
                        NativeMemory.Free(p);
                    }
                }
                """));

    [Fact]
    public Task Early_return_and_the_existing_release_move_into_finally() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                int M(bool skip)
                {
                    int before = 0;
                    byte* p = {|OWN003:Api.Create(8)|};
                    if (skip) return before;
                    p[0] = 1;
                    Api.Destroy(p);
                    return 1;
                }
                """),
            FixTestCode.Members("""
                int M(bool skip)
                {
                    int before = 0;
                    byte* p = Api.Create(8);
                    try
                    {
                        if (skip) return before;
                        p[0] = 1;
                        return 1;
                    }
                    finally
                    {
                        Api.Destroy(p);
                    }
                }
                """));

    [Fact]
    public Task Pooled_array_is_returned_to_its_pool() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                int M(Stream stream)
                {
                    byte[] buffer = {|OWN003:ArrayPool<byte>.Shared.Rent(4096)|};
                    return stream.Read(buffer, 0, buffer.Length);
                }
                """),
            FixTestCode.Members("""
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
                """));

    [Fact]
    public Task Leak_in_a_loop_on_continue() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        byte* p = {|OWN003:Api.Create(8)|};
                        if (i % 2 == 0) continue;
                        Api.Destroy(p);
                    }
                }
                """),
            FixTestCode.Members("""
                void M(int n)
                {
                    for (int i = 0; i < n; i++)
                    {
                        byte* p = Api.Create(8);
                        try
                        {
                            if (i % 2 == 0) continue;
                        }
                        finally
                        {
                            Api.Destroy(p);
                        }
                    }
                }
                """));

    [Fact]
    public Task Nothing_after_the_declaration_gets_the_release_right_after_it() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                void M()
                {
                    byte* p = {|OWN003:Api.Create(8)|};
                }
                """),
            FixTestCode.Members("""
                void M()
                {
                    byte* p = Api.Create(8);
                    Api.Destroy(p);
                }
                """));

    [Fact]
    public Task Fix_all_in_document() =>
        Verify.VerifyFixAllAsync(
            FixTestCode.Members(TwoLeaks("{|OWN003:", "|}")),
            FixTestCode.Members(TwoLeaksFixed));

    [Fact]
    public Task Fix_all_releases_a_leak_declared_inside_the_block_another_fix_wraps() =>
        // The batch fixer kept the outer try and dropped the inner one, whose edit overlaps it (NPOI's Ole10Native).
        Verify.VerifyFixAllAsync(
            FixTestCode.Members("""
                void M(bool twice)
                {
                    byte* a = {|OWN003:Api.Create(1)|};
                    a[0] = 1;
                    if (twice)
                    {
                        byte* b = {|OWN003:Api.Create(2)|};
                        b[0] = a[0];
                    }
                }
                """),
            FixTestCode.Members("""
                void M(bool twice)
                {
                    byte* a = Api.Create(1);
                    try
                    {
                        a[0] = 1;
                        if (twice)
                        {
                            byte* b = Api.Create(2);
                            try
                            {
                                b[0] = a[0];
                            }
                            finally
                            {
                                Api.Destroy(b);
                            }
                        }
                    }
                    finally
                    {
                        Api.Destroy(a);
                    }
                }
                """));

    [Theory]
    [InlineData(FixAllScope.Project)]
    [InlineData(FixAllScope.Solution)]
    public Task Fix_all_in_project_and_solution(FixAllScope scope) =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(TwoLeaks("{|OWN003:", "|}")), OtherDocument("{|OWN003:", "|}") },
            new[] { FixTestCode.Members(TwoLeaksFixed), OtherDocumentFixed },
            scope);

    [Fact]
    public Task Fix_all_in_document_leaves_other_documents() =>
        Verify.VerifyFixAllAsync(
            new[] { FixTestCode.Members(TwoLeaks("{|OWN003:", "|}")), OtherDocument("{|OWN003:", "|}") },
            new[] { FixTestCode.Members(TwoLeaksFixed), OtherDocument("{|OWN003:", "|}") },
            FixAllScope.Document);

    public static TheoryData<string> Unsafe => new()
    {
        // A discarded receiver inside a lambda: the lambda may run many times, or never.
        """
        Func<int> M()
        {
            Func<int> read = () => {|OWN003:Api.Open()|}.Value;
            return read;
        }
        """,
        // A discarded receiver on one branch of ?: or after &&: created only on that branch.
        """
        int M(bool open)
        {
            var n = open ? {|OWN003:Api.Open()|}.Value : 0;
            return n;
        }
        """,
        """
        bool M(bool open)
        {
            var ok = open && {|OWN003:Api.Open()|}.Value > 0;
            return ok;
        }
        """,
        // A discarded receiver in an if's condition: not a statement a declaration can go before, as the fix writes it.
        """
        void M()
        {
            if ({|OWN003:Api.Open()|}.Value > 0)
            {
                Console.WriteLine();
            }
        }
        """,
        // A discarded receiver made from a variable its own statement declares.
        """
        static int Take(out Handle h) { h = new Handle(); return 1; }
        int M()
        {
            var n = Take(out var h) + {|OWN003:new Holder(h)|}.Value;
            return n;
        }
        """,
        // Discarded result: no variable to release.
        """
        void M()
        {
            {|OWN003:Api.Create(8)|};
        }
        """,
        // Freed on one branch only: a finally would free it twice.
        """
        void M(bool done)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (done) Api.Destroy(p);
        }
        """,
        // Transferred on one path.
        """
        void M(bool give)
        {
            byte* p = {|OWN003:Api.Create(8)|};
            if (give) { Api.Consume(p); return; }
            p[0] = 1;
        }
        """,
        // An out parameter of a Try method: no declaration to extend.
        """
        void M()
        {
            if (Api.TryCreate(8, {|OWN003:out byte* p|}))
            {
                p[0] = 1;
            }
        }
        """,
        // A [Transfers] parameter.
        """
        void M([Transfers] byte* {|OWN003:block|})
        {
            block[0] = 1;
        }
        """,
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public Task No_fix_where_it_would_be_unsafe(string members) => Verify.VerifyNoFixAsync(FixTestCode.Members(members, Holder));

    /// <summary>An owned disposable made from a handle it does not take.</summary>
    private const string Holder = """
        [Owned]
        public sealed class Holder : IDisposable
        {
            public Holder(Handle h) => Value = h.Value;
            public int Value { get; }
            public void Dispose() { }
        }

        """;

    [Fact]
    public Task Discarded_receiver_in_a_declaration_gets_a_using_declaration() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members("""
                int M()
                {
                    // the value
                    var n = {|OWN003:Api.Open()|}.Value + 1;
                    return n;
                }
                """),
            FixTestCode.Members("""
                int M()
                {
                    // the value
                    using var handle = Api.Open();
                    var n = handle.Value + 1;
                    return n;
                }
                """),
            OWN003AddReleaseCodeFix.UsingVarForReceiverKey);

    [Fact]
    public Task Discarded_receiver_of_a_call_statement_and_of_a_return_get_using_declarations() =>
        Verify.VerifyFixAllAsync(
            FixTestCode.Members("""
                int M(Handle handle)
                {
                    new Holder(handle).Dispose();
                    {|OWN003:Api.Open()|}.Write(1);
                    return {|OWN003:new Holder(handle)|}.Value;
                }
                """, Holder),
            FixTestCode.Members("""
                int M(Handle handle)
                {
                    new Holder(handle).Dispose();
                    using var handle2 = Api.Open();
                    handle2.Write(1);
                    using var holder = new Holder(handle);
                    return holder.Value;
                }
                """, Holder));

    [Fact]
    public Task Discarded_receivers_of_one_statement_are_declared_in_creation_order() =>
        Verify.VerifyFixAllAsync(
            FixTestCode.Members("""
                int M(Handle handle)
                {
                    // the total
                    var n = {|OWN003:Api.Open()|}.Value + {|OWN003:new Holder(handle)|}.Value; // both
                    return n;
                }
                """, Holder),
            FixTestCode.Members("""
                int M(Handle handle)
                {
                    // the total
                    using var handle2 = Api.Open();
                    using var holder = new Holder(handle);
                    var n = handle2.Value + holder.Value; // both
                    return n;
                }
                """, Holder));

    [Fact]
    public Task Discarded_receiver_fix_is_titled_with_the_type_and_the_name() =>
        Verify.VerifyOneFixAsync(
            FixTestCode.Members("""
                int M() => 0;
                int N()
                {
                    return {|OWN003:new Holder(new Handle())|}.Value;
                }
                """, Holder),
            FixTestCode.Members("""
                int M() => 0;
                int N()
                {
                    using var holder = new Holder(new Handle());
                    return holder.Value;
                }
                """, Holder),
            "Dispose the 'Holder' with a using declaration 'holder'");

    /// <summary>A reader that takes ownership of the handle it reads, as <c>BinaryReader</c> does of its stream.</summary>
    private const string Reader = """
        [Owned]
        public sealed class Reader : IDisposable
        {
            [Owned] private Handle _inner;
            public Reader([Transfers] Handle inner) => _inner = inner;
            public int Read() => _inner.Value;
            public void Dispose() => _inner.Dispose();
        }
        """;

    [Fact]
    public Task No_fix_for_a_wrapper_whose_inner_value_is_used_after_it() =>
        // Disposing the reader would dispose the handle the next lines still use (the runtime's resource reader).
        Verify.VerifyNoFixAsync(FixTestCode.Members(
            """
            int M(Handle h, bool header)
            {
                if (header)
                {
                    var r = {|OWN003:new Reader(h)|};
                    if (r.Read() != 0) return 1;
                }

                h.Write(2);
                return 0;
            }
            """,
            Reader));

    [Fact]
    public Task No_fix_for_a_discarded_wrapper_whose_inner_value_is_used_after_it() =>
        // The using declaration would dispose the handle before the finally uses it (Mono.Cecil's
        // new BinaryReader(stream).ReadUInt32() in a try whose finally restores the stream's position).
        Verify.VerifyNoFixAsync(FixTestCode.Members(
            """
            bool M(Handle h)
            {
                try
                {
                    return {|OWN003:new Reader(h)|}.Read() == 1;
                }
                finally
                {
                    h.Write(0);
                }
            }
            """,
            Reader));

    [Fact]
    public Task A_discarded_wrapper_whose_inner_value_is_not_named_again_is_disposed() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members(
                """
                bool M(Handle h)
                {
                    return {|OWN003:new Reader(h)|}.Read() == 1;
                }
                """,
                Reader),
            FixTestCode.Members(
                """
                bool M(Handle h)
                {
                    using var reader = new Reader(h);
                    return reader.Read() == 1;
                }
                """,
                Reader),
            OWN003AddReleaseCodeFix.UsingVarForReceiverKey);

    [Fact]
    public Task A_wrapper_whose_inner_value_is_not_named_again_is_disposed() =>
        Verify.VerifyCodeFixAsync(
            FixTestCode.Members(
                """
                int M(Handle h)
                {
                    var r = {|OWN003:new Reader(h)|};
                    return r.Read();
                }
                """,
                Reader),
            FixTestCode.Members(
                """
                int M(Handle h)
                {
                    using var r = new Reader(h);
                    return r.Read();
                }
                """,
                Reader),
            OWN003AddReleaseCodeFix.UsingVarKey);

    private static string TwoLeaks(string open, string close) => $$"""
        void M()
        {
            var h = {{open}}Api.Open(){{close}};
            h.Write(1);
        }

        void N()
        {
            var g = {{open}}Api.Open(){{close}};
            g.Write(2);
        }
        """;

    private const string TwoLeaksFixed = """
        void M()
        {
            using var h = Api.Open();
            h.Write(1);
        }

        void N()
        {
            using var g = Api.Open();
            g.Write(2);
        }
        """;

    private static string OtherDocument(string open, string close) => $$"""
        using Ownership;

        class D
        {
            void M()
            {
                var h = {{open}}Api.Open(){{close}};
                h.Write(3);
            }
        }
        """;

    private const string OtherDocumentFixed = """
        using Ownership;

        class D
        {
            void M()
            {
                using var h = Api.Open();
                h.Write(3);
            }
        }
        """;
}
