using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

[Collection(ChromiumCollection.Name)]
public class HtmlTests
{
    [Fact]
    public void Self_contained_html_inlines_plotlyjs()
    {
        var html = SampleFigures.ScatterHeatmapSlider().ToHtml(selfContained: true);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script src=", html);
        Assert.True(html.Length > 1_000_000, "plotly.min.js should be inlined");
        Assert.Contains("Plotly.newPlot(\"randcond-figure\", {\"data\":[", html);
        Assert.Contains("\"frames\":[", html);
    }

    [Fact]
    public void Linked_html_references_plotlyjs_by_path()
    {
        var html = new Figure().Add(Scatter.Line(new[] { 1, 2 }, new[] { 3, 4 })).Size(300, 200).ToHtml(selfContained: false);
        Assert.Contains("<script src=\"file:///", html);
        Assert.Contains("plotly.min.js\"></script>", html);
        Assert.Contains("style=\"width:300px;height:200px;\"", html);
        Assert.True(html.Length < 10_000);

        var custom = new Figure().ToHtml(selfContained: false, plotlyJsSrc: "js/plotly.min.js");
        Assert.Contains("<script src=\"js/plotly.min.js\"></script>", custom);
    }

    [Fact]
    public void Save_html_writes_the_page()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "fig.html");
            new Figure().Title("saved").SaveHtml(path, selfContained: false);
            Assert.Contains("<title>saved</title>", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

[Collection(ChromiumCollection.Name)]
public class HtmlRenderTests
{
    [Fact]
    public void Self_contained_page_draws_in_chromium()
    {
        var dom = RenderPage(SampleFigures.ScatterHeatmapSlider().ToHtml(selfContained: true));
        Assert.Contains("class=\"main-svg\"", dom);
        Assert.Contains("slider-container", dom);
    }

    [Fact]
    public void Notebook_fragment_loads_plotlyjs_and_draws()
    {
        var old = PlotlyJs.NotebookSource;
        try
        {
            PlotlyJs.NotebookSource = new Uri(PlotlyJs.Locate()).AbsoluteUri;
            var fragment = SampleFigures.ScatterHeatmapSlider().ToNotebookHtml();
            var dom = RenderPage("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + fragment + "</body></html>");
            Assert.Contains("class=\"main-svg\"", dom);
        }
        finally
        {
            PlotlyJs.NotebookSource = old;
        }
    }

    private static string RenderPage(string html)
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "page.html");
            File.WriteAllText(path, html);
            return Chromium.DumpDom(path);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
