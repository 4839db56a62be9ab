namespace RandCond.Plotting;

/// <summary>A histogram of raw values; plotly.js does the binning.</summary>
public sealed class Histogram : Trace<Histogram>
{
    private Histogram(Series values) : base("histogram")
    {
        Json["x"] = values.ToJson();
    }

    public static Histogram Of(Series values, string? name = null, int? bins = null)
    {
        var h = new Histogram(values).SetNamed(name);
        if (bins is int n) h.Json["nbinsx"] = n;
        return h;
    }

    /// <summary>"percent", "probability", "density" or "probability density".</summary>
    public Histogram Normalized(string histnorm = "probability density") => Set("histnorm", histnorm);

    public Histogram Color(string color) => Set("marker.color", color);

    /// <summary>Explicit bins from start to end with the given width.</summary>
    public Histogram Bins(double start, double end, double size) => Set("xbins", new System.Text.Json.Nodes.JsonObject
    {
        ["start"] = start, ["end"] = end, ["size"] = size,
    });
}
