using RandCond.Training;
using Xunit;

namespace RandCond.Tests.Training;

public class ProgressLinesTests
{
    [Fact]
    public void A_label_gets_one_line_made_on_first_use_and_every_line_ends_with_the_set()
    {
        var writer = new StringWriter();
        var lines = new ProgressLines(writer, ProgressLineStyle.Lines);
        var first = lines["student a"];
        Assert.Same(first, lines["student a"]);
        lines["student b"].Report(new ProgressSnapshot(1, 4, [("loss", 0.5)]));
        first.Report(new ProgressSnapshot(2, 4, [("loss", 0.25)]));
        Assert.Equal(["student a", "student b"], lines.Lines.Select(l => l.Text.Split(' ')[0] + " " + l.Text.Split(' ')[1]));

        lines.Dispose();
        lines.Dispose();
        Assert.Contains("student a [##########----------] 2/4", writer.ToString());
        Assert.Contains("student b [#####---------------] 1/4", writer.ToString());
        first.Report(new ProgressSnapshot(3, 4, []));   // an ended line ignores later reports
        Assert.Contains("2/4", first.Text);
        Assert.Throws<ObjectDisposedException>(() => lines["student c"]);
    }
}
