using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace RandCond.Plotting;

/// <summary>A Plotly.NET chart as plotly.js figure JSON with <see cref="PaperDefaults"/> applied.</summary>
public static class ChartJson
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default, // escapes '<', so the JSON can sit inside a script tag
    };

    /// <summary>{"data", "layout", "frames"} of the chart; <paramref name="forImage"/> drops sliders and buttons, which mean nothing on paper.</summary>
    public static JsonObject Figure(GenericChart chart, bool forImage = false)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        PaperDefaults.Apply(figure);
        if (forImage && figure["layout"] is JsonObject layout)
        {
            layout.Remove("sliders");
            layout.Remove("updatemenus");
        }
        return figure;
    }

    /// <summary>The plotly.js config (no logo, responsive) as JSON.</summary>
    public static string Config => """{"displaylogo":false,"responsive":true}""";

    public static string Write(JsonNode node) => node.ToJsonString(Compact);

    /// <summary>The chart's layout width and height when it set them, else the paper defaults.</summary>
    public static (int Width, int Height) Size(JsonObject figure)
    {
        var layout = figure["layout"] as JsonObject;
        int w = layout?["width"] is JsonValue wv && wv.TryGetValue<int>(out var wi) ? wi : PaperDefaults.Width;
        int h = layout?["height"] is JsonValue hv && hv.TryGetValue<int>(out var hi) ? hi : PaperDefaults.Height;
        return (w, h);
    }
}
