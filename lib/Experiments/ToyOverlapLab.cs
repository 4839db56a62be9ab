using Microsoft.Data.Analysis;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Text.Json.Nodes;
using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Plotting;
using RandCond.Tensors;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>One noise level of the toy overlap experiment: t, ab_t and the overlap of the two noised conditions.</summary>
public sealed record ToyOverlapRow(int T, double AlphaBar, double Overlap);

/// <summary>Points of each condition noised to each t: Points[c][k] is (x, y) of x_t(k) for condition c, sharing x_0 and eps across t.</summary>
public sealed record ToyNoisedPoints(IReadOnlyList<int> Timesteps, IReadOnlyList<string> Names, double[][][] X, double[][][] Y);

/// <summary>
/// The paper's Fig. 5 (toy-overlap): two conditional 2-D Gaussian mixtures (<see cref="ToyPresets.TwoConditions"/>) noised
/// to several t under the linear schedule, in closed form. Per t the total-variation overlap of the two noised
/// conditions (<see cref="DistributionOverlap"/>): near 0 at t = 0, near 1 at t = T - 1, because noise washes out
/// what tells the conditions apart. Writes toy-overlap.json and a figure (HTML with a slider over t, PNG with one panel
/// per t) next to it, in <see cref="RepoPaths.ResultsOut"/>.
/// </summary>
public static class ToyOverlapLab
{
    public static readonly int[] Timesteps = [0, 200, 400, 600, 800, 999];

    private static readonly string[] Colors = ["#1f77b4", "#d62728"];
    private const double AxisLimit = 4;

    /// <summary>The overlap of conditions 0 and 1 at each t (closed form, integrated on a grid).</summary>
    public static IReadOnlyList<ToyOverlapRow> Overlaps(ConditionalGaussianMixture2D data, NoiseSchedule schedule, IReadOnlyList<int> timesteps,
                                                       Device? device = null)
    {
        if (data.ConditionCount < 2) throw new ArgumentException($"ToyOverlapLab: the data has {data.ConditionCount} condition(s), expected at least 2", nameof(data));
        return timesteps.Select(t =>
        {
            double ab = schedule.AlphaBar(t);
            double overlap = DistributionOverlap.TotalVariationOverlap(data.Conditions[0].Noised(ab), data.Conditions[1].Noised(ab), device: device);
            return new ToyOverlapRow(t, ab, overlap);
        }).ToArray();
    }

    /// <summary>
    /// <paramref name="perCondition"/> points of every condition, noised to each t as x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps with
    /// the same x_0 and eps at every t, so a point moves continuously as t grows.
    /// </summary>
    public static ToyNoisedPoints NoisedPoints(ConditionalGaussianMixture2D data, NoiseSchedule schedule, IReadOnlyList<int> timesteps,
                                               int perCondition, ulong seed = 0, Device? device = null)
    {
        if (perCondition < 1) throw new ArgumentOutOfRangeException(nameof(perCondition), perCondition, "ToyOverlapLab: need at least one point per condition");
        var where = device ?? Device.CPU;
        using var generator = new Generator(seed, where);
        int conditions = data.ConditionCount;
        var x = new double[conditions][][];
        var y = new double[conditions][][];
        for (int c = 0; c < conditions; c++)
        {
            using var scope = Torch.NewDisposeScope();
            var (clean, _) = data.Conditions[c].Sample(perCondition, generator, where);
            var x0 = clean.To(DType.Float64).ToArray<double>();
            var eps = Torch.Randn([perCondition, 2], generator, DType.Float64, where).ToArray<double>();
            x[c] = new double[timesteps.Count][];
            y[c] = new double[timesteps.Count][];
            for (int i = 0; i < timesteps.Count; i++)
            {
                double ab = schedule.AlphaBar(timesteps[i]), signal = Math.Sqrt(ab), noise = Math.Sqrt(1 - ab);
                x[c][i] = Enumerable.Range(0, perCondition).Select(k => signal * x0[2 * k] + noise * eps[2 * k]).ToArray();
                y[c][i] = Enumerable.Range(0, perCondition).Select(k => signal * x0[2 * k + 1] + noise * eps[2 * k + 1]).ToArray();
            }
        }
        return new ToyNoisedPoints(timesteps.ToArray(), data.Names, x, y);
    }

