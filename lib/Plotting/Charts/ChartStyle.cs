using Plotly.NET;
using Plotly.NET.CSharp;

namespace RandCond.Plotting;

/// <summary>
/// The few layout steps charts here need that Plotly.NET.CSharp leaves awkward from C# (titles, log-axis
/// ranges, a slider over groups of traces). Everything else is Plotly.NET's own API.
/// </summary>
public static class ChartStyle
{
    /// <summary>The chart's title (plotly's HTML subset works: "ᾱ<sub>t</sub>").</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    /// <summary>X axis title, log scale, and range in data units (log10 is taken for log axes).</summary>
    public static GenericChart WithXAxis(this GenericChart chart, string? title = null, bool log = false, double? min = null, double? max = null) =>
        chart.WithXAxisStyle<double, double, string>(
            TitleText: title is null ? default(Optional<string>) : title,
            AxisType: log ? StyleParam.AxisType.Log : default(Optional<StyleParam.AxisType>),
            MinMax: Range(log, min, max));

    /// <summary>Y axis title, log scale, and range in data units (log10 is taken for log axes).</summary>
    public static GenericChart WithYAxis(this GenericChart chart, string? title = null, bool log = false, double? min = null, double? max = null) =>
        chart.WithYAxisStyle<double, double, string>(
            TitleText: title is null ? default(Optional<string>) : title,
            AxisType: log ? StyleParam.AxisType.Log : default(Optional<StyleParam.AxisType>),
            MinMax: Range(log, min, max));

    /// <summary>Legend position in paper coordinates (0..1), optionally horizontal and centred on x.</summary>
    public static GenericChart WithLegendAt(this GenericChart chart, double x, double y, bool horizontal = false) =>
        chart.WithLegendStyle(
            X: x, Y: y,
            Orientation: horizontal ? StyleParam.Orientation.Horizontal : StyleParam.Orientation.Vertical,
            XAnchor: horizontal ? StyleParam.XAnchorPosition.Center : StyleParam.XAnchorPosition.Left);

    /// <summary>Marker size of every trace (Plotly.NET.CSharp only sets it through a whole Marker object).</summary>
    public static GenericChart WithMarkerSize(this GenericChart chart, double size) =>
        GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            var marker = trace.TryGetPropertyValue("marker") is { } found && found.Value is DynamicObj.DynamicObj existing
                ? existing : new Plotly.NET.TraceObjects.Marker();
            marker.SetProperty("size", size);
            trace.SetProperty("marker", marker);
            return trace;
        }), chart);

    /// <summary>Sets any layout attribute Plotly.NET has no method for, e.g. <c>SetLayout("margin", new { t = 130 })</c>.</summary>
    public static GenericChart SetLayout(this GenericChart chart, string name, object value)
    {
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty(name, value);
        return GenericChart.setLayout(layout, chart);
    }

    /// <summary>
    /// A slider with one step per entry: step i shows the traces whose flag is set in <c>Visible</c> and
    /// sets the title. Trace visibility starts at step 0. Static exports show step 0 without the slider.
    /// </summary>
    public static GenericChart WithStepSlider(this GenericChart chart, IReadOnlyList<SliderStep> steps, string prefix = "")
    {
        if (steps.Count == 0) throw new ArgumentException("WithStepSlider needs at least one step.", nameof(steps));
        int traces = GenericChart.countTrace(chart);
        foreach (var step in steps)
            if (step.Visible.Count != traces)
                throw new ArgumentException($"Slider step '{step.Label}' has {step.Visible.Count} visibility flags but the chart has {traces} traces.", nameof(steps));
        int index = 0;
        var initial = steps[0].Visible;
        chart = GenericChart.mapTrace(Microsoft.FSharp.Core.FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            trace.SetProperty("visible", initial[index++]);
            return trace;
        }), chart);
        var sliderSteps = steps.Select(s =>
        {
            var args = new List<object> { new Dictionary<string, object> { ["visible"] = s.Visible.ToArray() } };
            if (s.Title is not null) args.Add(new Dictionary<string, object> { ["title.text"] = s.Title });
            return new Dictionary<string, object> { ["label"] = s.Label, ["method"] = "update", ["args"] = args };
        }).ToArray();
        var slider = new Dictionary<string, object>
        {
            ["active"] = 0,
            ["currentvalue"] = new Dictionary<string, object> { ["prefix"] = prefix, ["visible"] = true },
            ["pad"] = new Dictionary<string, object> { ["t"] = 50 },
            ["steps"] = sliderSteps,
        };
        if (steps[0].Title is string firstTitle) chart = chart.WithTitle(firstTitle);
        return chart.SetLayout("sliders", new[] { slider });
    }

    private static Optional<Tuple<double, double>> Range(bool log, double? min, double? max)
    {
        if (min is null && max is null) return default;
        if (min is null || max is null) throw new ArgumentException("Give both min and max for an axis range.");
        if (log && (min <= 0 || max <= 0)) throw new ArgumentOutOfRangeException(nameof(min), $"A log axis range needs positive bounds; got [{min}, {max}].");
        return log ? Tuple.Create(Math.Log10(min.Value), Math.Log10(max.Value)) : Tuple.Create(min.Value, max.Value);
    }
}

/// <summary>One step of <see cref="ChartStyle.WithStepSlider"/>: its label, which traces it shows, and the title then.</summary>
public sealed record SliderStep(string Label, IReadOnlyList<bool> Visible, string? Title = null);
