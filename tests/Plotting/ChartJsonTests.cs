using System.Text.Json.Nodes;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Plotting;
using Xunit;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Tests.Plotting;

public class ChartJsonTests
{
    [Fact]
    public void Paper_defaults_fill_fonts_automargin_and_power_exponents()
    {
        var figure = ChartJson.Figure(SampleCharts.LogLineAndBars());
        var layout = figure["layout"]!.AsObject();
        Assert.Equal(PaperDefaults.FontSize, (int)layout["font"]!["size"]!);
        Assert.Equal(PaperDefaults.TitleFontSize, (int)layout["title"]!["font"]!["size"]!);
        var axes = layout.Where(p => p.Key.StartsWith("xaxis") || p.Key.StartsWith("yaxis")).ToList();
        Assert.True(axes.Count >= 4, $"expected the grid's four axes, got {string.Join(", ", axes.Select(a => a.Key))}");
        foreach (var (key, axis) in axes)
        {
            Assert.True((bool)axis!["automargin"]!, $"{key} has no automargin");
            Assert.Equal("power", (string)axis["exponentformat"]!);
        }
        Assert.Contains(axes, a => (string?)a.Value!["type"] == "log");
        Assert.Equal("power", (string)layout["template"]!["layout"]!["yaxis"]!["exponentformat"]!);
    }

    [Fact]
    public void Defaults_never_override_what_the_chart_sets()
    {
        var chart = Chart.Line<double, double, string>(new[] { 1.0, 2 }, new[] { 1.0, 2 })
            .SetLayout("font", new Dictionary<string, object> { ["size"] = 9 });
        Assert.Equal(9, (int)ChartJson.Figure(chart)["layout"]!["font"]!["size"]!);
    }

    [Fact]
    public void Subscripts_and_non_ascii_titles_pass_through_and_json_is_script_safe()
    {
        var figure = ChartJson.Figure(SampleCharts.LogLineAndBars());
        Assert.Equal("Sample: ᾱ<sub>t</sub> on a log axis, and FD per model", (string)figure["layout"]!["title"]!["text"]!);
        var json = ChartJson.Write(figure);
        Assert.DoesNotContain("<sub>", json);
        Assert.DoesNotContain("</script", json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Sample: ᾱ<sub>t</sub> on a log axis, and FD per model", (string)JsonNode.Parse(json)!["layout"]!["title"]!["text"]!);
    }

    [Fact]
    public void Log_axis_range_is_given_in_data_units()
    {
        var chart = Chart.Line<double, double, string>(new[] { 1.0, 1000 }, new[] { 1.0, 2 }).WithXAxis("steps", log: true, min: 1, max: 1000);
        var range = ChartJson.Figure(chart)["layout"]!["xaxis"]!["range"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(new[] { 0.0, 3.0 }, range);
        Assert.Throws<ArgumentOutOfRangeException>(() => chart.WithXAxis(log: true, min: 0, max: 10));
    }

    [Fact]
    public void Step_slider_sets_visibility_per_step_and_images_drop_it()
    {
        var chart = Chart.Combine(new[]
        {
            Chart.Point<double, double, string>(new[] { 1.0 }, new[] { 1.0 }, Name: "a"),
            Chart.Point<double, double, string>(new[] { 2.0 }, new[] { 2.0 }, Name: "b"),
        }).WithStepSlider(new[] { new SliderStep("0", new[] { true, false }, "first"), new SliderStep("1", new[] { false, true }, "second") }, "t = ");
        var figure = ChartJson.Figure(chart);
        Assert.Equal(new[] { true, false }, figure["data"]!.AsArray().Select(t => (bool)t!["visible"]!).ToArray());
        var steps = figure["layout"]!["sliders"]![0]!["steps"]!.AsArray();
        Assert.Equal(2, steps.Count);
        Assert.Equal("second", (string)steps[1]!["args"]![1]!["title.text"]!);
        Assert.Equal("first", (string)figure["layout"]!["title"]!["text"]!);
        Assert.Null(ChartJson.Figure(chart, forImage: true)["layout"]!["sliders"]);
        Assert.Throws<ArgumentException>(() => chart.WithStepSlider(new[] { new SliderStep("0", new[] { true }) }));
    }
}