    /// <summary>
    /// Left: the noised points of both conditions at one t, with a slider to scrub through t.
    /// Right: overlap against t, with a marker at the t the slider shows.
    /// </summary>
    public static GenericChart SliderFigure(ToyNoisedPoints points, IReadOnlyList<ToyOverlapRow> overlaps)
    {
        CheckSameTimesteps(points, overlaps);
        int steps = points.Timesteps.Count, conditions = points.Names.Count;
        var samples = Chart.Combine(Enumerable.Range(0, steps).SelectMany(i => ScatterTraces(points, i, showLegend: i == 0)))
            .WithXAxis("x", min: -AxisLimit, max: AxisLimit).WithYAxis("y", min: -AxisLimit, max: AxisLimit);
        var curve = Chart.Combine(overlaps.Select(CurrentMarker).Prepend(OverlapLine(overlaps)))
            .WithXAxis("t", min: -20, max: TeacherPreset.TimeSteps + 20).WithYAxis("overlap", min: -0.03, max: 1.03);
        // Trace order: conditions x steps (left), then the overlap line and one marker per step (right).
        var sliderSteps = Enumerable.Range(0, steps).Select(i =>
        {
            var visible = Enumerable.Range(0, steps * conditions).Select(k => k / conditions == i)
                .Append(true).Concat(Enumerable.Range(0, steps).Select(k => k == i)).ToArray();
            return new SliderStep(points.Timesteps[i].ToString(), visible,
                $"Toy 2-D overlap (paper Fig. 5): samples of conditions A and B noised to t = {points.Timesteps[i]}, overlap {overlaps[i].Overlap:F3}");
        }).ToArray();
        return Chart.Grid(new[] { samples, curve }, 1, 2,
                SubPlotTitles: new[] { "samples x<sub>t</sub> of each condition", "overlap of the two conditions" })
            .WithStepSlider(sliderSteps, prefix: "t = ")
            .WithLegendAt(0.5, 1.17, horizontal: true)
            .SetLayout("margin", new Dictionary<string, object> { ["t"] = 130 })
            .WithSize(1000, 580);
    }

    /// <summary>For paper and static viewers: one scatter panel per t (up to 7) and the overlap curve in the next panel.</summary>
    public static GenericChart PanelFigure(ToyNoisedPoints points, IReadOnlyList<ToyOverlapRow> overlaps)
    {
        CheckSameTimesteps(points, overlaps);
        int panels = points.Timesteps.Count;
        if (panels > 7) throw new ArgumentException($"ToyOverlapLab.PanelFigure: {panels} timesteps, at most 7 fit its 2 x 4 grid", nameof(points));
        var titles = points.Timesteps.Select((t, i) => $"t = {t} (overlap {overlaps[i].Overlap:F2})").Append("overlap against t").ToArray();
        var cells = Enumerable.Range(0, panels)
            .Select(i => Chart.Combine(ScatterTraces(points, i, showLegend: i == 0))
                .WithXAxis("x", min: -AxisLimit, max: AxisLimit).WithYAxis("y", min: -AxisLimit, max: AxisLimit))
            .Append(OverlapLine(overlaps).WithTraceInfo(ShowLegend: false)
                .WithXAxis("t", min: -20, max: TeacherPreset.TimeSteps + 20).WithYAxis("overlap", min: -0.03, max: 1.03))
            .Concat(Enumerable.Range(0, 7 - panels).Select(_ => Chart.Invisible()))
            .ToArray();
        return Chart.Grid(cells, 2, 4, SubPlotTitles: titles, XGap: 0.25, YGap: 0.35)
            .WithTitle("Toy 2-D overlap (paper Fig. 5): samples of conditions A and B noised to t, linear schedule, T = 1000")
            .WithLegendAt(0.8, 0.3)
            .WithSize(1400, 720);
    }

