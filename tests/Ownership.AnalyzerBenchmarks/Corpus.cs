using System;
using System.Collections.Generic;
using System.Text;

namespace Ownership.AnalyzerBenchmarks;

/// <summary>One generated source file.</summary>
internal sealed record CorpusFile(string Path, string Text, bool IsOwnershipCode);

/// <summary>
/// Generates the benchmark corpus deterministically (one seed, no clock): about 30% "ownership" files (native memory,
/// HGlobal, ArrayPool, spans over lists, streams and readers, GCHandle) and 70% plain business code with none of them.
/// A few ownership methods carry the bugs real code has (an early return that leaks), so the analyzers also report.
/// </summary>
internal static class Corpus
{
    public const string Usings = """
        using System;
        using System.Buffers;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Runtime.InteropServices;
        using System.Text;
        using System.Threading.Tasks;

        """;

    /// <summary><paramref name="files"/> files; the same count always gives the same text.</summary>
    public static List<CorpusFile> Generate(int files, int seed = 20261121, double ownershipShare = 0.3)
    {
        var random = new Random(seed);
        var result = new List<CorpusFile>(files);
        for (var i = 0; i < files; i++)
        {
            var ownership = random.NextDouble() < ownershipShare;
            var text = ownership ? OwnershipFile(random, i) : BusinessFile(random, i);
            result.Add(new CorpusFile($"Corpus/File{i:D4}.cs", text, ownership));
        }

        return result;
    }

    private static string OwnershipFile(Random random, int index)
    {
        var code = new StringBuilder(Usings);
        code.Append($"namespace Corpus.Interop{index % 17};\n\n");
        var kinds = 2 + random.Next(3);
        for (var k = 0; k < kinds; k++)
        {
            switch (random.Next(6))
            {
                case 0: NativeBuffer(code, random, index, k); break;
                case 1: NativeOps(code, random, index, k); break;
                case 2: Pooling(code, random, index, k); break;
                case 3: ListSpans(code, random, index, k); break;
                case 4: Streams(code, random, index, k); break;
                default: Pinning(code, random, index, k); break;
            }
        }

        // Ownership files hold ordinary code too.
        BusinessService(code, random, index, kinds);
        return code.ToString();
    }

    private static string BusinessFile(Random random, int index)
    {
        var code = new StringBuilder(Usings);
        code.Append($"namespace Corpus.Business{index % 23};\n\n");
        var services = 2 + random.Next(3);
        for (var k = 0; k < services; k++)
        {
            BusinessService(code, random, index, k);
        }

        return code.ToString();
    }

    private static bool Bug(Random random) => random.Next(12) == 0;

    private static void NativeBuffer(StringBuilder code, Random random, int index, int k)
    {
        var name = $"NativeBuffer{index}_{k}";
        code.Append($$"""
            public sealed unsafe class {{name}} : IDisposable
            {
                private byte* data;
                private nuint length;

                public {{name}}(nuint length)
                {
                    data = (byte*)NativeMemory.AllocZeroed(length);
                    this.length = length;
                }

                public nuint Length => length;

                public void Fill(byte value)
                {
                    for (nuint i = 0; i < length; i++)
                    {
                        data[i] = value;
                    }
                }

                public int Checksum()
                {
                    var sum = 0;
                    for (nuint i = 0; i < length; i++)
                    {
                        sum = unchecked(sum * 31 + data[i]);
                    }

                    return sum;
                }

                public void Resize(nuint newLength)
                {
                    data = (byte*)NativeMemory.Realloc(data, newLength);
                    length = newLength;
                }

                public void Dispose()
                {
                    if (data != null)
                    {
                        NativeMemory.Free(data);
                        data = null;
                    }
                }
            }


            """);
    }

