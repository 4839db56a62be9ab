using System.Text;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

// These tests need chromium and plotly.js (scripts/install/plotting.sh). When either is missing they
// fail with the PlottingDependencyException message, which says what was looked for and how to fix it.
[Collection(ChromiumCollection.Name)]
public class ExportTests
{
    [Fact]
    public void Chromium_and_plotlyjs_are_installed()
    {
        Assert.True(File.Exists(Chromium.Locate()));
        Assert.EndsWith("plotly.min.js", PlotlyJs.Locate());
    }

    [Fact]
    public void Png_export_draws_the_figure()
    {
        var figure = SampleFigures.ScatterHeatmapSlider();
        var png = Png.Decode(figure.ToImageBytes(ImageFormat.Png, 800, 400, scale: 1));

        Assert.Equal(800, png.Width);
        Assert.Equal(400, png.Height);
        // A blank page has one color; axes, text, markers and a viridis heatmap give hundreds.
        Assert.True(png.DistinctColors() > 100, $"only {png.DistinctColors()} distinct colors: the figure did not draw");
        Assert.NotNull(figure.StaticPng);
    }

    [Fact]
    public void Png_export_honours_scale_and_writes_the_file_atomically()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "fig.png");
            new Figure().Add(Bar.Of(new[] { "a", "b", "c" }, new[] { 3.0, 1.0, 2.0 })).Export(path, 300, 200, scale: 2);
            var png = Png.Decode(File.ReadAllBytes(path));
            Assert.Equal(600, png.Width);
            Assert.Equal(400, png.Height);
            Assert.Equal(new[] { "fig.png" }, dir.GetFiles().Select(f => f.Name).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Svg_export_is_an_svg_document()
    {
        var svg = Encoding.UTF8.GetString(SampleFigures.ScatterHeatmapSlider().ToImageBytes(ImageFormat.Svg));
        Assert.Contains("<svg", svg);
        Assert.Contains("Scatter, heatmap and slider", svg);
    }

    [Fact]
    public void Pdf_export_is_a_pdf_document()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "fig.pdf");
            SampleFigures.ScatterHeatmapSlider().Export(path);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
            Assert.True(bytes.Length > 1000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Image_grid_figure_renders_through_plotly()
    {
        var pixels = Enumerable.Range(0, 4 * 8 * 8).Select(i => (i % 7) / 6f).ToArray();
        var figure = new Figure().Title("grid").Add(ImageTrace.FromPng(ImageGrid.FromPixels(pixels, 4, 1, 8, 8).Upscale(4).ToPng()));
        var png = Png.Decode(figure.ToImageBytes(ImageFormat.Png));
        Assert.True(png.DistinctColors() > 5);
    }

    [Fact]
    public void Missing_plotlyjs_is_a_clear_error()
    {
        var old = Environment.GetEnvironmentVariable(PlotlyJs.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, "/nonexistent/plotly.min.js");
            var error = Assert.Throws<PlottingDependencyException>(() => new Figure().ToImageBytes(ImageFormat.Png));
            Assert.Contains("/nonexistent/plotly.min.js", error.Message);
            Assert.Contains("scripts/install/plotting.sh", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, old);
        }
    }

    [Fact]
    public void Missing_chromium_is_a_clear_error()
    {
        var old = Environment.GetEnvironmentVariable(Chromium.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(Chromium.EnvironmentVariable, "/nonexistent/chromium");
            var path = Path.Combine(Path.GetTempPath(), $"randcond-missing-{Guid.NewGuid():N}.svg");
            var error = Assert.Throws<PlottingDependencyException>(() => new Figure().Export(path));
            Assert.Contains("/nonexistent/chromium", error.Message);
            Assert.Contains("apt-get install chromium", error.Message);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Chromium.EnvironmentVariable, old);
        }
    }

    [Fact]
    public void Timeout_is_a_clear_error()
    {
        var error = Assert.Throws<PlottingDependencyException>(() =>
            SampleFigures.ScatterHeatmapSlider().ToImageBytes(ImageFormat.Png, timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Contains("did not finish within", error.Message);
    }
}
