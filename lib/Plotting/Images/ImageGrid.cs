namespace RandCond.Plotting;

/// <summary>
/// A grid of sample images rendered to a plain PNG without chromium.
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
    public int LabelScaleFactor { get; private set; } = 1;
    public (byte R, byte G, byte B) BackgroundColor { get; private set; } = (255, 255, 255);
    public (byte R, byte G, byte B) LabelColor { get; private set; } = (0, 0, 0);

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
        BackgroundColor = (r, g, b);
        return this;
    }

    public ImageGrid Labels(byte r, byte g, byte b, int scale = 1)
    {
        if (scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), "ImageGrid: label scale must be positive.");
        LabelColor = (r, g, b);
        LabelScaleFactor = scale;
        return this;
    }

    /// <summary>Labels drawn left of each row (ASCII, 5x7 font).</summary>
    public ImageGrid RowLabels(params string[] labels)
    {
        _rowLabels = labels;
        return this;
    }

    /// <summary>Labels drawn above each column (ASCII, 5x7 font).</summary>
    public ImageGrid ColumnLabels(params string[] labels)
    {
        _columnLabels = labels;
        return this;
    }

    public int CellWidth => ImageWidth * UpscaleFactor;
    public int CellHeight => ImageHeight * UpscaleFactor;
    private int LeftMargin => _rowLabels.Length == 0 ? 0 : _rowLabels.Max(l => BitmapFont.MeasureWidth(l, LabelScaleFactor)) + PaddingPixels;
    private int TopMargin => _columnLabels.Length == 0 ? 0 : BitmapFont.MeasureHeight(LabelScaleFactor) + PaddingPixels;

    /// <summary>Top-left pixel of image <paramref name="index"/> in the rendered grid.</summary>
    public (int X, int Y) ImageOrigin(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int row = index / Cols, col = index % Cols;
        return (LeftMargin + PaddingPixels + col * (CellWidth + PaddingPixels),
                TopMargin + PaddingPixels + row * (CellHeight + PaddingPixels));
    }

    public RgbImage Render()
    {
        if (_rowLabels.Length > Rows) throw new InvalidOperationException($"ImageGrid: {_rowLabels.Length} row labels for {Rows} rows.");
        if (_columnLabels.Length > Cols) throw new InvalidOperationException($"ImageGrid: {_columnLabels.Length} column labels for {Cols} columns.");
        int width = LeftMargin + PaddingPixels + Cols * (CellWidth + PaddingPixels);
        int height = TopMargin + PaddingPixels + Rows * (CellHeight + PaddingPixels);
        var (br, bg, bb) = BackgroundColor;
        var canvas = new RgbImage(width, height, br, bg, bb);
        for (int n = 0; n < Count; n++) DrawImage(canvas, n);
        int textHeight = BitmapFont.MeasureHeight(LabelScaleFactor);
        for (int r = 0; r < _rowLabels.Length; r++)
        {
            int y = ImageOrigin(r * Cols).Y + (CellHeight - textHeight) / 2;
            BitmapFont.Draw(canvas, _rowLabels[r], PaddingPixels, y, LabelColor, LabelScaleFactor);
        }
        for (int c = 0; c < _columnLabels.Length; c++)
        {
            int x = ImageOrigin(c).X + (CellWidth - BitmapFont.MeasureWidth(_columnLabels[c], LabelScaleFactor)) / 2;
            BitmapFont.Draw(canvas, _columnLabels[c], Math.Max(x, 0), PaddingPixels, LabelColor, LabelScaleFactor);
        }
        return canvas;
    }

    /// <summary>The byte value of channel c at (y, x) of image n, after the pixel range mapping.</summary>
    public byte PixelByte(int n, int c, int y, int x)
    {
        long i = _channelsLast
            ? (((long)n * ImageHeight + y) * ImageWidth + x) * Channels + c
            : (((long)n * Channels + c) * ImageHeight + y) * ImageWidth + x;
        return Range.ToByte(_data[i]);
    }

    public byte[] ToPng() => Render().ToPng();

    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    /// <summary>An img element with the PNG inline (base64).</summary>
    public string ToHtml() => $"<img src=\"data:image/png;base64,{Convert.ToBase64String(ToPng())}\" alt=\"{System.Net.WebUtility.HtmlEncode(ToString())}\"/>";

    /// <summary>image/png (base64), text/html and text/plain.</summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle()
    {
        var png = Convert.ToBase64String(ToPng());
        return new Dictionary<string, string>
        {
            ["image/png"] = png,
            ["text/html"] = $"<img src=\"data:image/png;base64,{png}\" alt=\"{System.Net.WebUtility.HtmlEncode(ToString())}\"/>",
            ["text/plain"] = ToString(),
        };
    }

    public override string ToString() => $"ImageGrid({Count} images of {Channels}x{ImageHeight}x{ImageWidth}, {Rows}x{Cols})";

    private void DrawImage(RgbImage canvas, int n)
    {
        var (ox, oy) = ImageOrigin(n);
        for (int y = 0; y < ImageHeight; y++)
        for (int x = 0; x < ImageWidth; x++)
        {
            byte r = PixelByte(n, 0, y, x);
            var rgb = Channels == 1 ? (r, r, r) : (r, PixelByte(n, 1, y, x), PixelByte(n, 2, y, x));
            for (int dy = 0; dy < UpscaleFactor; dy++)
            for (int dx = 0; dx < UpscaleFactor; dx++)
                canvas[ox + x * UpscaleFactor + dx, oy + y * UpscaleFactor + dy] = rgb;
        }
    }
}