    /// <summary>t, ab_t and overlap, one row per noise level.</summary>
    public static DataFrame OverlapTable(IReadOnlyList<ToyOverlapRow> overlaps) =>
        new DataFrame(
                new Int32DataFrameColumn("t", overlaps.Select(r => r.T)),
                new DoubleDataFrameColumn("ab_t", overlaps.Select(r => r.AlphaBar)),
                new DoubleDataFrameColumn("overlap", overlaps.Select(r => r.Overlap)))
            .WithStyle(new TableStyle().Column("ab_t", "F4").Column("overlap", "F4")
                .WithCaption("Total-variation overlap of the two noised conditions (1 = indistinguishable)", "tab:toy-overlap"));

    /// <summary>The lab verb: computes, prints, and writes toy-overlap.{json,html,png}.</summary>
    public static int Run(Device device, int perCondition, ulong seed, bool png, TextWriter log)
    {
        var outBase = Path.Combine(RepoPaths.ResultsOut(), "toy-overlap");
        var clock = Stopwatch.StartNew();
        var json = RunRecord.Header("toy-overlap", device);
        using var schedule = NoiseSchedule.Linear(TeacherPreset.TimeSteps);
        var data = ToyPresets.TwoConditions();
        var overlaps = Overlaps(data, schedule, Timesteps, device);
        log.WriteLine("Fig. 5: total-variation overlap of the two conditions noised to t (linear schedule, T = 1000, closed form)");
        log.WriteLine(OverlapTable(overlaps).ToText());
        var points = NoisedPoints(data, schedule, Timesteps, perCondition, seed, device);

        var html = outBase + ".html";
        // Loads the local plotly.min.js: a self-contained page would inline 4.8 MB of it into every committed result.
        SliderFigure(points, overlaps).Export(html);
        json["data"] = "ToyPresets.TwoConditions(): A = modes (-2, 0), (0, 2); B = (2, 0), (0, -2); isotropic variance 0.05";
        json["schedule"] = $"linear, T = {TeacherPreset.TimeSteps}";
        json["overlap_measure"] = "total-variation overlap, integral of min(q_t(x|A), q_t(x|B)) on a 400 x 400 grid over [-6, 6]^2";
        json["points_per_condition"] = perCondition;
        json["seed"] = seed;
        json["rows"] = new JsonArray(overlaps.Select(r => (JsonNode)new JsonObject
        {
            ["t"] = r.T, ["alpha_bar"] = r.AlphaBar, ["overlap"] = r.Overlap,
        }).ToArray());
        json["figure_html"] = Path.GetFileName(html);
        if (png)
        {
            var pngPath = outBase + ".png";
            PanelFigure(points, overlaps).Export(pngPath, scale: 1);
            json["figure_png"] = Path.GetFileName(pngPath);
        }
        json["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
        var path = ResultFiles.Write(outBase + ".json", json);
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }

    private static IEnumerable<GenericChart> ScatterTraces(ToyNoisedPoints points, int timestep, bool showLegend) =>
        points.Names.Select((name, c) => Chart.Point<double, double, string>(points.X[c][timestep], points.Y[c][timestep],
            Name: $"condition {name}", ShowLegend: showLegend, Opacity: 0.6, MarkerColor: Color.fromString(Colors[c % Colors.Length]))
            .WithMarkerSize(4).WithTraceInfo(LegendGroup: name));

    private static GenericChart OverlapLine(IReadOnlyList<ToyOverlapRow> overlaps) =>
        Chart.Line<int, double, string>(overlaps.Select(r => r.T), overlaps.Select(r => r.Overlap), ShowMarkers: true,
            Name: "overlap", LineColor: Color.fromString("#444"), MarkerColor: Color.fromString("#444"));

    private static GenericChart CurrentMarker(ToyOverlapRow row) =>
        Chart.Point<int, double, string>(new[] { row.T }, new[] { row.Overlap }, Name: "slider's t",
            MarkerColor: Color.fromString("#ff7f0e")).WithMarkerSize(14);

    private static void CheckSameTimesteps(ToyNoisedPoints points, IReadOnlyList<ToyOverlapRow> overlaps)
    {
        if (!points.Timesteps.SequenceEqual(overlaps.Select(r => r.T)))
            throw new ArgumentException($"ToyOverlapLab: points are at t = {string.Join(", ", points.Timesteps)} but overlaps at t = {string.Join(", ", overlaps.Select(r => r.T))}");
    }
}
