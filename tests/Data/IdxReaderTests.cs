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
        Assert.Equal("data", e.Field);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("decompressed gzip stream", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void GarbageAfterGzipMagicIsReportedAsSuch()
    {
        var path = folder.Combine("garbage.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x99, 0x99, 0x99, 0x99]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, IdxReader.LabelsMagic));
        Assert.Equal("magic number", e.Field);
        Assert.Contains("decompressed gzip stream ends inside the header", e.Message);
        Assert.Contains(path, e.Message);
    }
}
