using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace RandCond.Tests.Malformed;

/// <summary>
/// Bad safetensors files: a u64 little-endian header length, a JSON header ({name: {dtype, shape, data_offsets}} and
/// "__metadata__"), then the bytes. Broken framing, JSON, entries and UTF-8 in a small file, and truncations and metadata
/// that make no teacher in a copy of a committed teacher.
/// </summary>
public static class SafetensorsCases
{
    public const string Family = "safetensors";

    private const string Tensors = """
        "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "b": {"dtype": "F16", "shape": [3], "data_offsets": [16, 22]}
        """;

    public static IEnumerable<MalformedCase> All(byte[] teacher) => Framing().Concat(Headers()).Concat(Entries()).Concat(Teacher(teacher));

    /// <summary>A file with the header length written as the header's byte count.</summary>
    public static byte[] File(string header, int dataBytes = 22) => Framed((ulong)Encoding.UTF8.GetByteCount(header), Encoding.UTF8.GetBytes(header), new byte[dataBytes]);

    private static byte[] Framed(ulong declared, byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declared);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private static MalformedCase Case(string name, byte[] bytes) => new(Family, name, bytes, "teacher.safetensors");

    private static IEnumerable<MalformedCase> Framing()
    {
        var header = Encoding.UTF8.GetBytes("{" + Tensors + "}");
        var data = new byte[22];
        yield return Case("empty file", []);
        foreach (int n in new[] { 1, 4, 7 }) yield return Case($"{n} bytes, shorter than the length prefix", new byte[n]);
        yield return Case("length prefix only", Framed(0, [], []));
        yield return Case("header length 0 with data", Framed(0, [], data));
        yield return Case("header length 1", Framed(1, header, data));
        yield return Case("header length one short", Framed((ulong)header.Length - 1, header, data));
        yield return Case("header length past the file", Framed((ulong)(header.Length + data.Length + 1), header, data));
        yield return Case("header length 2^32", Framed(1UL << 32, header, data));
        yield return Case("header length 2^63", Framed(1UL << 63, header, data));
        yield return Case("header length 2^64-1", Framed(ulong.MaxValue, header, data));
        yield return Case("header length 2^64-8 (overflows with the prefix)", Framed(ulong.MaxValue - 7, header, data));
        yield return Case("header length 100 MB in a small file", Framed(100_000_000, header, data));
        var whole = Framed((ulong)header.Length, header, data);
        foreach (int cut in new[] { 9, 20, header.Length / 2, header.Length + 7, header.Length + 8 + 10, whole.Length - 1 })
            yield return Case($"truncated to {cut} of {whole.Length} bytes", whole[..cut]);
        yield return Case("random bytes", Random(4096, 1));
        yield return Case("random bytes after a plausible prefix", Framed(64, Random(64, 2), Random(64, 3)));
        yield return Case("a zip file", [0x50, 0x4b, 0x03, 0x04, .. new byte[60]]);
        yield return Case("gzip magic", [0x1f, 0x8b, 0x08, 0x00, .. new byte[60]]);
    }

    private static IEnumerable<MalformedCase> Headers()
    {
        foreach (var (name, header) in new[]
        {
            ("header not JSON", "not json at all"),
            ("header truncated JSON", "{\"a\": {\"dtype\": \"F32\""),
            ("header JSON array", "[1, 2, 3]"),
            ("header JSON string", "\"tensors\""),
            ("header JSON number", "12345"),
            ("header JSON null", "null"),
            ("header empty object braces broken", "{{}}"),
            ("header trailing garbage", "{" + Tensors + "} trailing"),
            ("header trailing comma", "{" + Tensors + ",}"),
            ("header single quotes", "{'a': {'dtype': 'F32', 'shape': [1], 'data_offsets': [0, 4]}}"),
            ("header with a NUL", "{\"a\u0000\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}"),
            ("header nested 10000 deep", new string('[', 10000) + new string(']', 10000)),
            ("duplicate tensor name", "{" + Tensors + ", \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}"),
            ("duplicate __metadata__", "{\"__metadata__\": {\"x\": \"1\"}, \"__metadata__\": {\"y\": \"2\"}, " + Tensors + "}"),
            ("metadata not an object", "{\"__metadata__\": [1], " + Tensors + "}"),
            ("metadata value a number", "{\"__metadata__\": {\"preset\": 5}, " + Tensors + "}"),
            ("metadata value an object", "{\"__metadata__\": {\"preset\": {\"x\": 1}}, " + Tensors + "}"),
            ("metadata value null", "{\"__metadata__\": {\"preset\": null}, " + Tensors + "}"),
            ("lone surrogate escape in a name", "{\"\\ud800\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}"),
            ("lone surrogate escape in metadata", "{\"__metadata__\": {\"preset\": \"\\udfff\"}, " + Tensors + "}"),
            ("empty tensor name", "{\"\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}"),
        })
            yield return Case(name, File(header));

        var valid = Encoding.UTF8.GetBytes("{\"ab\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}");
        int nameAt = Array.IndexOf(valid, (byte)'a');
        foreach (var (name, bad) in new (string, byte[])[]
        {
            ("invalid UTF-8 byte 0xFF in a name", [0xFF]),
            ("UTF-8 continuation byte alone in a name", [0x80]),
            ("overlong UTF-8 encoding of '/' in a name", [0xC0, 0xAF]),
            ("UTF-8 sequence cut short in a name", [0xE2, 0x82]),
            ("UTF-8 encoded surrogate in a name", [0xED, 0xA0, 0x80]),
        })
        {
            var header = valid[..nameAt].Concat(bad).Concat(valid[(nameAt + 1)..]).ToArray();
            yield return Case(name, Framed((ulong)header.Length, header, new byte[4]));
        }
        var bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(valid).ToArray();
        yield return Case("byte-order mark before the header", Framed((ulong)bom.Length, bom, new byte[4]));
    }

