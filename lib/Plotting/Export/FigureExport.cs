using System.Globalization;
using System.Net;
using System.Text;

namespace RandCond.Plotting;

public sealed partial class Figure
{
    /// <summary>The last PNG rendered by <see cref="Export"/> or <see cref="ToImageBytes"/>, shown by notebook formatters.</summary>
    public byte[]? StaticPng { get; private set; }

    /// <summary>
    /// Renders the figure with plotly.js in headless chromium and writes a PNG, SVG or PDF (by extension).
    /// Width and height default to the figure's size, else 700 x 500; scale multiplies the PNG resolution.
    /// The file is written through a temporary file and a rename. Animated figures export their initial
    /// traces without slider or buttons.
    /// </summary>
    public void Export(string path, int? width = null, int? height = null, double scale = 1, TimeSpan? timeout = null) =>
        AtomicFile.WriteAllBytes(path, ToImageBytes(ImageFormats.FromPath(path), width, height, scale, timeout));

    /// <summary>The figure rendered to PNG, SVG or PDF bytes through headless chromium.</summary>
    public byte[] ToImageBytes(ImageFormat format, int? width = null, int? height = null, double scale = 1, TimeSpan? timeout = null)
    {
        int w = width ?? Width ?? 700, h = height ?? Height ?? 500;
        if (w <= 0 || h <= 0 || !(scale > 0)) throw new ArgumentOutOfRangeException(nameof(width), "Export width, height and scale must be positive.");
        var limit = timeout ?? Chromium.DefaultTimeout;
        var bytes = format switch
        {
            ImageFormat.Png => RenderWithPlotly("png", w, h, scale, limit),
            ImageFormat.Svg => RenderWithPlotly("svg", w, h, 1, limit),
            ImageFormat.Pdf => PrintSvgToPdf(RenderWithPlotly("svg", w, h, 1, limit), w, h, limit),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        if (format == ImageFormat.Png) StaticPng = bytes;
        return bytes;
    }

    private const string ResultId = "randcond-result";
    private const string ErrorId = "randcond-error";

    // Plotly.toImage runs in the page; the result (base64) is put into the DOM, which chromium dumps.
    private byte[] RenderWithPlotly(string format, int width, int height, double scale, TimeSpan timeout)
    {
        var plotly = PlotlyJs.LocateAsFileUri();
        var options = string.Create(CultureInfo.InvariantCulture, $"{{format: \"{format}\", width: {width}, height: {height}, scale: {scale:R}}}");
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n");
        page.Append("<script src=\"").Append(WebUtility.HtmlEncode(plotly)).Append("\"></script>\n</head><body>\n<script>\n");
        page.Append("(function () {\n");
        page.Append("  function report(id, text) { var p = document.createElement(\"pre\"); p.id = id; p.textContent = text; document.body.appendChild(p); }\n");
        page.Append("  function fail(e) { report(\"" + ErrorId + "\", String((e && e.stack) || e)); }\n");
        page.Append("  if (!window.Plotly) { fail(\"plotly.js did not load from ").Append(plotly).Append("\"); return; }\n");
        page.Append("  try {\n    var fig = ").Append(StaticJson()).Append(";\n");
        page.Append("    Plotly.toImage(fig, ").Append(options).Append(").then(function (url) {\n");
        page.Append("""
                  var comma = url.indexOf(","), head = url.slice(0, comma), body = url.slice(comma + 1);
                  if (head.indexOf(";base64") < 0) {
                    var bytes = new TextEncoder().encode(decodeURIComponent(body)), bin = "";
                    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
                    body = btoa(bin);
                  }
                  report("randcond-result", body);
                }, fail);
              } catch (e) { fail(e); }
            })();
            </script>
            </body></html>

            """);
        var dom = RunPage(page.ToString(), timeout, "--dump-dom", "--virtual-time-budget=30000");
        var error = ExtractPre(dom, ErrorId);
        if (error is not null)
            throw new InvalidOperationException($"plotly.js could not render the figure to {format}: {WebUtility.HtmlDecode(error)}");
        var result = ExtractPre(dom, ResultId) ?? throw new PlottingDependencyException(
            $"Chromium rendered the export page but plotly.js produced no {format} within the time budget " +
            $"(plotly.js: {plotly}). Check that the file is plotly.min.js of plotly.js-dist-min {PlotlyJs.Version}.");
        return Convert.FromBase64String(result.Trim());
    }

    // A static image shows the initial traces; slider and play buttons would only be clutter on paper.
    private string StaticJson()
    {
        var node = ToJsonNode();
        node.Remove("frames");
        var layout = node["layout"]!.AsObject();
        layout.Remove("sliders");
        layout.Remove("updatemenus");
        return JsonBuild.Write(node, indented: false);
    }

    private static byte[] PrintSvgToPdf(byte[] svg, int width, int height, TimeSpan timeout)
    {
        var size = $"{width}px {height}px";
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>\n" +
                   $"@page {{ size: {size}; margin: 0; }}\n" +
                   $"html, body {{ margin: 0; padding: 0; width: {width}px; height: {height}px; overflow: hidden; print-color-adjust: exact; -webkit-print-color-adjust: exact; }}\n" +
                   "svg { display: block; }\n</style></head><body>\n" +
                   Encoding.UTF8.GetString(svg) + "\n</body></html>\n";
        var dir = Directory.CreateTempSubdirectory("randcond-pdf-");
        try
        {
            var pdfPath = Path.Combine(dir.FullName, "figure.pdf");
            RunPage(page, timeout, $"--print-to-pdf={pdfPath}", "--no-pdf-header-footer", "--virtual-time-budget=5000");
            if (!File.Exists(pdfPath))
                throw new PlottingDependencyException($"Chromium finished but wrote no PDF to {pdfPath}.");
            return File.ReadAllBytes(pdfPath);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static string RunPage(string html, TimeSpan timeout, params string[] mode)
    {
        var dir = Directory.CreateTempSubdirectory("randcond-export-");
        try
        {
            var pagePath = Path.Combine(dir.FullName, "page.html");
            File.WriteAllText(pagePath, html, new UTF8Encoding(false));
            return Chromium.Run(new Uri(pagePath).AbsoluteUri, mode, timeout);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static string? ExtractPre(string dom, string id)
    {
        var open = $"<pre id=\"{id}\">";
        int start = dom.IndexOf(open, StringComparison.Ordinal);
        if (start < 0) return null;
        start += open.Length;
        int end = dom.IndexOf("</pre>", start, StringComparison.Ordinal);
        return end < 0 ? null : dom[start..end];
    }
}
