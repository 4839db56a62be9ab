[assembly: RandCond.Plotting.TypeFormatterSource(typeof(RandCond.Plotting.DataFrameFormatterSource))]

namespace RandCond.Plotting;

/// <summary>
/// DataFrame, with its attached TableStyle: text/html, text/markdown, text/plain. DataFrame is not our type, so this source is named
/// by an assembly attribute, which our kernel honours; .NET Interactive shows DataFrames with its own formatter.
/// </summary>
public sealed class DataFrameFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<Microsoft.Data.Analysis.DataFrame>("text/html", f => f.ToHtml()),
        ConventionFormatter.For<Microsoft.Data.Analysis.DataFrame>("text/markdown", f => f.ToMarkdown()),
        ConventionFormatter.For<Microsoft.Data.Analysis.DataFrame>("text/plain", f => f.ToText()),
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
