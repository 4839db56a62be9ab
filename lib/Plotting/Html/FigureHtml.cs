using System.Net;
using System.Text;

namespace RandCond.Plotting;

public sealed partial class Figure
{
    /// <summary>
    /// A complete HTML page showing the figure. Self-contained pages inline plotly.min.js (about 4.8 MB);
    /// otherwise the page loads it from <paramref name="plotlyJsSrc"/>, by default the located file's file:// URI.
    /// </summary>
    public string ToHtml(bool selfContained = true, string? plotlyJsSrc = null, string? pageTitle = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(pageTitle ?? TitleText ?? "RandCond figure")).Append("</title>\n");
        if (selfContained) html.Append("<script>").Append(PlotlyJs.ReadInlineable()).Append("</script>\n");
        else html.Append("<script src=\"").Append(WebUtility.HtmlEncode(plotlyJsSrc ?? PlotlyJs.LocateAsFileUri())).Append("\"></script>\n");
        html.Append("</head>\n<body>\n");
        string id = "randcond-figure";
        html.Append(DivTag(id)).Append('\n');
        html.Append("<script>\nPlotly.newPlot(\"").Append(id).Append("\", ").Append(FigureWithConfigJson()).Append(");\n</script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes <see cref="ToHtml"/> to a file (through a temporary file, so never half-written).</summary>
    public void SaveHtml(string path, bool selfContained = true, string? plotlyJsSrc = null) =>
        AtomicFile.WriteAllText(path, ToHtml(selfContained, plotlyJsSrc));

    /// <summary>
    /// An HTML fragment for notebooks: a div plus a script that loads plotly.js from
    /// <see cref="PlotlyJs.NotebookSource"/> if the page lacks it (also under require.js, as in classic Jupyter).
    /// </summary>
    public string ToNotebookHtml()
    {
        string id = "randcond-" + Guid.NewGuid().ToString("N")[..12];
        string src = JsonBuild.Write(System.Text.Json.Nodes.JsonValue.Create(PlotlyJs.NotebookSource), false);
        var html = new StringBuilder();
        html.Append(DivTag(id)).Append('\n');
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var fig = ").Append(FigureWithConfigJson()).Append(";\n");
        html.Append("  var src = ").Append(src).Append(";\n");
        html.Append("  function draw(P) { P.newPlot(\"").Append(id).Append("\", fig); }\n");
        html.Append("""
              if (window.Plotly) { draw(window.Plotly); }
              else if (typeof window.requirejs === "function") {
                window.requirejs.config({ paths: { randcondPlotly: src.replace(/\.js$/, "") } });
                window.requirejs(["randcondPlotly"], function (P) { window.Plotly = P; draw(P); });
              } else {
                var s = document.createElement("script");
                s.src = src;
                s.onload = function () { draw(window.Plotly); };
                document.head.appendChild(s);
              }
            })();
            </script>
            """);
        return html.ToString();
    }

    private string? TitleText => Layout["title"]?["text"]?.GetValue<string>();

    private string DivTag(string id)
    {
        string w = Width is int width ? $"{width}px" : "100%";
        string h = Height is int height ? $"{height}px" : "450px";
        return $"<div id=\"{id}\" style=\"width:{w};height:{h};\"></div>";
    }

    private string FigureWithConfigJson()
    {
        var node = ToJsonNode();
        node["config"] = Config.DeepClone();
        return JsonBuild.Write(node, indented: false);
    }
}
