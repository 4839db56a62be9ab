using RandCond.Diffusion.Training;
using RandCond.Notebooks.Execution;
using RandCond.Training;
using Xunit;

namespace RandCond.Tests.Training;

public class ProgressLineTests
{
    [Fact]
    public void A_first_report_that_comes_after_the_redraw_interval_is_drawn()
    {
        var writer = new StringWriter();
        using var line = new ProgressLine("student", writer, ProgressLineStyle.CarriageReturn);
        Thread.Sleep(ProgressLine.Interval + TimeSpan.FromMilliseconds(200));   // a first training window takes longer than the interval
        line.Report(new DiffusionTrainingProgress(2, 6, 0.5, 10, TimeSpan.FromSeconds(4)));
        Assert.Contains("2/6", line.Text);
        Assert.Contains("2/6", writer.ToString());
    }

    [Fact]
    public void A_report_shows_step_total_values_rate_and_eta()
    {
        using var line = new ProgressLine("teacher", TextWriter.Null, ProgressLineStyle.Lines);

        var text = line.Format(new DiffusionTrainingProgress(120, 1000, 0.0123, 250, TimeSpan.FromSeconds(192)).Snapshot);

        Assert.Equal("teacher [##------------------] 120/1000 (12%)  loss 0.0123  250 img/s  ETA 03:12", text);
    }

    [Fact]
    public void In_a_terminal_the_line_is_rewritten_after_a_carriage_return_at_most_every_half_second_and_ends_with_a_newline()
    {
        var writer = new StringWriter();
        var line = new ProgressLine("", writer, ProgressLineStyle.CarriageReturn);

        for (var step = 1; step <= 1000; step++) line.Report(new ProgressSnapshot(step, 2000, [("loss", 1.0 / step)]));
        line.Report(new ProgressSnapshot(2000, 2000, [("loss", 0.0005)])); // the last step is always drawn
        line.Dispose();

        var text = writer.ToString();
        var draws = text.Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(draws.Length, 2, 4); // the first report, maybe one after 0.5 s, the last
        Assert.StartsWith("[--------------------] 1/2000 (0%)  loss 1.00", draws[0]);
        Assert.Contains("2000/2000 (100%)  loss 5.00e-4", draws[^1]);
        Assert.Contains("done in", draws[^1]);
        Assert.EndsWith("\n", text);
        Assert.DoesNotContain('\n', text[..^1]);
    }

    [Fact]
    public void A_report_held_back_by_the_interval_is_drawn_once_the_interval_has_passed()
    {
        var writer = new StringWriter();
        using var line = new ProgressLine("", writer, ProgressLineStyle.CarriageReturn);

        line.Report(new ProgressSnapshot(1, 10, []));
        line.Report(new ProgressSnapshot(2, 10, []));
        Thread.Sleep(1500);

        Assert.Contains("2/10", line.Text);
    }

    [Fact]
    public async Task In_a_RandCond_cell_the_line_is_one_display_updated_in_place()
    {
        using var executor = new CellExecutor(new CellExecutorOptions
        {
            References = [typeof(ProgressLine).Assembly], Imports = ["RandCond.Training", "RandCond.Diffusion.Training"],
        });
        var live = new List<CellOutput>();

        var result = await executor.ExecuteAsync("""
            ProgressLineStyle style;
            using (var line = new ProgressLine("teacher"))
            {
                IProgress<DiffusionTrainingProgress> progress = line; // what DiffusionTrainer.Train takes
                for (var step = 100; step <= 400; step += 100)
                {
                    progress.Report(new DiffusionTrainingProgress(step, 400, 1.0 / step, 50, TimeSpan.FromSeconds(400 - step)));
                    Thread.Sleep(600);
                }
                style = line.Style;
            }
            style
            """, liveOutput: live.Add);

        Assert.True(result.Succeeded, result.FailureMessage);
        var display = Assert.IsType<DisplayDataOutput>(Assert.Single(result.Outputs, o => o is DisplayDataOutput));
        Assert.Contains("400/400 (100%)  loss 0.0025  50.00 img/s  done in", display.Data["text/plain"]);
        Assert.DoesNotContain(result.Outputs, o => o is StreamOutput);
        Assert.Equal(3, live.OfType<DisplayUpdateOutput>().Count());
        Assert.Equal("Display", Assert.IsType<ExecuteResultOutput>(result.Outputs[^1]).Data["text/plain"]);
    }
}
