using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>
/// A plotly figure built in C#: traces, layout, optional subplot grid and animation frames.
/// <code>
/// new Figure().Add(Scatter.Line(ts, fd, name: "RC")).XAxis(title: "t").YLog().Title("FD over t")
/// </code>
/// <see cref="Layout"/> and <see cref="Config"/> are open for anything the fluent API lacks.
/// </summary>
[TypeFormatterSource(typeof(FigureFormatterSource), PreferredMimeTypes = new[] { "text/html", "image/png" })]
public sealed partial class Figure
{
    private readonly List<(Trace Trace, int Axis)> _traces = new();
    private readonly List<AnimationFrame> _frames = new();
    private readonly List<string> _subplotTitles = new();
    private SubplotGrid _grid = SubplotGrid.Single;
    private AnimationControls _animation = AnimationControls.Default;

    /// <summary>The layout object (title, axes, legend, ...) as it will be written.</summary>
    public JsonObject Layout { get; } = new();

    /// <summary>plotly.js config ({"displaylogo": false, ...}), used by the HTML output.</summary>
    public JsonObject Config { get; } = new() { ["displaylogo"] = false, ["responsive"] = true };

    public IReadOnlyList<Trace> Traces => _traces.Select(t => t.Trace).ToArray();

    public IReadOnlyList<AnimationFrame> Frames => _frames;

    /// <summary>Width in pixels when set by <see cref="Size"/>, else null (plotly's default 700).</summary>
    public int? Width => (int?)Layout["width"];

    /// <summary>Height in pixels when set by <see cref="Size"/>, else null (plotly's default 450).</summary>
    public int? Height => (int?)Layout["height"];

    /// <summary>Adds a trace to subplot (row, col); 1-based, (1, 1) without a grid.</summary>
    public Figure Add(Trace trace, int row = 1, int col = 1)
    {
        _traces.Add((trace, _grid.AxisNumber(row, col)));
        return this;
    }

    public Figure Add(IEnumerable<Trace> traces, int row = 1, int col = 1)
    {
        foreach (var trace in traces) Add(trace, row, col);
        return this;
    }

    public Figure Title(string title)
    {
        Layout["title"] = JsonBuild.Title(title);
        return this;
    }

    public Figure Size(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Figure size must be positive.");
        Layout["width"] = width;
        Layout["height"] = height;
        return this;
    }

    /// <summary>Splits the figure into a rows x cols grid of axes; spacing is a fraction of the figure.</summary>
    public Figure Subplots(int rows, int cols, double horizontalSpacing = 0.1, double verticalSpacing = 0.15, params string[] titles)
    {
        if (_traces.Any(t => t.Axis != 1))
            throw new InvalidOperationException("Call Subplots before adding traces to other subplots.");
        _grid = new SubplotGrid(rows, cols, horizontalSpacing, verticalSpacing);
        _subplotTitles.Clear();
        _subplotTitles.AddRange(titles);
        return this;
    }

    public Figure XAxis(string? title = null, AxisType? type = null, double? min = null, double? max = null, int row = 1, int col = 1) =>
        Axis(SubplotGrid.XAxisKey(_grid.AxisNumber(row, col)), title, type, min, max);

    public Figure YAxis(string? title = null, AxisType? type = null, double? min = null, double? max = null, int row = 1, int col = 1) =>
        Axis(SubplotGrid.YAxisKey(_grid.AxisNumber(row, col)), title, type, min, max);

    public Figure XLog(int row = 1, int col = 1) => XAxis(type: AxisType.Log, row: row, col: col);

    public Figure YLog(int row = 1, int col = 1) => YAxis(type: AxisType.Log, row: row, col: col);

    /// <summary>Legend visibility and, optionally, its position in paper coordinates (0..1).</summary>
    public Figure Legend(bool show = true, double? x = null, double? y = null, bool horizontal = false)
    {
        Layout["showlegend"] = show;
        var legend = JsonBuild.Child(Layout, "legend");
        if (x is double lx) legend["x"] = lx;
        if (y is double ly) legend["y"] = ly;
        if (horizontal) legend["orientation"] = "h";
        return this;
    }

    public Figure HideLegend() => Legend(show: false);

    /// <summary>Sets any layout attribute by dotted path, e.g. <c>Set("xaxis.tickformat", ".0%")</c>.</summary>
    public Figure Set(string path, JsonNode? value)
    {
        JsonBuild.SetPath(Layout, path, value);
        return this;
    }

    /// <summary>Adds an animation frame that replaces traces 0..n-1 (or <paramref name="traceIndices"/>) with <paramref name="traces"/>.</summary>
    public Figure AddFrame(string name, IReadOnlyList<Trace> traces, IReadOnlyList<int>? traceIndices = null, string? title = null)
    {
        _frames.Add(new AnimationFrame(name, traces, traceIndices, title));
        return this;
    }

    public Figure AddFrame(string name, params Trace[] traces) => AddFrame(name, traces, null, null);

    /// <summary>Options of the slider shown when the figure has frames; <paramref name="prefix"/> precedes the frame name ("t = ").</summary>
    public Figure Slider(string prefix = "", bool playButton = true, int frameDurationMs = 400)
    {
        _animation = new AnimationControls(prefix, playButton, frameDurationMs);
        return this;
    }

    /// <summary>The figure as a {"data", "layout", "frames"} JSON object (a fresh copy).</summary>
    public JsonObject ToJsonNode()
    {
        var data = JsonBuild.Array(_traces.Count, i => TraceJson(_traces[i].Trace, _traces[i].Axis));
        var layout = (JsonObject)Layout.DeepClone();
        if (_grid.Rows * _grid.Cols > 1) _grid.WriteAxes(layout);
        if (_subplotTitles.Count > 0)
        {
            var annotations = layout["annotations"] as JsonArray ?? new JsonArray();
            foreach (var a in _grid.TitleAnnotations(_subplotTitles)) annotations.Add((JsonNode)a);
            layout["annotations"] = annotations;
        }
        var figure = new JsonObject { ["data"] = data, ["layout"] = layout };
        if (_frames.Count > 0)
        {
            _animation.WriteTo(layout, _frames);
            figure["frames"] = JsonBuild.Array(_frames.Count, i => _frames[i].ToJson());
        }
        return figure;
    }

    /// <summary>Plotly figure JSON. HTML-sensitive characters are escaped, so it can go inside a script tag as is.</summary>
    public string ToJson(bool indented = false) => JsonBuild.Write(ToJsonNode(), indented);

    public override string ToString() => $"Figure({_traces.Count} traces, {_frames.Count} frames)";

    private Figure Axis(string key, string? title, AxisType? type, double? min, double? max)
    {
        var axis = JsonBuild.Child(Layout, key);
        if (title is not null) axis["title"] = JsonBuild.Title(title);
        if (type is AxisType t) axis["type"] = t.ToPlotly();
        if (min is not null || max is not null)
        {
            if (min is null || max is null) throw new ArgumentException("Give both min and max for an axis range.");
            bool log = (string?)axis["type"] == "log";
            // plotly expects log-axis ranges in log10 units.
            axis["range"] = new JsonArray(log ? Math.Log10(min.Value) : min.Value, log ? Math.Log10(max.Value) : max.Value);
        }
        return this;
    }

    private static JsonNode TraceJson(Trace trace, int axis)
    {
        var json = (JsonObject)trace.Json.DeepClone();
        if (axis != 1)
        {
            json["xaxis"] = SubplotGrid.XRef(axis);
            json["yaxis"] = SubplotGrid.YRef(axis);
        }
        return json;
    }
}
