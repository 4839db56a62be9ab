using RandCond.Training;

namespace RandCond.Tests.Training;

/// <summary>A line whose first report comes late (a teacher and data load first) draws it instead of overflowing its clock.</summary>
public sealed class ProgressLineFirstReportTests
{
    [Fact]
    public void A_first_report_after_the_interval_is_drawn()
    {
        var writer = new StringWriter();
        using var line = new ProgressLine("late", writer, ProgressLineStyle.Lines);
        Thread.Sleep(ProgressLine.Interval + TimeSpan.FromMilliseconds(200));
        line.Report(new ProgressSnapshot(1, 10, [("loss", 0.5)]));
        Assert.StartsWith("late [##", line.Text);
        Assert.Contains("1/10", writer.ToString());
    }
}