    private static IEnumerable<MalformedCase> Entries()
    {
        static string One(string entry) => "{\"x\": " + entry + "}";
        foreach (var (name, entry, dataBytes) in new (string, string, int)[]
        {
            ("entry a number", "5", 4),
            ("entry an array", "[0, 4]", 4),
            ("entry null", "null", 4),
            ("dtype unknown", """{"dtype": "F33", "shape": [1], "data_offsets": [0, 4]}""", 4),
            ("dtype empty", """{"dtype": "", "shape": [1], "data_offsets": [0, 4]}""", 4),
            ("dtype lower case", """{"dtype": "f32", "shape": [1], "data_offsets": [0, 4]}""", 4),
            ("dtype a number", """{"dtype": 7, "shape": [1], "data_offsets": [0, 4]}""", 4),
            ("dtype null", """{"dtype": null, "shape": [1], "data_offsets": [0, 4]}""", 4),
            ("dtype missing", """{"shape": [1], "data_offsets": [0, 4]}""", 4),
            ("shape missing", """{"dtype": "F32", "data_offsets": [0, 4]}""", 4),
            ("shape a number", """{"dtype": "F32", "shape": 1, "data_offsets": [0, 4]}""", 4),
            ("shape a string", """{"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}""", 4),
            ("shape with a negative dimension", """{"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}""", 4),
            ("shape with a fractional dimension", """{"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}""", 4),
            ("shape with a string dimension", """{"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}""", 4),
            ("shape with a null dimension", """{"dtype": "F32", "shape": [null], "data_offsets": [0, 4]}""", 4),
            ("shape dimension 2^64", """{"dtype": "F32", "shape": [18446744073709551616], "data_offsets": [0, 4]}""", 4),
            ("shape dimension 2^63", """{"dtype": "F32", "shape": [9223372036854775808], "data_offsets": [0, 4]}""", 4),
            ("shape product overflows 64 bits", """{"dtype": "F32", "shape": [4294967296, 4294967296, 16], "data_offsets": [0, 4]}""", 4),
            ("shape product times dtype size overflows", """{"dtype": "F64", "shape": [2305843009213693952, 2], "data_offsets": [0, 4]}""", 4),
            ("shape 1000 dimensions", """{"dtype": "F32", "shape": [""" + string.Join(",", Enumerable.Repeat("1", 1000)) + """], "data_offsets": [0, 4]}""", 4),
            ("shape larger than its bytes", """{"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}""", 4),
            ("shape smaller than its bytes", """{"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}""", 8),
            ("data_offsets missing", """{"dtype": "F32", "shape": [1]}""", 4),
            ("data_offsets reversed", """{"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}""", 4),
            ("data_offsets past the data", """{"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}""", 4),
            ("data_offsets negative", """{"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}""", 4),
            ("data_offsets fractional", """{"dtype": "F32", "shape": [1], "data_offsets": [0.5, 4.5]}""", 5),
            ("data_offsets strings", """{"dtype": "F32", "shape": [1], "data_offsets": ["0", "4"]}""", 4),
            ("data_offsets one number", """{"dtype": "F32", "shape": [1], "data_offsets": [0]}""", 4),
            ("data_offsets three numbers", """{"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}""", 8),
            ("data_offsets an object", """{"dtype": "F32", "shape": [1], "data_offsets": {"begin": 0, "end": 4}}""", 4),
            ("data_offsets 2^64", """{"dtype": "F32", "shape": [1], "data_offsets": [18446744073709551612, 18446744073709551616]}""", 4),
            ("data_offsets near 2^64 (wrap around)", """{"dtype": "F32", "shape": [1], "data_offsets": [18446744073709551612, 0]}""", 4),
            ("data_offsets near 2^63", """{"dtype": "F32", "shape": [1], "data_offsets": [9223372036854775804, 9223372036854775808]}""", 4),
        })
            yield return Case(name, File(One(entry), dataBytes));

        foreach (var (name, header, dataBytes) in new (string, string, int)[]
        {
            ("overlapping tensors", """{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}""", 12),
            ("a gap between tensors", """{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}""", 12),
            ("bytes left over after the last tensor", """{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 12),
            ("two tensors on the same bytes", """{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 4),
        })
            yield return Case(name, File(header, dataBytes));
    }

    /// <summary>A committed teacher with its framing or metadata broken, and truncated at several points.</summary>
    private static IEnumerable<MalformedCase> Teacher(byte[] teacher)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(teacher);
        int dataStart = 8 + (int)headerLength;
        var header = JsonNode.Parse(teacher.AsSpan(8, (int)headerLength))!.AsObject();
        var data = teacher[dataStart..];
        foreach (double fraction in new[] { 0.0001, 0.5, 0.9, 0.999 })
        {
            int cut = Math.Max(9, (int)(teacher.Length * fraction));
            yield return Case($"teacher truncated to {fraction:P2}", teacher[..cut]);
        }
        yield return Case("teacher cut inside its header", teacher[..(dataStart - 3)]);
        yield return Case("teacher missing its last byte", teacher[..^1]);
        var longer = (byte[])teacher.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(longer, headerLength + 1);
        yield return Case("teacher header length one too long", longer);

        byte[] With(Action<JsonObject> change)
        {
            var copy = JsonNode.Parse(header.ToJsonString())!.AsObject();
            change(copy);
            return Reframe(copy, data);
        }
        JsonObject Meta(JsonObject h) => h["__metadata__"]!.AsObject();
        var firstTensor = header.First(kv => kv.Key != "__metadata__").Key;
        var lastTensor = header.Last(kv => kv.Key != "__metadata__").Key;
        foreach (var key in new[] { "preset", "dataset", "vocabulary" })
            yield return Case($"teacher metadata lacks {key}", With(h => Meta(h).Remove(key)));
        yield return Case("teacher metadata without __metadata__", With(h => h.Remove("__metadata__")));
        yield return Case("teacher preset unknown", With(h => Meta(h)["preset"] = "giant-teacher"));
        yield return Case("teacher dataset unknown", With(h => Meta(h)["dataset"] = "cifar-10"));
        yield return Case("teacher conditioning contradicts its preset", With(h => Meta(h)["conditioning"] = "label"));
        yield return Case("teacher vocabulary empty", With(h => Meta(h)["vocabulary"] = ""));
        yield return Case("teacher vocabulary one word", With(h => Meta(h)["vocabulary"] = "zero"));
        yield return Case("teacher vocabulary with duplicate words", With(h => Meta(h)["vocabulary"] = "a\na\na"));
        yield return Case("teacher missing a tensor", With(h => h.Remove(firstTensor)));
        yield return Case("teacher tensor renamed", With(h => { var e = h[firstTensor]!.DeepClone(); h.Remove(firstTensor); h["unexpected.weight"] = e; }));
        yield return Case("teacher tensor with an extra dimension", With(h => h[lastTensor]!["shape"]!.AsArray().Add(1)));
        yield return Case("teacher tensor with its shape reversed", With(h =>
        {
            var shape = h.Select(kv => kv.Value?["shape"]?.AsArray()).First(s => s is { Count: >= 2 } && (long)s[0]! != (long)s[^1]!)!;
            var dims = shape.Select(d => (long)d!).Reverse().ToArray();
            shape.Clear();
            foreach (var d in dims) shape.Add(d);
        }));
        yield return Case("teacher tensor dtype F16 read as F32", With(h => h[firstTensor]!["dtype"] = "F32"));
        yield return Case("teacher tensor dtype BOOL", With(h => h[firstTensor]!["dtype"] = "BOOL"));
        yield return Case("teacher tensor offsets past the data", With(h => h[lastTensor]!["data_offsets"] = new JsonArray(data.Length - 2, data.Length + 2)));
    }

    /// <summary>The header serialized and framed before the data (offsets count from the end of the header).</summary>
    private static byte[] Reframe(JsonObject header, byte[] data)
    {
        var bytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        return Framed((ulong)bytes.Length, bytes, data);
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
