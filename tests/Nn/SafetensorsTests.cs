using RandCond.Tests.Tensors;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RandCond.Nn;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Nn;

public class SafetensorsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-st-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(Dictionary<string, Tensor> tensors, Dictionary<string, string>? meta = null)
    {
        var path = Path.Combine(dir, "w.safetensors");
        Safetensors.Save(path, tensors, meta);
        return path;
    }

    [Fact]
    public void RoundTripKeepsValuesDtypesShapesAndMetadata()
    {
        using var a = Torch.Randn([3, 4]);
        using var b = Torch.Arange(10).Reshape(2, 5);
        using var c = Torch.Randn([2, 2], dtype: DType.Float64);
        using var d = Torch.Randn([5]).To(DType.BFloat16);
        var path = Write(new() { ["a"] = a, ["b.int"] = b, ["c"] = c, ["d"] = d }, new() { ["step"] = "42", ["note"] = "ünïcode" });
        using var loaded = Safetensors.Load(path);
        Assert.Equal(new[] { "a", "b.int", "c", "d" }, loaded.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(a.ToArray<float>(), loaded.Tensors["a"].ToArray<float>());
        Assert.Equal(b.ToArray<long>(), loaded.Tensors["b.int"].ToArray<long>());
        Assert.Equal(new long[] { 2, 5 }, loaded.Tensors["b.int"].Shape);
        Assert.Equal(c.ToArray<double>(), loaded.Tensors["c"].ToArray<double>());
        Assert.Equal(DType.BFloat16, loaded.Tensors["d"].DType);
        using var df = d.Float();
        using var lf = loaded.Tensors["d"].Float();
        Assert.Equal(df.ToArray<float>(), lf.ToArray<float>());
        Assert.Equal("42", loaded.Metadata["step"]);
        Assert.Equal("ünïcode", loaded.Metadata["note"]);
    }

    [Fact]
    public void HeaderFollowsTheFormatByteForByte()
    {
        using var w = Torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var i = Torch.FromArray(new long[] { 7, 8 });
        var path = Write(new() { ["weight"] = w, ["idx"] = i }, new() { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + (long)n) % 8);                       // data starts 8-byte aligned
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.EndsWith("}", headerText.TrimEnd(' '));                // padding is spaces only
        using var doc = JsonDocument.Parse(headerText);
        var root = doc.RootElement;
        Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());
        // names sorted: "idx" first at offset 0, then "weight"
        var idx = root.GetProperty("idx");
        Assert.Equal("I64", idx.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 2 }, idx.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(new long[] { 0, 16 }, idx.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        var wt = root.GetProperty("weight");
        Assert.Equal("F32", wt.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 16, 40 }, wt.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(8 + (long)n + 40, bytes.Length);
        long dataStart = 8 + (long)n;
        Assert.Equal(7L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)dataStart)));
        Assert.Equal(3f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)dataStart + 16 + 8)));
    }

    [Fact]
    public void HeaderLengthCountsUtf8Bytes()
    {
        using var t = Torch.Ones([1]);
        var path = Write(new() { ["größe"] = t });
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Contains("größe", header);
        Assert.Equal(8 + (long)n + 4, bytes.Length);
        using var loaded = Safetensors.Load(path);
        Assert.Equal(1f, loaded.Tensors["größe"].ToArray<float>()[0]);
    }

    private string Corrupt(Func<byte[], byte[]> change)
    {
        using var t = Torch.Randn([4, 4]);
        using var u = Torch.Randn([3]);
        var path = Write(new() { ["t"] = t, ["u"] = u });
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
        return path;
    }

    private static byte[] WithHeader(string json, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("tiny", "fewer than the 8-byte header length")]
    [InlineData("hugeHeader", "runs past the end of the file")]
    [InlineData("notJson", "not valid JSON")]
    [InlineData("badDtype", "unsupported dtype 'X9'")]
    [InlineData("wrongSpan", "needs 16")]
    [InlineData("gap", "contiguous")]
    [InlineData("overlap", "overlaps")]
    [InlineData("trailing", "bytes after the last tensor")]
    public void MalformedFilesGiveAClearErrorNamingTheProblem(string kind, string expected)
    {
        var path = kind switch
        {
            "truncated" => Corrupt(b => b[..^10]),
            "tiny" => Corrupt(b => b[..5]),
            "hugeHeader" => Corrupt(b => { BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)b.Length * 2); return b; }),
            "notJson" => Corrupt(b => { b[8] = (byte)'x'; return b; }),
            _ => Path.Combine(dir, kind + ".safetensors"),
        };
        var fixtures = new Dictionary<string, byte[]>
        {
            ["badDtype"] = WithHeader("{\"t\":{\"dtype\":\"X9\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            ["wrongSpan"] = WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8),
            ["gap"] = WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
            ["overlap"] = WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
            ["trailing"] = WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12),
        };
        if (fixtures.TryGetValue(kind, out var content)) File.WriteAllBytes(path, content);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long liveBefore = LiveTensors.Settled();
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(liveBefore, Tensor.LiveCount); // nothing half-loaded
    }

    /// <summary>Headers that loaded silently, reached libtorch, or failed without naming the file before.</summary>
    [Theory]
    [InlineData("duplicateName", "tensor name 't' appears twice")]
    [InlineData("duplicateMetadata", "two '__metadata__' entries")]
    [InlineData("duplicateMetadataKey", "__metadata__ key 'k' appears twice")]
    [InlineData("wrapsPast2To64", "needs more than 9223372036854775807 bytes")]
    [InlineData("wrapsToSmall", "needs more than 9223372036854775807 bytes")]
    [InlineData("invalidUtf8", "not valid UTF-8 (invalid byte sequence at header byte 2)")]
    [InlineData("offsetNotANumber", "data_offsets must be integers")]
    public void HostileHeadersAreRefusedNamingTheFile(string kind, string expected)
    {
        var path = Path.Combine(dir, kind + ".safetensors");
        const string t = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        byte[] content = kind switch
        {
            "duplicateName" => WithHeader("{" + t + "," + t.Replace("[0,8]", "[8,16]") + "}", 16),
            "duplicateMetadata" => WithHeader("{\"__metadata__\":{},\"__metadata__\":{}," + t + "}", 8),
            "duplicateMetadataKey" => WithHeader("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}," + t + "}", 8),
            // 2^62 float32 elements: 2^64 bytes, which wraps to 0 in 64-bit arithmetic and so matched empty offsets
            "wrapsPast2To64" => WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0),
            // (2^61 + 1) float64 elements: 2^64 + 8 bytes, which wraps to 8
            "wrapsToSmall" => WithHeader("{\"t\":{\"dtype\":\"F64\",\"shape\":[2305843009213693953],\"data_offsets\":[0,8]}}", 8),
            "invalidUtf8" => WithHeader("{\"ab\":{}}", 0),
            "offsetNotANumber" => WithHeader("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",\"8\"]}}", 8),
            _ => throw new ArgumentException(kind),
        };
        if (kind == "invalidUtf8") content[8 + 2] = 0xff; // the 'a' of the name becomes a byte no UTF-8 text holds
        File.WriteAllBytes(path, content);
        long liveBefore = LiveTensors.Settled();
        var e = Assert.Throws<SafetensorsFormatException>(() => Safetensors.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(liveBefore, Tensor.LiveCount);
        Assert.Contains(expected, Assert.Throws<SafetensorsFormatException>(() => Safetensors.ReadHeader(path)).Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var path = Path.Combine(dir, "nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => Safetensors.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void SaveLeavesNoTemporaryFilesAndReplacesAtomically()
    {
        using var t = Torch.Ones([2]);
        var path = Write(new() { ["t"] = t });
        using var t2 = Torch.Zeros([3]);
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t2 });
        Assert.Single(Directory.GetFiles(dir));
        using var loaded = Safetensors.Load(path);
        Assert.Equal(new long[] { 3 }, loaded.Tensors["t"].Shape);
    }
}
