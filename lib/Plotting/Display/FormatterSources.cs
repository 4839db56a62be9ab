namespace RandCond.Plotting;

/// <summary>
/// Figure: text/html (interactive plotly), image/png (the exported PNG, else one rendered now: hosts that honour the
/// preferred mime types, as .NET Interactive does, write an empty image for a formatter that declines), text/plain.
/// </summary>
public sealed class FigureFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<Figure>("text/html", f => f.ToNotebookHtml()),
        ConventionFormatter.For<Figure>("image/png", f => Convert.ToBase64String(f.StaticPng ?? f.ToImageBytes(ImageFormat.Png))),
        ConventionFormatter.For<Figure>("text/plain", f => f.ToString()),
    };
}

/// <summary>Table: text/html, text/markdown, text/plain.</summary>
public sealed class TableFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<Table>("text/html", t => t.ToHtml()),
        ConventionFormatter.For<Table>("text/markdown", t => t.ToMarkdown()),
        ConventionFormatter.For<Table>("text/plain", t => t.ToText()),
    };
}

/// <summary>ImageGrid: image/png (base64), text/html (an img element with the PNG inline), text/plain.</summary>
public sealed class ImageGridFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<ImageGrid>("image/png", g => Convert.ToBase64String(g.ToPng())),
        ConventionFormatter.For<ImageGrid>("text/html", g => g.ToHtml()),
        ConventionFormatter.For<ImageGrid>("text/plain", g => g.ToString()),
    };
}

/// <summary>RgbImage: image/png (base64), text/plain.</summary>
public sealed class RgbImageFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<RgbImage>("image/png", i => Convert.ToBase64String(i.ToPng())),
        ConventionFormatter.For<RgbImage>("text/plain", i => i.ToString()),
    };
}
