using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RandCond.Plotting;

/// <summary>Pixels of a decoded PNG: row-major, interleaved, 8 bits per channel.</summary>
public sealed record DecodedPng(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>The pixel at (x, y) as RGBA (gray expands to RGB, missing alpha is 255).</summary>
    public (byte R, byte G, byte B, byte A) GetRgba(int x, int y)
    {
        int i = (y * Width + x) * Channels;
        return Channels switch
        {
            1 => (Pixels[i], Pixels[i], Pixels[i], 255),
            2 => (Pixels[i], Pixels[i], Pixels[i], Pixels[i + 1]),
            3 => (Pixels[i], Pixels[i + 1], Pixels[i + 2], 255),
            _ => (Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]),
        };
    }

    /// <summary>How many different RGBA values the image holds.</summary>
    public int DistinctColors()
    {
        var seen = new HashSet<int>();
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            var (r, g, b, a) = GetRgba(x, y);
            seen.Add(r | g << 8 | b << 16 | a << 24);
        }
        return seen.Count;
    }
}

/// <summary>
/// A minimal PNG reader for 8-bit gray, gray+alpha, RGB, RGBA and palette images, non-interlaced
/// (what this library and chromium write). Checks chunk CRCs.
/// </summary>
public static class PngDecoder
{
    public static DecodedPng Decode(byte[] png)
    {
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(PngEncoder.Signature))
            throw new InvalidDataException("PNG: missing PNG signature.");
        int width = 0, height = 0, bitDepth = 0, colorType = -1, interlace = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (length < 0 || pos + 12 + (long)length > png.Length) throw new InvalidDataException($"PNG: chunk at byte {pos} runs past the end.");
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            if (Crc32.Compute(png.AsSpan(pos + 4, length + 4)) != crc) throw new InvalidDataException($"PNG: bad CRC in chunk {type}.");
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    interlace = data[12];
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            pos += 12 + length;
            if (type == "IEND") break;
        }
        if (colorType < 0) throw new InvalidDataException("PNG: no IHDR chunk.");
        if (bitDepth != 8 || interlace != 0)
            throw new NotSupportedException($"PNG: bit depth {bitDepth}, interlace {interlace}; only 8-bit non-interlaced images are supported.");
        int channels = colorType switch
        {
            0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4,
            _ => throw new InvalidDataException($"PNG: unknown color type {colorType}."),
        };
        int stride = width * channels;
        var raw = Inflate(idat.ToArray(), (stride + 1) * height);
        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            var row = pixels.AsSpan(y * stride, stride);
            raw.AsSpan(y * (stride + 1) + 1, stride).CopyTo(row);
            var prior = y == 0 ? Span<byte>.Empty : pixels.AsSpan((y - 1) * stride, stride);
            PngFilters.Reverse(raw[y * (stride + 1)], row, prior, channels);
        }
        if (colorType != 3) return new DecodedPng(width, height, channels, pixels);
        if (palette is null) throw new InvalidDataException("PNG: palette image without PLTE chunk.");
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i++) palette.AsSpan(pixels[i] * 3, 3).CopyTo(rgb.AsSpan(i * 3));
        return new DecodedPng(width, height, 3, rgb);
    }

    private static byte[] Inflate(byte[] zlibData, int expected)
    {
        using var input = new ZLibStream(new MemoryStream(zlibData), CompressionMode.Decompress);
        var raw = new byte[expected];
        int read = 0, n;
        while (read < expected && (n = input.Read(raw, read, expected - read)) > 0) read += n;
        if (read != expected) throw new InvalidDataException($"PNG: image data holds {read} bytes, expected {expected}.");
        return raw;
    }
}
