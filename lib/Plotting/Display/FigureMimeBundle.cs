namespace RandCond.Plotting;

public sealed partial class Figure
{
    /// <summary>Plotly's JSON mime type, rendered natively by JupyterLab and nteract.</summary>
    public const string PlotlyMimeType = "application/vnd.plotly.v1+json";

    /// <summary>
    /// Mime type → content for notebook outputs: text/html, the plotly JSON, text/plain, and image/png
    /// (base64) when a PNG exists or <paramref name="renderPng"/> asks to render one now through chromium.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToMimeBundle(bool renderPng = false)
    {
        if (renderPng) ToImageBytes(ImageFormat.Png);
        var bundle = new Dictionary<string, string>
        {
            ["text/html"] = ToNotebookHtml(),
            [PlotlyMimeType] = ToJson(),
            ["text/plain"] = ToString(),
        };
        if (StaticPng is not null) bundle["image/png"] = Convert.ToBase64String(StaticPng);
        return bundle;
    }
}
