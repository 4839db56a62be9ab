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

    [Fact]
    public void Without_inlining_a_chart_keeps_its_png_and_no_plotly_js()
    {
        ChartHtml.ResetInlinedPlotly();
        ChartHtml.InlinePlotlyJs = false;
        try
        {
            var html = MimeFormatter.Format(SampleCharts.LogLineAndBars().InNotebook())["text/html"];
            Assert.True(html.Length < 500_000, $"{html.Length} characters: plotly.js was inlined");
            Assert.DoesNotContain("plotly.js v", html);
            Assert.Contains("data:image/png;base64,", html); // what stays shown where plotly.js is not loaded
            Assert.Contains("if (!window.Plotly) { if (tries++ < 100)", html);
        }
        finally
        {
            ChartHtml.InlinePlotlyJs = true;
            ChartHtml.ResetInlinedPlotly();
        }
    }

    [Fact]
    public void The_runner_tells_its_worker_whether_to_inline_plotly_js()
    {
        var request = new RandCond.Notebooks.Running.WorkerProtocol.Request("/nb", [new(0, "1")], InlinePlotlyJs: false);
        var json = RandCond.Notebooks.Running.WorkerProtocol.ToJson(request).ToJsonString();
        Assert.False(RandCond.Notebooks.Running.WorkerProtocol.ReadRequest(json).InlinePlotlyJs);
        Assert.True(RandCond.Notebooks.Running.WorkerProtocol.ReadRequest("{\"base_directory\": \"/nb\", \"cells\": []}").InlinePlotlyJs);
    }
}
