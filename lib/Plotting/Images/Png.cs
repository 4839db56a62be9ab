using SkiaSharp;

namespace RandCond.Plotting;

/// <summary>PNG bytes to and from SkiaSharp bitmaps.</summary>
public static class Png
{
    public static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width} x {bitmap.Height} {bitmap.ColorType} bitmap as PNG.");
        return data.ToArray();
    }

    /// <summary>Decodes to 8-bit RGBA (unpremultiplied), whatever the file's own pixel format.</summary>
    public static SKBitmap Decode(byte[] png)
    {
        using var codec = SKCodec.Create(new MemoryStream(png))
            ?? throw new InvalidDataException($"Not a decodable image ({png.Length} bytes, starting {Convert.ToHexString(png.AsSpan(0, Math.Min(8, png.Length)))}).");
        if (codec.EncodedFormat != SKEncodedImageFormat.Png)
            throw new InvalidDataException($"Expected PNG bytes, got {codec.EncodedFormat}.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new InvalidDataException($"PNG of {info.Width} x {info.Height} did not decode: {result}.");
        }
        return bitmap;
    }

    /// <summary>How many different colors the bitmap holds.</summary>
    public static int DistinctColors(this SKBitmap bitmap)
    {
        var seen = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
            seen.Add(bitmap.GetPixel(x, y));
        return seen.Count;
    }
}
