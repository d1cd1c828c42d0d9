using System.Threading.Tasks;
using Ownership.Analyzers.Rules;
using Ownership.Analyzers.Tests.Verification;
using Xunit;

namespace Ownership.Analyzers.Tests.Rules;

/// <summary>IDisposable: declared ownership by default, every <c>new</c> with ownership_track_all_disposables, JetBrains' attributes honoured.</summary>
public class DisposableModeTests
{
    private const string TrackAll = "ownership_track_all_disposables = true";

    private const string JetBrains = """
        namespace JetBrains.Annotations
        {
            [System.AttributeUsage(System.AttributeTargets.All)]
            public sealed class MustDisposeResourceAttribute : System.Attribute
            {
                public MustDisposeResourceAttribute() { }
                public MustDisposeResourceAttribute(bool value) { }
            }

            [System.AttributeUsage(System.AttributeTargets.All)]
            public sealed class HandlesResourceDisposalAttribute : System.Attribute { }
        }

        public sealed class Connection : System.IDisposable
        {
            [JetBrains.Annotations.MustDisposeResource] public static Connection Open() => new Connection();
            public void Dispose() { }
        }

        [JetBrains.Annotations.MustDisposeResource]
        public sealed class Lease : System.IDisposable
        {
            public void Dispose() { }
        }

        public static class Cleanup
        {
            public static void Close([JetBrains.Annotations.HandlesResourceDisposal] System.IDisposable resource) => resource.Dispose();
        }

        """;

