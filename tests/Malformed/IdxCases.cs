using System.Buffers.Binary;
using System.IO.Compression;

namespace RandCond.Tests.Malformed;

/// <summary>
/// Bad IDX files in the place of a dataset's training images or labels: broken magic, type codes and dimensions,
/// truncations, sizes that overflow or disagree, labels out of range, and gzip that is garbage, cut short or a bomb.
/// <see cref="ValidSet"/> is the small, valid rest of the dataset they sit in.
/// </summary>
public static class IdxCases
{
    public const string Family = "idx";
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const int TrainCount = 20;

    /// <summary>A valid IDX file: magic 0 0 TYPE DIMS, DIMS big-endian int32 sizes, then the values.</summary>
    public static byte[] Idx(byte type, int[] dims, byte[] values)
    {
        var bytes = new byte[4 + 4 * dims.Length + values.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        values.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Images(int count, int rows = 28, int columns = 28) =>
        Idx(0x08, [count, rows, columns], Enumerable.Range(0, count * rows * columns).Select(i => (byte)(i * 37)).ToArray());

    public static byte[] Labels(int count) => Idx(0x08, [count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());

    /// <summary>The four files of a small valid dataset, by file name.</summary>
    public static IReadOnlyDictionary<string, byte[]> ValidSet() => new Dictionary<string, byte[]>
    {
        [TrainImages] = Images(TrainCount), [TrainLabels] = Labels(TrainCount),
        ["t10k-images-idx3-ubyte"] = Images(10), ["t10k-labels-idx1-ubyte"] = Labels(10),
    };

    public static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(bytes);
        return buffer.ToArray();
    }

    public static IEnumerable<MalformedCase> All()
    {
        var images = Images(TrainCount);
        MalformedCase I(string name, byte[] bytes) => new(Family, "images: " + name, bytes, TrainImages);
        MalformedCase L(string name, byte[] bytes) => new(Family, "labels: " + name, bytes, TrainLabels);
        MalformedCase Gz(string name, byte[] bytes) => new(Family, "gzip images: " + name, bytes, TrainImages + ".gz");
        byte[] Patched(byte[] source, int at, params byte[] values) { var copy = (byte[])source.Clone(); values.CopyTo(copy, at); return copy; }
        byte[] Dim(byte[] source, int index, int value) { var copy = (byte[])source.Clone(); BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(4 + 4 * index), value); return copy; }

        yield return I("empty file", []);
        foreach (int n in new[] { 1, 3, 4, 7, 15 }) yield return I($"cut to {n} bytes", images[..n]);
        yield return I("cut inside the values", images[..(images.Length / 2)]);
        yield return I("one value short", images[..^1]);
        yield return I("one byte too many", [.. images, 0]);
        yield return I("first magic byte set", Patched(images, 0, 1));
        yield return I("second magic byte set", Patched(images, 1, 0x80));
        foreach (byte type in new byte[] { 0x00, 0x07, 0x0A, 0xFF })
            yield return I($"type code 0x{type:X2}", Patched(images, 2, type));
        yield return I("type float32 (0x0D) where bytes are expected", Patched(images, 2, 0x0D));
        yield return I("type int32 (0x0C) where bytes are expected", Patched(images, 2, 0x0C));
        foreach (byte dims in new byte[] { 0, 1, 2, 4, 255 })
            yield return I($"{dims} dimensions", Patched(images, 3, dims));
        yield return I("count 0", Dim(images, 0, 0));
        yield return I("count negative", Dim(images, 0, -1));
        yield return I("count int.MinValue", Dim(images, 0, int.MinValue));
        yield return I("count 2^31-1 with 20 images of bytes", Dim(images, 0, int.MaxValue));
        yield return I("rows 27", Images(TrainCount, rows: 27));
        yield return I("rows 0", Dim(images, 1, 0));
        yield return I("columns 32", Images(TrainCount, columns: 32));
        yield return I("rows x columns overflow 32 bits", Dim(Dim(images, 1, 65536), 2, 65536));
        yield return I("all sizes 2^31-1", Dim(Dim(Dim(images, 0, int.MaxValue), 1, int.MaxValue), 2, int.MaxValue));
        yield return I("19 images beside 20 labels", Images(TrainCount - 1));
        yield return I("text file", "train images, 20 of them\n"u8.ToArray());

        var labels = Labels(TrainCount);
        yield return L("empty file", []);
        yield return L("cut to 6 bytes", labels[..6]);
        yield return L("one label short", labels[..^1]);
        yield return L("3 dimensions", Idx(0x08, [TrainCount, 1, 1], labels[8..]));
        yield return L("19 labels beside 20 images", Labels(TrainCount - 1));
        yield return L("21 labels beside 20 images", Labels(TrainCount + 1));
        yield return L("a label of 10 (classes are 0-9)", Patched(labels, 8, 10));
        yield return L("a label of 255", Patched(labels, 8 + 5, 255));
        yield return L("type int32 with byte-sized values", Patched(labels, 2, 0x0C));
        yield return L("bad magic", Patched(labels, 0, 0xFF, 0xFF));

        yield return Gz("empty", []);
        yield return Gz("gzip magic then garbage", [0x1F, 0x8B, 0x08, 0x00, .. Enumerable.Range(0, 200).Select(i => (byte)(i * 73))]);
        var gzipped = Gzip(images);
        yield return Gz("cut in half", gzipped[..(gzipped.Length / 2)]);
        yield return Gz("cut before its trailer", gzipped[..^8]);
        yield return Gz("CRC wrong", Patched(gzipped, gzipped.Length - 8, (byte)~gzipped[^8]));
        yield return Gz("a gzipped bad magic", Gzip(Patched(images, 0, 1)));
        yield return Gz("a gzipped truncation", Gzip(images[..100]));
        yield return Gz("a gzipped count 2^31-1", Gzip(Dim(images, 0, int.MaxValue)));
        yield return Gz("a bomb: 20 images then 64 MB of zeros", Gzip([.. images, .. new byte[64_000_000]]));
        yield return Gz("two gzip members, the second garbage", [.. gzipped, 0x1F, 0x8B, 0x08, 0x00, 1, 2, 3]);
    }
}