    private static void NativeOps(StringBuilder code, Random random, int index, int k)
    {
        var size = 16 << random.Next(6);
        var leak = Bug(random);
        code.Append($$"""
            public static unsafe class NativeOps{{index}}_{{k}}
            {
                public static long SumScratch(int count)
                {
                    var scratch = (int*)NativeMemory.Alloc((nuint)(count * sizeof(int)));
                    try
                    {
                        for (var i = 0; i < count; i++)
                        {
                            scratch[i] = i * {{random.Next(2, 9)}};
                        }

                        long total = 0;
                        for (var i = 0; i < count; i++)
                        {
                            total += scratch[i];
                        }

                        return total;
                    }
                    finally
                    {
                        NativeMemory.Free(scratch);
                    }
                }

                public static int Aligned(int seed)
                {
                    var block = (byte*)NativeMemory.AlignedAlloc({{size}}, 64);
                    for (var i = 0; i < {{size}}; i++)
                    {
                        block[i] = (byte)(seed + i);
                    }

                    int result = block[{{size - 1}}];
                    NativeMemory.AlignedFree(block);
                    return result;
                }

                public static string Roundtrip(string text)
                {
                    var handle = Marshal.StringToHGlobalUni(text);
                    try
                    {
                        return Marshal.PtrToStringUni(handle) ?? string.Empty;
                    }
                    finally
                    {
                        Marshal.FreeHGlobal(handle);
                    }
                }

                public static int HGlobal(int bytes, bool validate)
                {
                    var memory = Marshal.AllocHGlobal(bytes);
                    var span = new Span<byte>((void*)memory, bytes);
                    span.Fill(7);
                    if (validate && span[0] != 7)
                    {
                        {{(leak ? "return -1;" : "Marshal.FreeHGlobal(memory);\n            return -1;")}}
                    }

                    var value = span[bytes - 1];
                    Marshal.FreeHGlobal(memory);
                    return value;
                }

                public static void CopyAll(byte[] source, byte[] target)
                {
                    var temp = (byte*)NativeMemory.Alloc((nuint)source.Length);
                    for (var i = 0; i < source.Length; i++)
                    {
                        temp[i] = source[i];
                    }

                    for (var i = 0; i < source.Length && i < target.Length; i++)
                    {
                        target[i] = temp[i];
                    }

                    NativeMemory.Free(temp);
                }
            }


            """);
    }

    private static void Pooling(StringBuilder code, Random random, int index, int k)
    {
        var leak = Bug(random);
        code.Append($$"""
            public static class Pooling{{index}}_{{k}}
            {
                public static int CountLines(string text)
                {
                    var buffer = ArrayPool<char>.Shared.Rent(text.Length);
                    try
                    {
                        text.CopyTo(0, buffer, 0, text.Length);
                        var lines = 1;
                        for (var i = 0; i < text.Length; i++)
                        {
                            if (buffer[i] == '\n')
                            {
                                lines++;
                            }
                        }

                        return lines;
                    }
                    finally
                    {
                        ArrayPool<char>.Shared.Return(buffer);
                    }
                }

                public static byte[] Encode(string text)
                {
                    var pool = ArrayPool<byte>.Shared;
                    var rented = pool.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
                    var written = Encoding.UTF8.GetBytes(text, 0, text.Length, rented, 0);
                    if (written == 0)
                    {
                        {{(leak ? "return Array.Empty<byte>();" : "pool.Return(rented);\n            return Array.Empty<byte>();")}}
                    }

                    var result = rented.AsSpan(0, written).ToArray();
                    pool.Return(rented, clearArray: true);
                    return result;
                }

                public static double Average(IReadOnlyList<double> values)
                {
                    var scratch = ArrayPool<double>.Shared.Rent(values.Count);
                    double sum = 0;
                    for (var i = 0; i < values.Count; i++)
                    {
                        scratch[i] = values[i] * {{random.Next(1, 5)}};
                        sum += scratch[i];
                    }

                    ArrayPool<double>.Shared.Return(scratch);
                    return values.Count == 0 ? 0 : sum / values.Count;
                }
            }


            """);
    }

