using System.Reflection;
using RandCond.Notebooks.Execution;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

[Collection(ChromiumCollection.Name)]
public class ChartDisplayTests
{
    [Fact]
    public void Notebook_chart_carries_the_formatter_attribute_hosts_look_for()
    {
        var attribute = typeof(NotebookChart).GetCustomAttributes().Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        Assert.Equal(typeof(ChartFormatterSource), attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute));
    }

    [Fact]
    public void Kernel_bundle_has_offline_html_with_the_png_inside_and_a_png_beside_it()
    {
        ChartHtml.ResetInlinedPlotly();
        var first = MimeFormatter.Format(SampleCharts.LogLineAndBars().InNotebook());
        var png = Convert.FromBase64String(first["image/png"]);
        Assert.Equal((900, 450), ExportTests.PngSize(png));
        var html = first["text/html"];
        Assert.StartsWith("<meta charset=\"utf-8\">", html);
        Assert.True(html.Length > 1_000_000, "the first chart of a process inlines plotly.js");
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("src=\"https://", html);
        Assert.Equal("Chart(2 traces)", first["text/plain"]);

        var second = MimeFormatter.Format(SampleCharts.LogLineAndBars().InNotebook())["text/html"];
        Assert.True(second.Length < 500_000, "later charts reuse the inlined plotly.js");
        Assert.Contains("data:image/png;base64,", second);
    }
}
