namespace RandCond.Plotting;

/// <summary>A scatter trace drawn as lines, markers or both.</summary>
public sealed class Scatter : Trace<Scatter>
{
    private Scatter(Series x, Series y, string mode) : base("scatter")
    {
        Json["x"] = x.ToJson();
        Json["y"] = y.ToJson();
        Json["mode"] = mode;
    }

    public static Scatter Line(Series x, Series y, string? name = null) => new Scatter(x, y, "lines").SetNamed(name);

    public static Scatter Markers(Series x, Series y, string? name = null) => new Scatter(x, y, "markers").SetNamed(name);

    public static Scatter LinesMarkers(Series x, Series y, string? name = null) => new Scatter(x, y, "lines+markers").SetNamed(name);

    /// <summary>Line and marker color (any CSS color).</summary>
    public Scatter Color(string color)
    {
        Set("line.color", color);
        return Set("marker.color", color);
    }

    public Scatter LineWidth(double width) => Set("line.width", width);

    /// <summary>"solid", "dot", "dash", "longdash", "dashdot".</summary>
    public Scatter Dash(string dash) => Set("line.dash", dash);

    public Scatter MarkerSize(double size) => Set("marker.size", size);

    /// <summary>Symmetric error bars on y (e.g. one standard deviation).</summary>
    public Scatter ErrorY(Series error) => Set("error_y", new System.Text.Json.Nodes.JsonObject
    {
        ["type"] = "data", ["array"] = error.ToJson(), ["visible"] = true,
    });

    /// <summary>"tozeroy", "tonexty", "toself", ...</summary>
    public Scatter Fill(string fill) => Set("fill", fill);
}
