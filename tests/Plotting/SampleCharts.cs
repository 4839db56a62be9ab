using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Plotting;
using Chart = Plotly.NET.CSharp.Chart;

namespace RandCond.Tests.Plotting;

internal static class SampleCharts
{
    /// <summary>A line on a log y axis (values down to 1e-9) next to bars with long category labels.</summary>
    public static GenericChart LogLineAndBars()
    {
        double[] t = Enumerable.Range(0, 50).Select(i => i * 20.0).ToArray();
        var line = Chart.Line<double, double, string>(t, t.Select(x => Math.Exp(-x / 50)), Name: "ᾱ<sub>t</sub>")
            .WithXAxis("teacher step t").WithYAxis("ᾱ<sub>t</sub>", log: true);
        var bars = Chart.Column<double, string, string>(new[] { 3.0, 1.0, 2.0 },
                Keys: new[] { "student · 1000 images · RC exponential", "student · 1000 images · no RC", "teacher" }, Name: "FD")
            .WithYAxis("FD");
        return Chart.Grid(new[] { line, bars }, 1, 2).WithTitle("Sample: ᾱ<sub>t</sub> on a log axis, and FD per model").WithSize(900, 450);
    }
}
