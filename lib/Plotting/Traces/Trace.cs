using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>One plotly trace. <see cref="Json"/> is the trace object itself, open for any attribute this API lacks.</summary>
public abstract class Trace
{
    protected Trace(string type)
    {
        Json["type"] = type;
    }

    public JsonObject Json { get; } = new();

    public string Type => (string)Json["type"]!;

    public string? Name => Json["name"]?.GetValue<string>();
}

/// <summary>Fluent setters shared by every trace kind; each returns the concrete trace.</summary>
public abstract class Trace<TSelf> : Trace where TSelf : Trace<TSelf>
{
    protected Trace(string type) : base(type) { }

    private TSelf Self => (TSelf)this;

    public TSelf Named(string name) { Json["name"] = name; return Self; }

    public TSelf ShowLegend(bool show = true) { Json["showlegend"] = show; return Self; }

    public TSelf LegendGroup(string group) { Json["legendgroup"] = group; return Self; }

    public TSelf Opacity(double opacity) { Json["opacity"] = opacity; return Self; }

    /// <summary>Sets any trace attribute by dotted path, e.g. <c>Set("marker.symbol", "square")</c>.</summary>
    public TSelf Set(string path, JsonNode? value) { JsonBuild.SetPath(Json, path, value); return Self; }

    protected TSelf SetNamed(string? name)
    {
        if (name is not null) Json["name"] = name;
        return Self;
    }
}
