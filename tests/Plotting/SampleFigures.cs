using RandCond.Plotting;

namespace RandCond.Tests.Plotting;

internal static class SampleFigures
{
    /// <summary>Scatter + heatmap in a 1x2 grid, a log y axis, and three frames with a slider over t.</summary>
    public static Figure ScatterHeatmapSlider()
    {
        double[] ts = { 100, 200, 400, 600, 800 };
        double[] fd = { 40, 22, 9.5, 4.1, 2.0 };
        var z = new double[16, 16];
        for (int r = 0; r < 16; r++)
        for (int c = 0; c < 16; c++)
            z[r, c] = Math.Sin(r / 3.0) * Math.Cos(c / 4.0);
        var figure = new Figure()
            .Subplots(1, 2, titles: new[] { "FD over t", "density" })
            .Add(Scatter.LinesMarkers(ts, fd, name: "RC").Color("#1f77b4"), row: 1, col: 1)
            .Add(Heatmap.Of(z).ColorScale("Viridis"), row: 1, col: 2)
            .XAxis(title: "t", row: 1, col: 1)
            .YAxis(title: "FD", row: 1, col: 1)
            .YLog(row: 1, col: 1)
            .Title("Scatter, heatmap and slider")
            .Size(800, 400)
            .Slider(prefix: "t = ");
        foreach (var t in new[] { 200, 400, 800 })
            figure.AddFrame(t.ToString(), Scatter.LinesMarkers(ts, fd.Select(v => v * t / 400.0).ToArray(), name: "RC"));
        return figure;
    }
}
