using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>
/// Defaults every rendered chart gets unless the chart sets them itself: readable fonts, every axis with
/// automargin (long category labels are never cut off), and exponents as powers of ten ("10⁻⁹", never
/// plotly's SI suffix "1n"). Exports default to <see cref="Scale"/> times the chart's pixel size.
/// </summary>
public static class PaperDefaults
{
    public const int Width = 800;
    public const int Height = 500;
    public const double Scale = 2;
    public const int FontSize = 14;
    public const int TitleFontSize = 18;
    public const string FontFamily = "DejaVu Sans, Arial, sans-serif";

    /// <summary>Fills in the defaults in a figure JSON object's layout (in place) and returns it.</summary>
    public static JsonObject Apply(JsonObject figure)
    {
        if (figure["layout"] is not JsonObject layout) figure["layout"] = layout = new JsonObject();
        var font = Child(layout, "font");
        font["size"] ??= FontSize;
        font["family"] ??= FontFamily;
        if (layout["title"] is JsonObject title) Child(title, "font")["size"] ??= TitleFontSize;
        foreach (var (key, value) in layout.ToList())
        {
            if (value is not JsonObject axis || !(key.StartsWith("xaxis") || key.StartsWith("yaxis"))) continue;
            axis["automargin"] ??= true;
            axis["exponentformat"] ??= "power";
        }
        // The template's axes apply to every axis the layout does not mention (subplots included).
        if (layout["template"] is JsonObject template)
            foreach (var axisKey in new[] { "xaxis", "yaxis" })
            {
                var axis = Child(Child(template, "layout"), axisKey);
                axis["automargin"] ??= true;
                axis["exponentformat"] ??= "power";
            }
        return figure;
    }

    private static JsonObject Child(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject child) return child;
        child = new JsonObject();
        parent[key] = child;
        return child;
    }
}
