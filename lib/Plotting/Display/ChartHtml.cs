using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace RandCond.Plotting;

/// <summary>HTML for Plotly.NET charts that draws offline: plotly.js comes from the local npm package, never a CDN.</summary>
public static class ChartHtml
{
    private static int _inlinedInProcess;

    /// <summary>Whether the first <see cref="NotebookFragment"/> of the process inlines plotly.js (the default).</summary>
    public static bool InlinePlotlyJs { get; set; } = true;

    /// <summary>
    /// A complete page. It loads plotly.min.js from its local file:// path, or inlines it (about 4.8 MB) when
    /// <paramref name="selfContained"/>, for pages that travel to other machines.
    /// </summary>
    public static string Page(GenericChart chart, bool selfContained = false)
    {
        var figure = ChartJson.Figure(chart);
        var html = new StringBuilder();
        // charset first: the inlined script contains non-ASCII characters (minus signs) that break under Latin-1.
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(TitleOf(figure) ?? "RandCond chart")).Append("</title>\n");
        if (selfContained) html.Append("<script>").Append(PlotlyJs.ReadInlineable()).Append("</script>\n");
        else html.Append("<script src=\"").Append(WebUtility.HtmlEncode(PlotlyJs.LocateAsFileUri())).Append("\"></script>\n");
        html.Append("</head>\n<body>\n<div id=\"chart\" style=\"").Append(SizeStyle(figure)).Append("\"></div>\n");
        html.Append("<script>\nPlotly.newPlot(\"chart\", ").Append(ChartJson.Write(figure)).Append(", ")
            .Append(ChartJson.Config).Append(");\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>
    /// A notebook output fragment: the static PNG inside the chart's div (what viewers without JavaScript,
    /// such as GitHub, show), then a script that replaces it by the interactive chart. The first fragment
    /// of a process inlines plotly.js, so the notebook draws offline; later ones wait for it.
    /// </summary>
    public static string NotebookFragment(GenericChart chart, byte[]? png)
    {
        var figure = ChartJson.Figure(chart);
        var (width, height) = ChartJson.Size(figure);
        string id = "randcond-chart-" + Guid.NewGuid().ToString("N")[..12];
        var html = new StringBuilder();
        if (InlinePlotlyJs && Interlocked.Exchange(ref _inlinedInProcess, 1) == 0)
            html.Append("<meta charset=\"utf-8\">\n<script type=\"text/javascript\">if (!window.Plotly) {\n")
                .Append(PlotlyJs.ReadInlineable()).Append("\n}</script>\n");
        html.Append("<div id=\"").Append(id).Append("\" style=\"").Append(SizeStyle(figure)).Append("\">");
        if (png is not null)
            html.Append("<img alt=\"").Append(WebUtility.HtmlEncode(TitleOf(figure) ?? "chart")).Append("\" style=\"width:")
                .Append(width).Append("px;max-width:100%\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">");
        html.Append("</div>\n<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var fig = ").Append(ChartJson.Write(figure)).Append(";\n");
        html.Append("  var id = \"").Append(id).Append("\";\n");
        html.Append("  var config = ").Append(ChartJson.Config).Append(";\n");
        html.Append("""
              var tries = 0;
              function draw() {
                var div = document.getElementById(id);
                if (!div) return;
                if (!window.Plotly) { if (tries++ < 100) setTimeout(draw, 100); return; }
                div.innerHTML = "";
                window.Plotly.newPlot(div, fig, config);
              }
              draw();
            })();
            </script>
            """);
        return html.ToString();
    }

    /// <summary>Lets the next fragment inline plotly.js again (for a new notebook in the same process).</summary>
    public static void ResetInlinedPlotly() => Interlocked.Exchange(ref _inlinedInProcess, 0);

    private static string SizeStyle(JsonObject figure)
    {
        var (width, height) = ChartJson.Size(figure);
        return $"width:{width}px;max-width:100%;height:{height}px;";
    }

    private static string? TitleOf(JsonObject figure) =>
        figure["layout"]?["title"] is JsonObject t ? t["text"]?.GetValue<string>() : figure["layout"]?["title"]?.GetValue<string>();
}
