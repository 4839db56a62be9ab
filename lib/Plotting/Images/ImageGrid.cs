using SkiaSharp;

namespace RandCond.Plotting;

/// <summary>
/// A grid of sample images drawn with SkiaSharp and shown as a PNG.
/// Input is float pixels laid out N x C x H x W (PyTorch's NCHW; pass channelsLast for N x H x W x C),
/// C = 1 (gray) or 3 (RGB), mapped to bytes by <see cref="PixelRange"/>. Images fill the grid row by row.
/// <code>
/// ImageGrid.FromPixels(samples, 16, 1, 28, 28, PixelRange.MinusOneToOne).Columns(8).Upscale(2).RowLabels("RC", "no RC").SavePng("grid.png")
/// </code>
/// </summary>
[TypeFormatterSource(typeof(ImageGridFormatterSource), PreferredMimeTypes = new[] { "image/png" })]
public sealed class ImageGrid
{
    private readonly float[] _data;
    private readonly bool _channelsLast;
    private int? _cols;
    private string[] _rowLabels = Array.Empty<string>();
    private string[] _columnLabels = Array.Empty<string>();

    private ImageGrid(float[] data, int count, int channels, int height, int width, PixelRange range, bool channelsLast)
    {
        Count = count;
        Channels = channels;
        ImageHeight = height;
        ImageWidth = width;
        Range = range;
        _data = data;
        _channelsLast = channelsLast;
    }

