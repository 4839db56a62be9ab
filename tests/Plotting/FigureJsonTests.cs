using System.Text.Json.Nodes;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

public class FigureJsonTests
{
    private static JsonObject Parse(Figure figure) => JsonNode.Parse(figure.ToJson())!.AsObject();

    [Fact]
    public void Scatter_line_with_axis_titles_and_log_axis()
    {
        var json = Parse(new Figure()
            .Add(Scatter.Line(new[] { 1.0, 2.0, 3.0 }, new[] { 10f, 100f, 1000f }, name: "RC"))
            .XAxis(title: "t")
            .YLog()
            .Title("loss"));

        var trace = json["data"]![0]!;
        Assert.Equal("scatter", (string?)trace["type"]);
        Assert.Equal("lines", (string?)trace["mode"]);
        Assert.Equal("RC", (string?)trace["name"]);
        Assert.Equal(3, trace["x"]!.AsArray().Count);
        Assert.Equal(100.0, (double)trace["y"]![1]!);
        Assert.Equal("t", (string?)json["layout"]!["xaxis"]!["title"]!["text"]);
        Assert.Equal("log", (string?)json["layout"]!["yaxis"]!["type"]);
        Assert.Equal("loss", (string?)json["layout"]!["title"]!["text"]);
        Assert.Null(json["frames"]);
    }

    [Fact]
    public void Floats_are_written_short_and_non_finite_values_become_null()
    {
        var text = new Figure().Add(Scatter.Markers(new[] { 0.1f, float.NaN }, new[] { 1.0, double.PositiveInfinity })).ToJson();
        Assert.Contains("\"x\":[0.1,null]", text);
        Assert.Contains("\"y\":[1,null]", text);
    }

    [Fact]
    public void Subplots_assign_axes_and_domains()
    {
        var json = Parse(SampleFigures.ScatterHeatmapSlider());
        var data = json["data"]!.AsArray();
        var layout = json["layout"]!;

        Assert.Null(data[0]!["xaxis"]);
        Assert.Equal("heatmap", (string?)data[1]!["type"]);
        Assert.Equal("x2", (string?)data[1]!["xaxis"]);
        Assert.Equal("y2", (string?)data[1]!["yaxis"]);
        Assert.Equal(16, data[1]!["z"]!.AsArray().Count);
        Assert.Equal("Viridis", (string?)data[1]!["colorscale"]);

        var d1 = layout["xaxis"]!["domain"]!.AsArray().Select(v => (double)v!).ToArray();
        var d2 = layout["xaxis2"]!["domain"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(0.0, d1[0], 1e-9);
        Assert.Equal(0.45, d1[1], 1e-9);
        Assert.Equal(0.55, d2[0], 1e-9);
        Assert.Equal(1.0, d2[1], 1e-9);
        Assert.Equal("y2", (string?)layout["xaxis2"]!["anchor"]);
        Assert.Equal("x2", (string?)layout["yaxis2"]!["anchor"]);
        Assert.Equal("log", (string?)layout["yaxis"]!["type"]);
        Assert.Equal(2, layout["annotations"]!.AsArray().Count);
        Assert.Equal("density", (string?)layout["annotations"]![1]!["text"]);
    }

    [Fact]
    public void Frames_come_with_a_slider_and_play_button()
    {
        var json = Parse(SampleFigures.ScatterHeatmapSlider());
        var frames = json["frames"]!.AsArray();
        Assert.Equal(3, frames.Count);
        Assert.Equal("200", (string?)frames[0]!["name"]);
        Assert.Equal(0, (int)frames[0]!["traces"]![0]!);

        var slider = json["layout"]!["sliders"]![0]!;
        Assert.Equal("t = ", (string?)slider["currentvalue"]!["prefix"]);
        var steps = slider["steps"]!.AsArray();
        Assert.Equal(new[] { "200", "400", "800" }, steps.Select(s => (string)s!["label"]!).ToArray());
        Assert.Equal("animate", (string?)steps[2]!["method"]);
        Assert.Equal("800", (string?)steps[2]!["args"]![0]![0]);
        Assert.Equal("Play", (string?)json["layout"]!["updatemenus"]![0]!["buttons"]![0]!["label"]);
    }

    [Fact]
    public void Histogram_bar_and_image_traces()
    {
        using var bitmap = new SkiaSharp.SKBitmap(3, 2);
        bitmap.Erase(new SkiaSharp.SKColor(10, 20, 30));
        var png = Png.Encode(bitmap);
        var json = Parse(new Figure()
            .Subplots(2, 2)
            .Add(Histogram.Of(new[] { 1.0, 2, 2, 3 }, bins: 3).Normalized(), 1, 1)
            .Add(Bar.Of(new[] { "a", "b" }, new[] { 1, 2 }).ErrorY(new[] { 0.1, 0.2 }), 1, 2)
            .Add(ImageTrace.FromPng(png), 2, 1)
            .Legend(x: 0.1, y: 0.9, horizontal: true));
        var data = json["data"]!.AsArray();
        Assert.Equal("histogram", (string?)data[0]!["type"]);
        Assert.Equal(3, (int)data[0]!["nbinsx"]!);
        Assert.Equal("probability density", (string?)data[0]!["histnorm"]);
        Assert.Equal("bar", (string?)data[1]!["type"]);
        Assert.Equal("x2", (string?)data[1]!["xaxis"]);
        Assert.Equal(0.2, (double)data[1]!["error_y"]!["array"]![1]!);
        Assert.Equal("image", (string?)data[2]!["type"]);
        Assert.Equal("x3", (string?)data[2]!["xaxis"]);
        Assert.StartsWith("data:image/png;base64,", (string?)data[2]!["source"]);
        Assert.Equal("h", (string?)json["layout"]!["legend"]!["orientation"]);
        Assert.NotNull(json["layout"]!["yaxis4"]);
    }

    [Fact]
    public void Log_axis_range_is_given_in_decades()
    {
        var json = Parse(new Figure().YAxis(type: AxisType.Log, min: 1, max: 1000));
        var range = json["layout"]!["yaxis"]!["range"]!.AsArray();
        Assert.Equal(0.0, (double)range[0]!, 1e-9);
        Assert.Equal(3.0, (double)range[1]!, 1e-9);
    }

    [Fact]
    public void Adding_outside_the_grid_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Figure().Add(Scatter.Line(new[] { 1 }, new[] { 1 }), row: 1, col: 2));
        Assert.Contains("outside the 1 x 1 grid", error.Message);
    }

    [Fact]
    public void Json_is_safe_inside_a_script_element()
    {
        var text = new Figure().Title("</script><b>").ToJson();
        Assert.DoesNotContain("</script>", text);
    }
}
