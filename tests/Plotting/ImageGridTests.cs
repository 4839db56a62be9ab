using RandCond.Plotting;
using SkiaSharp;
using Xunit;

namespace RandCond.Tests.Plotting;

public class ImageGridTests
{
    [Fact]
    public void Gray_grid_pixels_round_trip_through_png()
    {
        const int n = 5, h = 4, w = 3;
        var data = new float[n * h * w];
        for (int i = 0; i < data.Length; i++) data[i] = i / (float)(data.Length - 1);
        var grid = ImageGrid.FromPixels(data, n, 1, h, w).Columns(3).Padding(1);

        using var png = Png.Decode(grid.ToPng());

        Assert.Equal(2, grid.Rows);
        Assert.Equal(1 + 3 * (w + 1), png.Width);
        Assert.Equal(1 + 2 * (h + 1), png.Height);
        for (int k = 0; k < n; k++)
        {
            var (ox, oy) = grid.ImageOrigin(k);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte expected = (byte)Math.Round(data[(k * h + y) * w + x] * 255.0, MidpointRounding.AwayFromZero);
                Assert.Equal((expected, expected, expected, (byte)255), Rgba(png, ox + x, oy + y));
            }
        }
        // Padding and the empty sixth cell keep the background.
        Assert.Equal((255, 255, 255, 255), Rgba(png, 0, 0));
        Assert.Equal((255, 255, 255, 255), Rgba(png, png.Width - 2, png.Height - 2));
    }

    [Fact]
    public void Rgb_grid_in_minus_one_to_one_maps_and_clamps()
    {
        // One 1x4 RGB image in NCHW: channel planes R, G, B.
        float[] data =
        {
            -1f, 0f, 1f, 2f,     // R: black, middle, white, clamped white
            1f, 1f, -1f, -3f,    // G
            0.5f, -0.5f, 0f, 1f, // B
        };
        var grid = ImageGrid.FromPixels(data, 1, 3, 1, 4, PixelRange.MinusOneToOne).Padding(0);
        using var png = Png.Decode(grid.ToPng());

        Assert.Equal((0, 255, 191, 255), Rgba(png, 0, 0));
        Assert.Equal((128, 255, 64, 255), Rgba(png, 1, 0));
        Assert.Equal((255, 0, 128, 255), Rgba(png, 2, 0));
        Assert.Equal((255, 0, 255, 255), Rgba(png, 3, 0));
    }

    [Fact]
    public void Channels_last_layout_gives_the_same_picture()
    {
        float[] nchw = { 0f, 0.5f, 1f, 0.25f, 0.75f, 0f };          // 1 image, 3 channels, 1x2
        float[] nhwc = { 0f, 1f, 0.75f, 0.5f, 0.25f, 0f };
        var a = ImageGrid.FromPixels(nchw, 1, 3, 1, 2).ToPng();
        var b = ImageGrid.FromPixels(nhwc, 1, 3, 1, 2, channelsLast: true).ToPng();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Upscale_repeats_pixels()
    {
        var grid = ImageGrid.FromPixels(new[] { 0f, 1f }, 1, 1, 1, 2).Padding(0).Upscale(3);
        using var png = Png.Decode(grid.ToPng());
        Assert.Equal((6, 3), (png.Width, png.Height));
        Assert.Equal((0, 0, 0, 255), Rgba(png, 2, 2));
        Assert.Equal((255, 255, 255, 255), Rgba(png, 3, 0));
    }

    [Fact]
    public void Labels_draw_dark_pixels_outside_the_images()
    {
        var white = Enumerable.Repeat(1f, 4 * 8 * 8).ToArray();
        var plain = ImageGrid.FromPixels(white, 4, 1, 8, 8).Columns(2).Padding(2);
        var labelled = ImageGrid.FromPixels(white, 4, 1, 8, 8).Columns(2).Padding(2)
            .RowLabels("RC", "no RC").ColumnLabels("t=1", "t=2");

        using var png = Png.Decode(labelled.ToPng());
        using var plainPng = Png.Decode(plain.ToPng());

        Assert.True(labelled.LeftMargin > 20, $"left margin {labelled.LeftMargin} px cannot hold 'no RC' at 12 px");
        Assert.Equal(plainPng.Width + labelled.LeftMargin, png.Width);
        Assert.Equal(plainPng.Height + labelled.TopMargin, png.Height);
        // All images are white, so every dark pixel is label ink.
        int ink = CountDark(png, 0, 0, png.Width, png.Height);
        int rowLabelInk = CountDark(png, 0, labelled.ImageOrigin(2).Y, labelled.ImageOrigin(0).X, 8);
        int columnLabelInk = CountDark(png, labelled.ImageOrigin(1).X, 0, 8, labelled.ImageOrigin(0).Y);
        Assert.True(rowLabelInk > 10, $"row label 'no RC' drew {rowLabelInk} pixels");
        Assert.True(columnLabelInk > 5, $"column label 't=2' drew {columnLabelInk} pixels");
        Assert.True(ink >= rowLabelInk + columnLabelInk);
        Assert.Equal(0, CountDark(png, labelled.ImageOrigin(0).X, labelled.ImageOrigin(0).Y, 8, 8));
        // A blank strip between the longest label and the images.
        int strip = ImageGrid.LabelGapPixels + 2;
        Assert.Equal(0, CountDark(png, labelled.ImageOrigin(0).X - strip, labelled.TopMargin, strip, png.Height - labelled.TopMargin));
    }

    [Fact]
    public void Labels_use_the_debian_dejavu_font()
    {
        using var font = LabelFont.Create(12);
        Assert.Equal("DejaVu Sans", font.Typeface.FamilyName);
    }

    [Fact]
    public void Png_decode_names_bad_input()
    {
        var error = Assert.Throws<InvalidDataException>(() => Png.Decode(new byte[] { 1, 2, 3, 4 }));
        Assert.Contains("4 bytes", error.Message);
    }

    [Fact]
    public void Wrong_data_size_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.FromPixels(new float[10], 2, 1, 2, 2));
        Assert.Contains("10 values given, but 2 images of 1 x 2 x 2 need 8", error.Message);
    }

    [Fact]
    public void Mime_bundle_has_png_and_img_html()
    {
        var bundle = ImageGrid.FromPixels(new float[4], 1, 1, 2, 2).ToMimeBundle();
        var png = Convert.FromBase64String(bundle["image/png"]);
        using var decoded = Png.Decode(png);
        Assert.Equal(2 + 2 * 2, decoded.Width);
        Assert.StartsWith("<img src=\"data:image/png;base64,", bundle["text/html"]);
    }

    private static int CountDark(SKBitmap png, int x0, int y0, int width, int height)
    {
        int count = 0;
        for (int y = y0; y < Math.Min(png.Height, y0 + height); y++)
        for (int x = x0; x < Math.Min(png.Width, x0 + width); x++)
            if (png.GetPixel(x, y).Red < 128) count++;
        return count;
    }

    private static (byte R, byte G, byte B, byte A) Rgba(SKBitmap png, int x, int y)
    {
        var c = png.GetPixel(x, y);
        return (c.Red, c.Green, c.Blue, c.Alpha);
    }
}
