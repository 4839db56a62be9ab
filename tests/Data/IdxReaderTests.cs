using System.Buffers.Binary;
using System.IO.Compression;
using RandCond.Data;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Data;

public class IdxReaderTests : IDisposable
{
    private readonly ScratchFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static byte[] Idx(int magic, int[] dims, int dataBytes)
    {
        var bytes = new byte[4 + 4 * dims.Length + dataBytes];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        for (int i = 0; i < dataBytes; i++) bytes[4 + 4 * dims.Length + i] = (byte)(i * 37 % 256);
        return bytes;
    }

    private string Write(string name, byte[] content, bool gzip)
    {
        var path = folder.Combine(gzip ? name + ".gz" : name);
        if (!gzip) { File.WriteAllBytes(path, content); return path; }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(content);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesIntoScaledFloatTensor(bool gzip)
    {
        var content = Idx(IdxReader.ImagesMagic, [3, 2, 4], 24);
        content[^1] = 255;
        content[^2] = 0;
        var path = Write("images", content, gzip);

        using var zeroOne = IdxReader.ReadImages(path);
        Assert.Equal([3L, 1, 2, 4], zeroOne.Shape);
        Assert.Equal(DType.Float32, zeroOne.DType);
        var values = TensorValues.Floats(zeroOne);
        for (int i = 0; i < 24; i++) Assert.Equal(content[16 + i] / 255f, values[i], 1e-6);

        using var symmetric = IdxReader.ReadImages(path, PixelRange.MinusOneOne);
        var s = TensorValues.Floats(symmetric);
        Assert.Equal(1f, s[^1], 1e-6);
        Assert.Equal(-1f, s[^2], 1e-6);
        Assert.Equal(content[16] * 2 / 255f - 1, s[0], 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsLabelsAsInt64(bool gzip)
    {
        var content = Idx(IdxReader.LabelsMagic, [5], 5);
        var path = Write("labels", content, gzip);
        using var labels = IdxReader.ReadLabels(path);
        Assert.Equal(DType.Int64, labels.DType);
        Assert.Equal(content[8..].Select(b => (long)b).ToArray(), TensorValues.Longs(labels));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicNumberNamesFileAndField(bool gzip)
    {
        var path = Write("labels-as-images", Idx(IdxReader.LabelsMagic, [4], 4), gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal("magic number", e.Field);
        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("expected 0x00000803", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExtraBytesAreASizeMismatch(bool gzip)
    {
        var path = Write("long", Idx(IdxReader.ImagesMagic, [2, 3, 3], 19), gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.ImagesMagic));
        Assert.Equal("data", e.Field);
        Assert.Contains("does not match the header", e.Message);
        Assert.Contains("18 bytes", e.Message);
        Assert.Contains("holds 19", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingDataIsTruncation(bool gzip)
    {
        var path = Write("short", Idx(IdxReader.ImagesMagic, [2, 3, 3], 17), gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.ImagesMagic));
        Assert.Equal("data", e.Field);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileEndingInsideTheHeaderNamesTheDimension(bool gzip)
    {
        var path = Write("header", Idx(IdxReader.ImagesMagic, [2, 3, 3], 0)[..10], gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.ImagesMagic));
        Assert.Equal("dimension 1", e.Field);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void CutGzipStreamIsReported()
    {
        var whole = Write("cut", Idx(IdxReader.ImagesMagic, [50, 28, 28], 50 * 28 * 28), gzip: true);
        var bytes = File.ReadAllBytes(whole);
        var path = folder.Combine("cut-in-half.gz");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.ImagesMagic));
        Assert.Equal("gzip stream", e.Field);
        Assert.Contains("truncated: the file ends inside the compressed data", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void GarbageAfterGzipMagicIsReportedAsSuch()
    {
        var path = folder.Combine("garbage.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x99, 0x99, 0x99, 0x99]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.LabelsMagic));
        Assert.Equal("gzip stream", e.Field);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    private string GzipWith(string name, Func<byte[], byte[]> change)
    {
        var path = Write(name, Idx(IdxReader.LabelsMagic, [300], 300), gzip: true);
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
        return path;
    }

    /// <summary>Defects that System.IO.Compression accepted silently or reported as "unsupported compression method".</summary>
    [Theory]
    [InlineData("trailingGarbage", "trailing garbage: 9 bytes after the end of the gzip data")]
    [InlineData("trailingZeros", "trailing garbage: 4 bytes after the end of the gzip data")]
    [InlineData("badCrc", "CRC error: the decompressed data's CRC-32 is 0x")]
    [InlineData("badLength", "length error: 308 bytes decompressed but the trailer says")]
    [InlineData("noTrailer", "truncated: the 8-byte trailer (CRC-32 and length) is missing")]
    [InlineData("badMethod", "unsupported compression method 7")]
    [InlineData("reservedFlags", "reserved header flags set")]
    [InlineData("secondMemberCut", "member 1: truncated: the file ends inside the gzip header")]
    public void GzipDefectsAreReportedAsWhatTheyAre(string kind, string expected)
    {
        var path = GzipWith(kind, b => kind switch
        {
            "trailingGarbage" => [.. b, .. "garbage!!"u8.ToArray()],
            "trailingZeros" => [.. b, 0, 0, 0, 0],
            "badCrc" => Flip(b, b.Length - 8),
            "badLength" => Flip(b, b.Length - 1),
            "noTrailer" => b[..^8],
            "badMethod" => Set(b, 2, 7),
            "reservedFlags" => Set(b, 3, 0x20),
            "secondMemberCut" => [.. b, 0x1f, 0x8b, 0x08],
            _ => throw new ArgumentException(kind),
        });
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.LabelsMagic));
        Assert.Equal("gzip stream", e.Field);
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    private static byte[] Flip(byte[] b, int at) { b[at] ^= 0x5a; return b; }
    private static byte[] Set(byte[] b, int at, byte value) { b[at] = value; return b; }

    [Fact]
    public void ConcatenatedGzipMembersReadAsOneFile()
    {
        var content = Idx(IdxReader.LabelsMagic, [40], 40);
        static byte[] Gzip(byte[] part)
        {
            using var ms = new MemoryStream();
            using (var zip = new GZipStream(ms, CompressionLevel.Fastest)) zip.Write(part);
            return ms.ToArray();
        }
        var path = folder.Combine("two-members.gz");
        File.WriteAllBytes(path, [.. Gzip(content[..20]), .. Gzip(content[20..])]);
        var idx = IdxReader.Read(path, IdxReader.LabelsMagic);
        Assert.Equal(content[8..], idx.Data);
    }
}
