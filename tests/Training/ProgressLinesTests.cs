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

    [Fact]
    public void In_a_terminal_the_lines_take_turns_on_one_console_line_and_a_finished_one_is_kept()
    {
        var writer = new StringWriter();
        using (var lines = new ProgressLines(writer, ProgressLineStyle.CarriageReturn))
        {
            lines["a long label"].Report(new ProgressSnapshot(1, 4, [("loss", 0.5)]));
            lines["b"].Report(new ProgressSnapshot(1, 4, []));                        // overwrites a, wiping a's longer text
            lines["a long label"].Report(new ProgressSnapshot(4, 4, [("loss", 0.25)])); // a's last step: drawn at once
            lines["b"].Report(new ProgressSnapshot(4, 4, []));                        // a finished, so b starts a new line
        }
        var console = writer.ToString().Split('\n');
        Assert.Equal(3, console.Length);                        // a's final line, b's final line, and one newline at the end
        Assert.Equal("", console[2]);
        var first = console[0].Split('\r');                    // "", a 1/4, b 1/4, a 4/4
        Assert.Equal(4, first.Length);
        Assert.StartsWith("a long label", first[1]);
        Assert.StartsWith("b [", first[2]);
        Assert.True(first[2].Length >= first[1].Length, "b's draw must wipe the rest of a's longer text");
        Assert.Contains("4/4", first[3]);
        Assert.StartsWith("a long label", first[3]);
        Assert.StartsWith("\rb [", console[1]);
        Assert.Contains("4/4", console[1]);
    }
}
