using System.Buffers.Binary;
using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>
/// Reads unsigned-byte IDX files, the format of MNIST and Fashion-MNIST, raw or gzipped (told apart by the
/// gzip magic bytes 1f 8b). Header: a big-endian magic number 0x000008nn (0x08 = unsigned byte, nn = the
/// number of dimensions), then nn big-endian 32-bit dimensions, then the elements.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, height, width).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads a whole file, checking its magic number against <paramref name="expectedMagic"/> and its size against the header.</summary>
    public static IdxArray Read(string path, int expectedMagic)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        bool gzip = GzipDecoder.HasMagic(magic[..file.ReadAtLeast(magic, 2, throwOnEndOfStream: false)]);
        file.Position = 0;
        if (!gzip) return ReadFrom(file, path, expectedMagic, "the file");
        var compressed = new byte[file.Length];
        file.ReadExactly(compressed);
        using var decompressed = new MemoryStream(GzipDecoder.Decompress(compressed, path), writable: false);
        return ReadFrom(decompressed, path, expectedMagic, "the decompressed gzip stream");
    }

    /// <summary>Images as Float32 (N, 1, H, W) on <paramref name="device"/>, scaled to <paramref name="range"/>.</summary>
    public static Tensor ReadImages(string path, PixelRange range = PixelRange.ZeroOne, Device? device = null) =>
        ToImageTensor(Read(path, ImagesMagic), range, device);

    /// <summary>Labels as Int64 (N) on <paramref name="device"/>.</summary>
    public static Tensor ReadLabels(string path, Device? device = null) => ToLabelTensor(Read(path, LabelsMagic), device);

    /// <summary>Converts an image file's bytes: one uint8 copy to the device, then one scaling pass there (uint8 / double gives Float32).</summary>
    public static Tensor ToImageTensor(IdxArray images, PixelRange range, Device? device = null)
    {
        if (images.Dimensions.Length != 3)
            throw new IdxFormatException(images.Path, "dimensions", $"an image file has 3 dimensions (count, height, width), this one {images.Dimensions.Length}");
        var d = images.Dimensions;
        using var scope = Torch.NewDisposeScope();
        var bytes = Torch.FromBytes(images.Data, DType.UInt8, [d[0], 1, d[1], d[2]]);
        var onDevice = bytes.To(device ?? Device.CPU);
        var x = range == PixelRange.ZeroOne ? onDevice / 255.0 : (onDevice * (2.0 / 255.0)).AddInPlace(-1.0);
        return x.MoveToOuterScope();
    }

    public static Tensor ToLabelTensor(IdxArray labels, Device? device = null)
    {
        if (labels.Dimensions.Length != 1)
            throw new IdxFormatException(labels.Path, "dimensions", $"a label file has 1 dimension (count), this one {labels.Dimensions.Length}");
        using var scope = Torch.NewDisposeScope();
        var bytes = Torch.FromBytes(labels.Data, DType.UInt8, [labels.Dimensions[0]]);
        return bytes.To(device ?? Device.CPU, DType.Int64).MoveToOuterScope();
    }

    private static IdxArray ReadFrom(Stream stream, string path, int expectedMagic, string content)
    {
        Span<byte> word = stackalloc byte[4];
        ReadWord(stream, word, path, "magic number", content);
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
            throw new IdxFormatException(path, "magic number", $"0x{magic:X8}, expected 0x{expectedMagic:X8} ({Describe(expectedMagic)})");

        var dims = new int[magic & 0xff];
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            ReadWord(stream, word, path, $"dimension {i}", content);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[i] < 0) throw new IdxFormatException(path, $"dimension {i}", $"{dims[i]} is negative");
            size *= dims[i];
            if (size > Array.MaxLength) throw new IdxFormatException(path, $"dimension {i}", $"the header's size [{string.Join(", ", dims[..(i + 1)])}] exceeds {Array.MaxLength} bytes");
        }

        var data = new byte[size];
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        string shape = $"[{string.Join(", ", dims)}]";
        if (read < data.Length)
            throw new IdxFormatException(path, "data", $"truncated: the header's shape {shape} needs {size} bytes of data, {content} holds {read}");
        long extra = CountRemaining(stream);
        if (extra > 0)
            throw new IdxFormatException(path, "data", $"size does not match the header: shape {shape} needs {size} bytes of data, {content} holds {size + extra}");
        return new IdxArray(path, dims, data);
    }

    private static void ReadWord(Stream stream, Span<byte> word, string path, string field, string content)
    {
        int read = stream.ReadAtLeast(word, 4, throwOnEndOfStream: false);
        if (read < 4) throw new IdxFormatException(path, field, $"truncated: {content} ends inside the header ({read} of 4 bytes)");
    }

    private static long CountRemaining(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        for (int n; (n = stream.Read(buffer)) > 0;) total += n;
        return total;
    }

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic => "unsigned-byte images, 3 dimensions",
        LabelsMagic => "unsigned-byte labels, 1 dimension",
        _ => $"unsigned-byte, {magic & 0xff} dimensions",
    };
}