    private static void ListSpans(StringBuilder code, Random random, int index, int k)
    {
        code.Append($$"""
            public sealed class Inventory{{index}}_{{k}}
            {
                private readonly List<int> quantities = new List<int>();
                private readonly Dictionary<string, int> positions = new Dictionary<string, int>();

                public void Add(string sku, int quantity)
                {
                    positions[sku] = quantities.Count;
                    quantities.Add(quantity);
                }

                public int Total()
                {
                    var total = 0;
                    foreach (var quantity in CollectionsMarshal.AsSpan(quantities))
                    {
                        total += quantity;
                    }

                    return total;
                }

                public void Scale(int factor)
                {
                    var span = CollectionsMarshal.AsSpan(quantities);
                    for (var i = 0; i < span.Length; i++)
                    {
                        span[i] *= factor;
                    }

                    quantities.Add({{random.Next(100)}});
                }

                public int Restock(string sku, int amount)
                {
                    ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(positions, sku, out var existed);
                    if (!existed)
                    {
                        slot = quantities.Count;
                        quantities.Add(0);
                    }

                    var span = CollectionsMarshal.AsSpan(quantities);
                    span[slot] += amount;
                    return span[slot];
                }
            }


            """);
    }

    private static void Streams(StringBuilder code, Random random, int index, int k)
    {
        var leak = Bug(random);
        code.Append($$"""
            public sealed class LogStore{{index}}_{{k}} : IDisposable
            {
                private readonly Stream stream;
                private readonly StreamWriter writer;

                public LogStore{{index}}_{{k}}(string path)
                {
                    stream = new FileStream(path, FileMode.Append, FileAccess.Write);
                    writer = new StreamWriter(stream);
                }

                public void Write(string line) => writer.WriteLine(line);

                public static string ReadFirst(string path)
                {
                    using var reader = new StreamReader(path);
                    return reader.ReadLine() ?? string.Empty;
                }

                public static int CountBytes(string path)
                {
                    var file = File.OpenRead(path);
                    var count = 0;
                    while (file.ReadByte() >= 0)
                    {
                        count++;
                    }

                    {{(leak ? "" : "file.Dispose();")}}
                    return count;
                }

                public static byte[] Compress(byte[] data)
                {
                    using (var memory = new MemoryStream())
                    {
                        using (var writer = new BinaryWriter(memory))
                        {
                            writer.Write(data.Length);
                            writer.Write(data);
                        }

                        return memory.ToArray();
                    }
                }

                public static StreamReader Open(string path) => new StreamReader(path);

                public void Dispose()
                {
                    writer.Dispose();
                    stream.Dispose();
                }
            }


            """);
    }

    private static void Pinning(StringBuilder code, Random random, int index, int k)
    {
        code.Append($$"""
            public static unsafe class Pinning{{index}}_{{k}}
            {
                public static long Sum(int[] values)
                {
                    var handle = GCHandle.Alloc(values, GCHandleType.Pinned);
                    try
                    {
                        var pointer = (int*)handle.AddrOfPinnedObject();
                        long sum = 0;
                        for (var i = 0; i < values.Length; i++)
                        {
                            sum += pointer[i];
                        }

                        return sum;
                    }
                    finally
                    {
                        handle.Free();
                    }
                }

                public static int First(byte[] bytes)
                {
                    fixed (byte* pointer = bytes)
                    {
                        return bytes.Length == 0 ? -1 : pointer[{{random.Next(1)}}];
                    }
                }

                public static IntPtr Keep(object target)
                {
                    var handle = GCHandle.Alloc(target);
                    var pointer = GCHandle.ToIntPtr(handle);
                    return pointer;
                }
            }


            """);
    }

    private static readonly string[] Nouns = { "Order", "Customer", "Invoice", "Shipment", "Product", "Account", "Payment", "Ticket", "Employee", "Contract" };