    public static ImageGrid FromPixels(ReadOnlySpan<float> data, int count, int channels, int height, int width,
        PixelRange range = PixelRange.ZeroToOne, bool channelsLast = false)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), $"ImageGrid: {channels} channels; expected 1 or 3.");
        if (count <= 0 || height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(count), $"ImageGrid: count {count}, height {height}, width {width} must be positive.");
        long expected = (long)count * channels * height * width;
        if (data.Length != expected)
            throw new ArgumentException($"ImageGrid: {data.Length} values given, but {count} images of {channels} x {height} x {width} need {expected}.");
        return new ImageGrid(data.ToArray(), count, channels, height, width, range, channelsLast);
    }

    public int Count { get; }
    public int Channels { get; }
    public int ImageHeight { get; }
    public int ImageWidth { get; }
    public PixelRange Range { get; }
    public int Cols => Math.Min(_cols ?? (int)Math.Ceiling(Math.Sqrt(Count)), Count);
    public int Rows => (Count + Cols - 1) / Cols;
    public int PaddingPixels { get; private set; } = 2;
    public int UpscaleFactor { get; private set; } = 1;
    public float LabelFontSize { get; private set; } = 12;
    public SKColor BackgroundColor { get; private set; } = SKColors.White;
    public SKColor LabelColor { get; private set; } = SKColors.Black;

    public ImageGrid Columns(int cols)
    {
        if (cols <= 0) throw new ArgumentOutOfRangeException(nameof(cols), "ImageGrid: columns must be positive.");
        _cols = cols;
        return this;
    }

    public ImageGrid Padding(int pixels)
    {
        if (pixels < 0) throw new ArgumentOutOfRangeException(nameof(pixels), "ImageGrid: padding must be >= 0.");
        PaddingPixels = pixels;
        return this;
    }

    /// <summary>Nearest-neighbour magnification of each image (28x28 digits read better at 2 or 3).</summary>
    public ImageGrid Upscale(int factor)
    {
        if (factor <= 0) throw new ArgumentOutOfRangeException(nameof(factor), "ImageGrid: upscale must be positive.");
        UpscaleFactor = factor;
        return this;
    }

    public ImageGrid Background(byte r, byte g, byte b)
    {
        BackgroundColor = new SKColor(r, g, b);
        return this;
    }

    /// <summary>Color and size (pixels) of row and column labels.</summary>
    public ImageGrid Labels(byte r, byte g, byte b, float fontSize = 12)
    {
        if (!(fontSize > 0)) throw new ArgumentOutOfRangeException(nameof(fontSize), $"ImageGrid: label font size {fontSize} must be positive.");
        LabelColor = new SKColor(r, g, b);
        LabelFontSize = fontSize;
        return this;
    }

    /// <summary>Labels drawn left of each row.</summary>
    public ImageGrid RowLabels(params string[] labels)
    {
        _rowLabels = labels;
        return this;
    }

    /// <summary>Labels drawn above each column.</summary>
    public ImageGrid ColumnLabels(params string[] labels)
    {
        _columnLabels = labels;
        return this;
    }

    public int CellWidth => ImageWidth * UpscaleFactor;
    public int CellHeight => ImageHeight * UpscaleFactor;

    /// <summary>Blank pixels between the end of a row label and its row's first image, beyond the padding, so glyphs never touch an image.</summary>
    public const int LabelGapPixels = 6;

    /// <summary>Width of the row-label column: the widest label, padding and <see cref="LabelGapPixels"/> (0 without row labels).</summary>
    public int LeftMargin
    {
        get
        {
            if (_rowLabels.Length == 0) return 0;
            using var font = LabelFont.Create(LabelFontSize);
            return (int)Math.Ceiling(_rowLabels.Max(l => font.MeasureText(l))) + PaddingPixels + LabelGapPixels;
        }
    }

    /// <summary>Height of the column-label row: one line of text plus padding (0 without column labels).</summary>
    public int TopMargin
    {
        get
        {
            if (_columnLabels.Length == 0) return 0;
            using var font = LabelFont.Create(LabelFontSize);
            return LineHeight(font) + PaddingPixels;
        }
    }

    /// <summary>Top-left pixel of image <paramref name="index"/> in the rendered grid.</summary>
    public (int X, int Y) ImageOrigin(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return Origin(index, LeftMargin, TopMargin);
    }

    /// <summary>The grid as an opaque RGBA bitmap (the caller disposes it).</summary>
    public SKBitmap Render()
    {
        if (_rowLabels.Length > Rows) throw new InvalidOperationException($"ImageGrid: {_rowLabels.Length} row labels for {Rows} rows.");
        if (_columnLabels.Length > Cols) throw new InvalidOperationException($"ImageGrid: {_columnLabels.Length} column labels for {Cols} columns.");
        int left = LeftMargin, top = TopMargin;
        int width = left + PaddingPixels + Cols * (CellWidth + PaddingPixels);
        int height = top + PaddingPixels + Rows * (CellHeight + PaddingPixels);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(BackgroundColor);
        for (int n = 0; n < Count; n++) DrawImage(canvas, n, left, top);
        if (_rowLabels.Length + _columnLabels.Length > 0) DrawLabels(canvas, left, top);
        canvas.Flush();
        return bitmap;
    }

    /// <summary>The byte value of channel c at (y, x) of image n, after the pixel range mapping.</summary>
    public byte PixelByte(int n, int c, int y, int x)
    {
        long i = _channelsLast
            ? (((long)n * ImageHeight + y) * ImageWidth + x) * Channels + c
            : (((long)n * Channels + c) * ImageHeight + y) * ImageWidth + x;
        return Range.ToByte(_data[i]);
    }

    public byte[] ToPng()
    {
        using var bitmap = Render();
        return Png.Encode(bitmap);
    }

    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    /// <summary>image/png (base64), text/html (an img element with the PNG inline) and text/plain.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle()
    {
        var png = Convert.ToBase64String(ToPng());
        return new Dictionary<string, string>
        {
            ["image/png"] = png,
            ["text/html"] = HtmlImage(png),
            ["text/plain"] = ToString(),
        };
    }

    /// <summary>An img element with the PNG inline (base64).</summary>
    public string ToHtml() => HtmlImage(Convert.ToBase64String(ToPng()));

    public override string ToString() => $"ImageGrid({Count} images of {Channels}x{ImageHeight}x{ImageWidth}, {Rows}x{Cols})";

    private string HtmlImage(string base64Png) =>
        $"<img src=\"data:image/png;base64,{base64Png}\" alt=\"{System.Net.WebUtility.HtmlEncode(ToString())}\"/>";

    private (int X, int Y) Origin(int index, int left, int top)
    {
        int row = index / Cols, col = index % Cols;
        return (left + PaddingPixels + col * (CellWidth + PaddingPixels), top + PaddingPixels + row * (CellHeight + PaddingPixels));
    }

    private void DrawImage(SKCanvas canvas, int n, int left, int top)
    {
        using var image = new SKBitmap(new SKImageInfo(ImageWidth, ImageHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = image.GetPixelSpan();
        for (int y = 0; y < ImageHeight; y++)
        for (int x = 0; x < ImageWidth; x++)
        {
            int i = (y * ImageWidth + x) * 4;
            byte r = PixelByte(n, 0, y, x);
            pixels[i] = r;
            pixels[i + 1] = Channels == 1 ? r : PixelByte(n, 1, y, x);
            pixels[i + 2] = Channels == 1 ? r : PixelByte(n, 2, y, x);
            pixels[i + 3] = 255;
        }
        var (ox, oy) = Origin(n, left, top);
        using var skImage = SKImage.FromBitmap(image);
        canvas.DrawImage(skImage, SKRect.Create(ox, oy, CellWidth, CellHeight), new SKSamplingOptions(SKFilterMode.Nearest));
    }

    private void DrawLabels(SKCanvas canvas, int left, int top)
    {
        using var font = LabelFont.Create(LabelFontSize);
        using var paint = new SKPaint { Color = LabelColor, IsAntialias = true };
        var metrics = font.Metrics;
        float textHeight = metrics.Descent - metrics.Ascent;
        for (int r = 0; r < _rowLabels.Length; r++)
        {
            float baseline = Origin(r * Cols, left, top).Y + (CellHeight - textHeight) / 2 - metrics.Ascent;
            canvas.DrawText(_rowLabels[r], PaddingPixels, baseline, SKTextAlign.Left, font, paint);
        }
        for (int c = 0; c < _columnLabels.Length; c++)
        {
            float center = Origin(c, left, top).X + CellWidth / 2f;
            canvas.DrawText(_columnLabels[c], center, PaddingPixels - metrics.Ascent, SKTextAlign.Center, font, paint);
        }
    }

    private static int LineHeight(SKFont font) => (int)Math.Ceiling(font.Metrics.Descent - font.Metrics.Ascent);
}
