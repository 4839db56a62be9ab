namespace RandCond.Plotting;

/// <summary>An 8-bit RGB raster, row-major, used as the canvas for image grids.</summary>
[TypeFormatterSource(typeof(RgbImageFormatterSource), PreferredMimeTypes = new[] { "image/png" })]
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte r = 255, byte g = 255, byte b = 255)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width} x {height} must be positive.");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        for (int i = 0; i < Pixels.Length; i += 3)
        {
            Pixels[i] = r;
            Pixels[i + 1] = g;
            Pixels[i + 2] = b;
        }
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>R, G, B bytes of each pixel, row by row from the top.</summary>
    public byte[] Pixels { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = Index(x, y);
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
        set
        {
            int i = Index(x, y);
            Pixels[i] = value.R;
            Pixels[i + 1] = value.G;
            Pixels[i + 2] = value.B;
        }
    }

    public byte[] ToPng() => PngEncoder.Encode(Pixels, Width, Height, 3);

    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["image/png"] = Convert.ToBase64String(ToPng()),
        ["text/plain"] = ToString(),
    };

    public override string ToString() => $"RgbImage({Width} x {Height})";

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width} x {Height} image.");
        return (y * Width + x) * 3;
    }
}
