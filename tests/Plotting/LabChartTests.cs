using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>The labs' charts, checked as the figure JSON plotly.js receives.</summary>
public class LabChartTests
{
    private static readonly int[] Ts = [0, 500, 999];

    private static (ToyNoisedPoints, ToyOverlapRow[]) Toy()
    {
        double[][][] Coords(double offset) => Enumerable.Range(0, 2)
            .Select(c => Ts.Select(t => new[] { offset + c, offset - c + t / 1000.0 }).ToArray()).ToArray();
        var points = new ToyNoisedPoints(Ts, ["A", "B"], Coords(0), Coords(1));
        return (points, Ts.Select(t => new ToyOverlapRow(t, 1 - t / 1000.0, t / 1000.0)).ToArray());
    }

    [Fact]
    public void Toy_slider_shows_one_t_at_a_time_and_the_overlap_curve_always()
    {
        var (points, overlaps) = Toy();
        var figure = ChartJson.Figure(ToyOverlapLab.SliderFigure(points, overlaps));
        var data = figure["data"]!.AsArray();
        Assert.Equal(2 * Ts.Length + 1 + Ts.Length, data.Count);
        var steps = figure["layout"]!["sliders"]![0]!["steps"]!.AsArray();
        Assert.Equal(Ts.Select(t => t.ToString()), steps.Select(s => (string)s!["label"]!));
        for (int i = 0; i < Ts.Length; i++)
        {
            var visible = steps[i]!["args"]![0]!["visible"]!.AsArray().Select(v => (bool)v!).ToArray();
            Assert.Equal(data.Count, visible.Length);
            Assert.Equal(2 + 1 + 1, visible.Count(v => v));            // two conditions at t, the curve, the marker at t
            Assert.True(visible[2 * Ts.Length]);                       // the overlap curve
            Assert.Contains($"t = {Ts[i]}", (string)steps[i]!["args"]![1]!["title.text"]!);
        }
        Assert.Equal("samples x<sub>t</sub> of each condition", (string)figure["layout"]!["annotations"]![0]!["text"]!);
    }

    [Fact]
    public void Toy_panels_put_each_t_in_its_own_subplot()
    {
        var (points, overlaps) = Toy();
        var figure = ChartJson.Figure(ToyOverlapLab.PanelFigure(points, overlaps));
        var axesUsed = figure["data"]!.AsArray().Where(t => t!["x"] is JsonArray).Select(t => (string?)t!["xaxis"] ?? "x").Distinct().Count();
        Assert.Equal(Ts.Length + 1, axesUsed);
        Assert.Throws<ArgumentException>(() => ToyOverlapLab.PanelFigure(points, overlaps.Take(2).ToArray()));
    }

    [Fact]
    public void Ablation_images_chart_has_a_log_axis_with_power_exponents_and_a_title_naming_what_is_plotted()
    {
        AblationRow Row(int images, double rc) => new()
        {
            Arm = $"{images}", Replacement = rc > 0 ? "sigmoid(20, 0.7)" : "constant(0)", ReplacementMean = rc, ImagesPerClass = images,
            ImageSetSize = 9 * images, TextCorpusSize = 280, Steps = 1, Fd = 1, InceptionScore = 1, Accuracy = 0.8, PerClassAccuracy = [],
            ImagesPerSecond = 1, HeldOutAccuracy = 0.5, SeenAccuracy = 0.9,
        };
        var record = new AblationResult
        {
            Experiment = "ablations", GitCommit = "test", Device = "test", DateUtc = "test", Study = "images", Scale = "smoke", Dataset = "mnist",
            ExcludedGroup = "digit 3", Teacher = "test", Student = "test", ImageSet = "test", TextCorpus = "test", Distillation = "test", Sampling = "test",
            TableCaption = "test",
            TeacherScores = new AblationScores { Fd = 1, InceptionScore = 1, Accuracy = 1, PerClassAccuracy = [], ImagesPerSecond = 1, HeldOutAccuracy = 1, SeenAccuracy = 1 },
            Rows = [Row(10, 0), Row(100, 0), Row(10, 0.5), Row(100, 0.5)],
        };
        var layout = ChartJson.Figure(record.Chart())["layout"]!;
        Assert.Equal("log", (string)layout["xaxis"]!["type"]!);
        Assert.Equal("power", (string)layout["xaxis"]!["exponentformat"]!);
        Assert.StartsWith("Accuracy of samples against the size of D", (string)layout["title"]!["text"]!);
    }
}
