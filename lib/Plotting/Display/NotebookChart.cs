using Plotly.NET;

namespace RandCond.Plotting;

/// <summary>
/// A Plotly.NET chart as a notebook output: interactive HTML that draws offline, and always an image/png
/// beside it for GitHub, nbconvert and other viewers without JavaScript. Plotly.NET's <see cref="GenericChart"/>
/// cannot carry our formatter attribute, so a cell ends with <c>chart.InNotebook()</c>.
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = new[] { "text/html", "image/png" })]
public sealed class NotebookChart
{
    private byte[]? _png;

    public NotebookChart(GenericChart chart) => Chart = chart ?? throw new ArgumentNullException(nameof(chart));

    public GenericChart Chart { get; }

    /// <summary>The PNG shown by viewers without JavaScript, rendered once (at scale 1: it is for screens).</summary>
    public byte[] Png => _png ??= Chart.ToImage(ImageFormat.Png, scale: 1);

    public string Html => ChartHtml.NotebookFragment(Chart, Png);

    public override string ToString() => $"Chart({GenericChart.countTrace(Chart)} traces)";
}

public static class NotebookChartExtensions
{
    /// <summary>Wraps the chart for display as a notebook cell's output (HTML plus a PNG fallback).</summary>
    public static NotebookChart InNotebook(this GenericChart chart) => new(chart);
}

/// <summary>NotebookChart: text/html (interactive, with the PNG inside), image/png, text/plain.</summary>
public sealed class ChartFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() => new object[]
    {
        ConventionFormatter.For<NotebookChart>("text/html", c => c.Html),
        ConventionFormatter.For<NotebookChart>("image/png", c => Convert.ToBase64String(c.Png)),
        ConventionFormatter.For<NotebookChart>("text/plain", c => c.ToString()),
    };
}