    private static void BusinessService(StringBuilder code, Random random, int index, int k)
    {
        var noun = Nouns[random.Next(Nouns.Length)];
        var type = $"{noun}{index}_{k}";
        var threshold = random.Next(10, 500);
        code.Append($$"""
            public sealed record {{type}}(int Id, string Name, decimal Amount, DateTime CreatedAt, string Region);

            public sealed class {{type}}Service
            {
                private readonly Dictionary<int, {{type}}> byId = new Dictionary<int, {{type}}>();
                private readonly List<string> audit = new List<string>();

                public int Count => byId.Count;

                public void Upsert({{type}} item)
                {
                    if (item is null)
                    {
                        throw new ArgumentNullException(nameof(item));
                    }

                    if (string.IsNullOrWhiteSpace(item.Name))
                    {
                        throw new ArgumentException("A name is required.", nameof(item));
                    }

                    byId[item.Id] = item;
                    audit.Add($"upsert {item.Id} {item.Name} at {item.CreatedAt:O}");
                }

                public {{type}}? Find(int id) => byId.TryGetValue(id, out var found) ? found : null;

                public IReadOnlyList<{{type}}> Large() =>
                    byId.Values.Where(x => x.Amount > {{threshold}}m).OrderByDescending(x => x.Amount).ThenBy(x => x.Name).ToList();

                public Dictionary<string, decimal> TotalsByRegion()
                {
                    var totals = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
                    foreach (var item in byId.Values)
                    {
                        totals.TryGetValue(item.Region, out var sum);
                        totals[item.Region] = sum + item.Amount;
                    }

                    return totals;
                }

                public string Classify({{type}} item) => item.Amount switch
                {
                    < 0 => "refund",
                    0 => "empty",
                    < {{threshold}} => "small",
                    < {{threshold * 10}} => "medium",
                    _ => "large",
                };

                public decimal Discount({{type}} item, int loyaltyYears)
                {
                    var rate = 0m;
                    if (loyaltyYears > 5)
                    {
                        rate += 0.05m;
                    }
                    else if (loyaltyYears > 2)
                    {
                        rate += 0.02m;
                    }

                    for (var i = 0; i < loyaltyYears && rate < 0.2m; i++)
                    {
                        rate += item.Region.Length % 2 == 0 ? 0.01m : 0.005m;
                    }

                    return Math.Round(item.Amount * rate, 2);
                }

                public async Task<int> ImportAsync(IEnumerable<string> lines)
                {
                    var imported = 0;
                    foreach (var line in lines)
                    {
                        var parts = line.Split(';');
                        if (parts.Length < 4 || !int.TryParse(parts[0], out var id) || !decimal.TryParse(parts[2], out var amount))
                        {
                            audit.Add("skipped: " + line);
                            continue;
                        }

                        Upsert(new {{type}}(id, parts[1].Trim(), amount, DateTime.UnixEpoch.AddDays(id), parts[3]));
                        imported++;
                        if (imported % 100 == 0)
                        {
                            await Task.Yield();
                        }
                    }

                    return imported;
                }

                public string Report()
                {
                    var text = new StringBuilder();
                    foreach (var group in byId.Values.GroupBy(x => x.Region).OrderBy(g => g.Key))
                    {
                        text.Append(group.Key).Append(": ").Append(group.Count()).Append(" items, ").Append(group.Sum(x => x.Amount)).AppendLine();
                    }

                    return text.ToString();
                }
            }


            """);
    }

