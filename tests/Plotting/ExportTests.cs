using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Plotting;
using Xunit;
using Xunit.Abstractions;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Tests.Plotting;

// These tests need chromium and plotly.js (scripts/install/plotting.sh). When either is missing they
// fail with the PlottingDependencyException message, which says what was looked for and how to fix it.
[Collection(ChromiumCollection.Name)]
public class ExportTests(ITestOutputHelper output)
{
    [Fact]
    public void Chromium_and_plotlyjs_are_installed()
    {
        Assert.True(File.Exists(Chromium.Locate()));
        Assert.EndsWith("plotly.min.js", PlotlyJs.Locate());
    }

    [Fact]
    public void Png_export_draws_the_chart_at_scale_2_by_default()
    {
        var png = SampleCharts.LogLineAndBars().ToImage(ImageFormat.Png);
        Assert.Equal((1800, 900), PngSize(png));
        // A blank 1800 x 900 PNG compresses to a few KB; axes, text, lines and bars make it far larger.
        Assert.True(png.Length > 30_000, $"PNG of {png.Length} bytes: the chart did not draw");
    }

    [Fact]
    public void Export_writes_png_svg_pdf_and_html_by_extension_atomically()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var chart = SampleCharts.LogLineAndBars();
            chart.Export(Path.Combine(dir.FullName, "c.png"), 300, 200, scale: 1);
            chart.Export(Path.Combine(dir.FullName, "c.svg"));
            chart.Export(Path.Combine(dir.FullName, "c.pdf"));
            chart.Export(Path.Combine(dir.FullName, "c.html"));
            Assert.Equal((300, 200), PngSize(File.ReadAllBytes(Path.Combine(dir.FullName, "c.png"))));
            var svg = File.ReadAllText(Path.Combine(dir.FullName, "c.svg"));
            Assert.StartsWith("<svg", svg);
            Assert.Contains("FD per model", svg);
            Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(dir.FullName, "c.pdf")), 0, 5));
            Assert.Equal(new[] { "c.html", "c.pdf", "c.png", "c.svg" }, dir.GetFiles().Select(f => f.Name).Order().ToArray());
            Assert.Throws<ArgumentException>(() => chart.Export(Path.Combine(dir.FullName, "c.jpg")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Html_page_draws_offline_from_the_local_plotlyjs()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var page = SampleCharts.LogLineAndBars().Export(Path.Combine(dir.FullName, "c.html"));
            var html = File.ReadAllText(page);
            Assert.StartsWith("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">", html);
            Assert.Contains(new Uri(PlotlyJs.Locate()).AbsoluteUri, html);
            Assert.DoesNotContain("cdn.plot.ly", html);
            var dom = ChartBrowser.DumpDom(page);
            Assert.Contains("class=\"main-svg\"", dom);
            Assert.Contains("FD per model", dom);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void One_browser_serves_every_export_in_well_under_a_second_after_the_first()
    {
        ChartBrowser.Shutdown();
        var chart = SampleCharts.LogLineAndBars();
        var clock = Stopwatch.StartNew();
        chart.ToImage(ImageFormat.Png);
        var first = clock.Elapsed;
        var later = new List<TimeSpan>();
        foreach (var format in new[] { ImageFormat.Png, ImageFormat.Png, ImageFormat.Svg, ImageFormat.Pdf, ImageFormat.Png })
        {
            clock.Restart();
            chart.ToImage(format);
            later.Add(clock.Elapsed);
        }
        output.WriteLine($"first export (starts chromium): {first.TotalSeconds:F2} s; later: {string.Join(", ", later.Select(t => $"{t.TotalSeconds:F2}"))} s");
        // Goal < 1 s on an idle machine; the bound leaves room for a busy shared one and is still far below a browser per export.
        var median = later.Order().ElementAt(later.Count / 2);
        Assert.True(median < TimeSpan.FromSeconds(2), $"the median export after the first took {median.TotalSeconds:F2} s");
    }

    [Fact]
    public void Missing_plotlyjs_is_a_clear_error()
    {
        var old = Environment.GetEnvironmentVariable(PlotlyJs.EnvironmentVariable);
        try
        {
            ChartBrowser.Shutdown();
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, "/nonexistent/plotly.min.js");
            var error = Assert.Throws<PlottingDependencyException>(() => SampleCharts.LogLineAndBars().ToImage(ImageFormat.Png));
            Assert.Contains("/nonexistent/plotly.min.js", error.Message);
            Assert.Contains("scripts/install/plotting.sh", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, old);
            ChartBrowser.Shutdown();
        }
    }

    [Fact]
    public void Missing_chromium_is_a_clear_error_and_writes_nothing()
    {
        var old = Environment.GetEnvironmentVariable(Chromium.EnvironmentVariable);
        try
        {
            ChartBrowser.Shutdown();
            Environment.SetEnvironmentVariable(Chromium.EnvironmentVariable, "/nonexistent/chromium");
            var path = Path.Combine(Path.GetTempPath(), $"randcond-missing-{Guid.NewGuid():N}.svg");
            var error = Assert.Throws<PlottingDependencyException>(() => SampleCharts.LogLineAndBars().Export(path));
            Assert.Contains("/nonexistent/chromium", error.Message);
            Assert.Contains("apt-get install chromium", error.Message);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Chromium.EnvironmentVariable, old);
        }
    }

    internal static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
