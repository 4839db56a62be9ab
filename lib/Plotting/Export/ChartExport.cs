using Plotly.NET;

namespace RandCond.Plotting;

/// <summary>Static export of Plotly.NET charts for papers (PNG, SVG, PDF) and standalone HTML pages.</summary>
public static class ChartExport
{
    /// <summary>
    /// Writes the chart to <paramref name="path"/> by its extension: .png (at <paramref name="scale"/> times the
    /// pixel size), .svg, .pdf, or .html (a page that loads the local plotly.min.js, or inlines it when
    /// <paramref name="selfContained"/>). Size defaults to the chart's own, else 800 x 500. Written through a
    /// temporary file and a rename. Returns the full path.
    /// </summary>
    public static string Export(this GenericChart chart, string path, int? width = null, int? height = null,
                                double scale = PaperDefaults.Scale, bool selfContained = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Path.GetExtension(full).Equals(".html", StringComparison.OrdinalIgnoreCase))
            AtomicFile.WriteAllText(full, ChartHtml.Page(chart, selfContained));
        else
            AtomicFile.WriteAllBytes(full, chart.ToImage(ImageFormats.FromPath(full), width, height, scale));
        return full;
    }

    /// <summary>The chart rendered by plotly.js in the process's headless chromium (<see cref="ChartBrowser"/>).</summary>
    public static byte[] ToImage(this GenericChart chart, ImageFormat format, int? width = null, int? height = null,
                                 double scale = PaperDefaults.Scale)
    {
        var figure = ChartJson.Figure(chart, forImage: true);
        var (w, h) = ChartJson.Size(figure);
        w = width ?? w;
        h = height ?? h;
        if (w <= 0 || h <= 0 || !(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(width), $"Chart export needs a positive width, height and scale; got {w} x {h} at scale {scale}.");
        return ChartBrowser.Render(ChartJson.Write(figure), format, w, h, scale);
    }
}
