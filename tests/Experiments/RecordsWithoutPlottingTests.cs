using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Plotting;
using RandCond.Tests.Plotting;
using Xunit;

namespace RandCond.Tests.Labs;

// A bare GPU host has neither plotly.js nor Chromium: a study that trained for minutes must still keep its record.
[Collection(ChromiumCollection.Name)]
public sealed class RecordsWithoutPlottingTests
{
    [Fact]
    public void An_ablation_record_is_written_without_plotlyjs_and_says_which_figures_are_missing()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rc-no-plotly-{Guid.NewGuid():N}");
        var old = Environment.GetEnvironmentVariable(PlotlyJs.EnvironmentVariable);
        try
        {
            ChartBrowser.Shutdown();
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, "/nonexistent/plotly.min.js");
            var result = AblationResult.Recorded("ablation-family-random-paper-cuda.json");
            var log = new StringWriter();
            string path;
            using (RepoPaths.WritingTo(folder))
                path = AblationsLab.Record(AblationConfig.Paper, result, log);

            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.Null((string?)json["figure_html"]);
            Assert.Null((string?)json["figure_png"]);
            Assert.Equal(result.Rows.Count, json["rows"]!.AsArray().Count);
            Assert.True(File.Exists(Path.ChangeExtension(path, ".md")));
            Assert.True(File.Exists(Path.ChangeExtension(path, ".tex")));
            Assert.False(File.Exists(Path.ChangeExtension(path, ".html")));
            Assert.Contains(".html not written", log.ToString());
            Assert.Contains("/nonexistent/plotly.min.js", log.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlotlyJs.EnvironmentVariable, old);
            ChartBrowser.Shutdown();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Only_a_missing_dependency_is_forgiven()
    {
        var log = new StringWriter();
        Assert.Null(OptionalFigure.Write("/tmp/x.png", _ => throw new DllNotFoundException("libSkiaSharp"), log));
        Assert.Contains("x.png not written: libSkiaSharp", log.ToString());
        Assert.Throws<IOException>(() => OptionalFigure.Write("/tmp/x.png", _ => throw new IOException("disk full"), log));
        Assert.Equal("y.png", OptionalFigure.Write("/tmp/y.png", _ => { }, log));
    }
}