    [Fact]
    public Task Default_mode_does_not_track_undeclared_disposables()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
            void M()
            {
                var stream = new MemoryStream();
                stream.WriteByte(1);
            }
            """));
    }

    [Fact]
    public Task Track_all_reports_an_undisposed_new()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void M()
                {
                    var stream = {|OWN003:new MemoryStream()|};
                    stream.WriteByte(1);
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_reports_use_after_dispose()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void M()
                {
                    var stream = new MemoryStream();
                    stream.Dispose();
                    {|OWN001:stream|}.WriteByte(1);
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_takes_the_bytes_of_a_closed_memory_stream()
    {
        // MemoryStream.ToArray, GetBuffer and TryGetBuffer work on a closed stream (FASTER's recovery infos write through a BinaryWriter
        // that disposes the stream, then take the bytes; BouncyCastle's DefiniteLengthInputStream copies into a
        // MemoryStream subclass under using, then takes its buffer); any other member after that is a use.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                sealed class LimitedMemoryStream : MemoryStream
                {
                    public LimitedMemoryStream(int capacity) : base(capacity) { }
                }
                public byte[] Copy(Stream source, int length)
                {
                    var buffer = new LimitedMemoryStream(length);
                    using (buffer)
                    {
                        source.CopyTo(buffer);
                    }
                    return buffer.GetBuffer();
                }
                public byte[] ToByteArray(long value)
                {
                    using var memoryStream = new MemoryStream();
                    using (var writer = new BinaryWriter(memoryStream))
                    {
                        writer.Write(value);
                    }
                    return memoryStream.ToArray();
                }
                public ArraySegment<byte> ToSegment(long value)
                {
                    using var memoryStream = new MemoryStream();
                    using (var writer = new BinaryWriter(memoryStream))
                    {
                        writer.Write(value);
                    }
                    return memoryStream.TryGetBuffer(out var written) ? written : new ArraySegment<byte>(memoryStream.ToArray());
                }
                public long Length(long value)
                {
                    using var memoryStream = new MemoryStream();
                    using (var writer = new BinaryWriter(memoryStream))
                    {
                        writer.Write(value);
                    }
                    return {|OWN001:memoryStream|}.Seek(0, SeekOrigin.End);
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_is_silent_for_using_and_for_tasks()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void M()
                {
                    using var stream = new MemoryStream();
                    stream.WriteByte(1);
                    var task = new Task(() => { });
                    task.Start();
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_an_enumerator_returned_is_the_foreach_s_to_dispose()
    {
        // GetEnumerator and the enumerators a method hands out (EnumerateRunes, Split in System.Private.CoreLib) are
        // disposed by the foreach that asks for them; a factory of any other disposable still says so or is reported.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                public struct Enumerator : IDisposable
                {
                    public int Current => 0;
                    public bool MoveNext() => false;
                    public void Dispose() { }
                }

                public Enumerator GetEnumerator() => new Enumerator();

                public Enumerator EnumerateParts() { return new Enumerator(); }

                public Stream OpenLog()
                {
                    return {|OWN011:new MemoryStream()|};
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_treats_wrappers_as_taking_the_stream()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                string Read(byte[] data)
                {
                    var stream = new MemoryStream(data);
                    using var reader = new StreamReader(stream);
                    return reader.ReadToEnd();
                }

                void Write(byte[] data)
                {
                    var stream = new MemoryStream(data);
                    using var writer = new BinaryWriter(stream);
                    writer.Write(1);
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_a_wrapped_stream_is_usable_until_the_wrapper_is_released()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                byte[] Written()
                {
                    var stream = new MemoryStream();
                    var writer = new StreamWriter(stream);
                    writer.Write("x");
                    writer.Flush();
                    stream.Position = 0;
                    var bytes = stream.ToArray();
                    writer.Dispose();
                    return bytes;
                }

                long AfterDispose()
                {
                    var stream = new MemoryStream();
                    var writer = new StreamWriter(stream);
                    writer.Write("x");
                    writer.Dispose();
                    return {|OWN001:stream|}.Length;
                }

                long AfterUsing()
                {
                    var stream = new MemoryStream();
                    using (var writer = new StreamWriter(stream))
                    {
                        writer.Write("x");
                    }

                    return {|OWN001:stream|}.Length;
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_a_fluent_call_may_return_its_receiver()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                public sealed class Scope : IDisposable
                {
                    public Scope Start() => this;
                    public IDisposable Run() => this;
                    public Task<Scope> OpenAsync() => Task.FromResult(this);
                    public object Box() => this;
                    public int Depth() => 0;
                    public void OnNext(int value) { }
                    public void Dispose() { }
                }

                void Fluent()
                {
                    var scope = new Scope().Start();
                    scope.Dispose();
                }

                // An interface the receiver implements, or a task of its type (RabbitMQ's new Channel(…).OpenAsync(…), Rx's
                // new AsyncInvocation().Run(…)), may be the receiver too; so may a method group's delegate keep it.
                IDisposable Started() => new Scope().Run();
                Task<Scope> Opened() => new Scope().OpenAsync();
                Action<int> Observer() => new Scope().OnNext;

                int Forgotten()
                {
                    var scope = {|OWN003:new Scope()|};
                    return scope.Depth();
                }

                // object says nothing about the result, and a call (not a method group) keeps nothing.
                object Boxed() => {|OWN003:new Scope()|}.Box();
                void Called() => {|OWN003:new Scope()|}.OnNext(1);
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_close_releases_as_dispose_does()
    {
        // Stream.Close() is Dispose() by another name (PdfSharp's PdfReader.TestPdfFile closes its FileStream in a finally);
        // a use after it is a use after release, and a closed StringWriter still gives what was written to it.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                static int Version(string path)
                {
                    FileStream? fileStream = null;
                    try
                    {
                        if (File.Exists(path))
                        {
                            fileStream = new FileStream(path, FileMode.Open);
                            return fileStream.ReadByte();
                        }
                    }
                    catch
                    {
                    }
                    finally
                    {
                        try { fileStream?.Close(); }
                        catch { }
                    }
                    return 0;
                }

                static string Text(int value)
                {
                    var writer = new StringWriter();
                    writer.Write(value);
                    writer.Close();
                    return writer.ToString();
                }

                static int Closed(string path)
                {
                    var stream = new FileStream(path, FileMode.Open);
                    stream.Close();
                    return {|OWN001:stream|}.ReadByte();
                }

                static int Open(string path)
                {
                    var stream = {|OWN003:new FileStream(path, FileMode.Open)|};
                    return stream.ReadByte();
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_yield_return_hands_the_element_to_the_consumer()
    {
        // Microsoft.Data.Analysis's ToArrowRecordBatches: yield return new RecordBatch(…) in a loop. What is disposed before
        // it is yielded, or never yielded, is still reported.
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                IEnumerable<MemoryStream> Batches(int count)
                {
                    int done = 0;
                    do
                    {
                        done++;
                        yield return new MemoryStream();
                    }
                    while (done < count);
                }

                IEnumerable<MemoryStream> Closed()
                {
                    var stream = new MemoryStream();
                    stream.Dispose();
                    yield return {|OWN001:stream|};
                }

                IEnumerable<int> Lengths()
                {
                    var stream = {|OWN003:new MemoryStream()|};
                    yield return (int)stream.Length;
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_a_catch_handler_starts_after_the_using_blocks_the_exception_left()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                void Disposed(Stream source)
                {
                    while (source.CanRead)
                    {
                        try
                        {
                            using (var writer = new StringWriter())
                            {
                                writer.Write(source.ReadByte());
                            }
                        }
                        catch (IOException)
                        {
                            return;
                        }
                    }
                }

                int Leaks(Stream source)
                {
                    var writer = {|OWN003:new StringWriter()|};
                    try
                    {
                        writer.Write(source.ReadByte());
                        writer.Dispose();
                        return 1;
                    }
                    catch (IOException)
                    {
                        return 0;
                    }
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_leave_open_keeps_the_stream_with_the_caller()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("""
                string Leaks(byte[] data)
                {
                    var stream = {|OWN003:new MemoryStream(data)|};
                    using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 1024, leaveOpen: true);
                    return reader.ReadToEnd();
                }

                string Disposes(byte[] data)
                {
                    using var stream = new MemoryStream(data);
                    using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 1024, leaveOpen: true);
                    return reader.ReadToEnd();
                }
                """),
            EditorConfig = TrackAll,
        });
    }

    [Fact]
    public Task Track_all_can_be_turned_off_per_file_section()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
        {
            Source = TestCode.Members("void M() { var stream = new MemoryStream(); stream.WriteByte(1); }"),
            EditorConfig = "ownership_track_all_disposables = false",
        });
    }

    [Fact]
    public Task Declared_wrappers_take_an_owned_stream_in_default_mode()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members("""
            [return: Owned] Stream Open() => new MemoryStream();

            string Read()
            {
                var stream = Open();
                var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }

            string Forgets()
            {
                var stream = {|OWN003:Open()|};
                return stream.Length.ToString();
            }
            """));
    }

    [Fact]
    public Task JetBrains_must_dispose_resource_is_honoured_by_full_name()
    {
        return AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Prelude + JetBrains + """
            public sealed class C
            {
                void FromMethod() { var c = {|OWN003:Connection.Open()|}; }
                void FromType() { var l = {|OWN003:new Lease()|}; }
                void Disposed() { using var c = Connection.Open(); using var l = new Lease(); }
                void Handled() { var c = Connection.Open(); Cleanup.Close(c); }
                void UseAfterHandled() { var c = Connection.Open(); Cleanup.Close(c); _ = {|OWN001:c|}.ToString(); }
            }
            """);
    }

    [Fact]
    public Task Leaks_on_exception_paths_are_off_by_default_and_on_with_the_option()
    {
        const string Source = """
            void M(Stream stream)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
                stream.Read(buffer, 0, 64);
                ArrayPool<byte>.Shared.Return(buffer);
            }
            """;
        return Task.WhenAll(
            AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(TestCode.Members(Source)),
            AnalyzerVerifier<FlowAnalyzer>.VerifyAsync(new AnalyzerTest
            {
                Source = TestCode.Members(Source.Replace("ArrayPool<byte>.Shared.Rent(64)", "{|OWN003:ArrayPool<byte>.Shared.Rent(64)|}")),
                EditorConfig = "ownership_leaks_on_exception_paths = true",
            }));
    }
}