    /// <summary>
    /// One method of about <paramref name="lines"/> lines with nesting up to <paramref name="depth"/> and
    /// <paramref name="tracked"/> owned values (native blocks, HGlobal blocks, pooled arrays), all released at its end.
    /// </summary>
    public static string HugeMethod(int lines, int depth, int tracked, int seed = 3000)
    {
        var random = new Random(seed);
        var code = new StringBuilder(Usings);
        code.Append("namespace Corpus.Huge;\n\npublic static unsafe class HugeMethod\n{\n    public static long Run(int n, bool[] flags)\n    {\n        long acc = 0;\n");
        var values = new List<(string Name, string Kind)>();
        for (var i = 0; i < tracked; i++)
        {
            switch (i % 3)
            {
                case 0:
                    values.Add(($"native{i}", "native"));
                    code.Append($"        var native{i} = (byte*)NativeMemory.Alloc(64);\n");
                    break;
                case 1:
                    values.Add(($"pooled{i}", "pool"));
                    code.Append($"        var pooled{i} = ArrayPool<int>.Shared.Rent(64);\n");
                    break;
                default:
                    values.Add(($"global{i}", "hglobal"));
                    code.Append($"        var global{i} = Marshal.AllocHGlobal(64);\n");
                    break;
            }
        }

        var written = 0;
        var flag = 0;
        void Statements(int level, int budget)
        {
            var indent = new string(' ', 8 + level * 4);
            while (budget > 0)
            {
                var (name, kind) = values[random.Next(values.Count)];
                var choice = level < depth ? random.Next(10) : random.Next(4);
                var f = flag++ % 64;
                switch (choice)
                {
                    case 0:
                    case 1:
                    case 2:
                        code.Append(indent).Append(Use(name, kind, random)).Append('\n');
                        budget -= 1;
                        written += 1;
                        break;
                    case 3:
                        if (kind == "native")
                        {
                            // Replace a block: release, then acquire again (a reassignment the flow must follow).
                            code.Append(indent).Append($"if (flags[{f}]) {{ NativeMemory.Free({name}); {name} = (byte*)NativeMemory.Alloc(32); }}\n");
                        }
                        else
                        {
                            code.Append(indent).Append($"acc += n * {random.Next(1, 100)};\n");
                        }

                        budget -= 1;
                        written += 1;
                        break;
                    case 4:
                    case 5:
                    {
                        var inner = Math.Min(budget - 4, 4 + random.Next(30));
                        if (inner < 2)
                        {
                            goto case 0;
                        }

                        code.Append(indent).Append($"if (flags[{f}])\n").Append(indent).Append("{\n");
                        Statements(level + 1, inner / 2);
                        code.Append(indent).Append("}\n").Append(indent).Append("else\n").Append(indent).Append("{\n");
                        Statements(level + 1, inner - inner / 2);
                        code.Append(indent).Append("}\n");
                        budget -= inner + 6;
                        written += 6;
                        break;
                    }
                    case 6:
                    case 7:
                    {
                        var inner = Math.Min(budget - 3, 3 + random.Next(25));
                        if (inner < 1)
                        {
                            goto case 0;
                        }

                        var variable = $"i{level}";
                        code.Append(indent).Append($"for (var {variable} = 0; {variable} < n; {variable}++)\n").Append(indent).Append("{\n");
                        Statements(level + 1, inner);
                        code.Append(indent).Append("}\n");
                        budget -= inner + 3;
                        written += 3;
                        break;
                    }
                    case 8:
                    {
                        var inner = Math.Min(budget - 6, 3 + random.Next(20));
                        if (inner < 1)
                        {
                            goto case 0;
                        }

                        code.Append(indent).Append("try\n").Append(indent).Append("{\n");
                        Statements(level + 1, inner);
                        code.Append(indent).Append("}\n").Append(indent).Append("finally\n").Append(indent).Append("{\n");
                        code.Append(indent).Append($"    acc ^= {random.Next(1000)};\n");
                        code.Append(indent).Append("}\n");
                        budget -= inner + 7;
                        written += 7;
                        break;
                    }
                    default:
                    {
                        var inner = Math.Min(budget - 4, 3 + random.Next(20));
                        if (inner < 1)
                        {
                            goto case 0;
                        }

                        code.Append(indent).Append($"while (acc < {random.Next(10, 10000)} && flags[{f}])\n").Append(indent).Append("{\n");
                        code.Append(indent).Append("    acc++;\n");
                        Statements(level + 1, inner);
                        code.Append(indent).Append("}\n");
                        budget -= inner + 4;
                        written += 4;
                        break;
                    }
                }
            }
        }

        Statements(0, lines - 2 * tracked - 10);
        foreach (var (name, kind) in values)
        {
            code.Append(kind switch
            {
                "native" => $"        NativeMemory.Free({name});\n",
                "pool" => $"        ArrayPool<int>.Shared.Return({name});\n",
                _ => $"        Marshal.FreeHGlobal({name});\n",
            });
        }

        code.Append("        return acc;\n    }\n}\n");
        return code.ToString();
    }

    private static string Use(string name, string kind, Random random)
    {
        var offset = random.Next(64);
        return kind switch
        {
            "native" => random.Next(2) == 0 ? $"{name}[{offset}] = (byte)(acc + {offset});" : $"acc += {name}[{offset}];",
            "pool" => random.Next(2) == 0 ? $"{name}[{offset}] = (int)acc;" : $"acc += {name}[{offset}] * {random.Next(1, 9)};",
            _ => random.Next(2) == 0 ? $"Marshal.WriteByte({name}, {offset}, (byte)acc);" : $"acc += Marshal.ReadByte({name}, {offset});",
        };
    }
}
