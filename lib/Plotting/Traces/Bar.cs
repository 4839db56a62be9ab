namespace RandCond.Plotting;

/// <summary>A bar trace: one bar per category.</summary>
public sealed class Bar : Trace<Bar>
{
    private Bar(Series x, Series y) : base("bar")
    {
        Json["x"] = x.ToJson();
        Json["y"] = y.ToJson();
    }

    public static Bar Of(Series categories, Series values, string? name = null) => new Bar(categories, values).SetNamed(name);

    /// <summary>Horizontal bars: categories on the y axis.</summary>
    public static Bar Horizontal(Series categories, Series values, string? name = null)
    {
        var bar = new Bar(values, categories).SetNamed(name);
        bar.Json["orientation"] = "h";
        return bar;
    }

    public Bar Color(string color) => Set("marker.color", color);

    public Bar ErrorY(Series error) => Set("error_y", new System.Text.Json.Nodes.JsonObject
    {
        ["type"] = "data", ["array"] = error.ToJson(), ["visible"] = true,
    });

    /// <summary>Writes each value on its bar.</summary>
    public Bar ShowValues(string textTemplate = "%{value:.3g}") => Set("texttemplate", textTemplate).Set("textposition", "auto");
}
