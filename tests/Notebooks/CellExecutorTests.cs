using Xunit;
using RandCond.Notebooks.Execution;

namespace RandCond.Tests.Notebooks;

public class CellExecutorTests
{
    [Fact]
    public async Task Cells_share_state_and_the_last_expression_is_the_result()
    {
        using var executor = new CellExecutor();

        var first = await executor.ExecuteAsync("var xs = new List<int> { 1, 2, 3 };\nint Twice(int v) => 2 * v;");
        var second = await executor.ExecuteAsync("xs.Select(Twice).Sum()");

        Assert.Equal(CellStatus.Ok, first.Status);
        Assert.Empty(first.Outputs);
        Assert.Equal(12, second.ReturnValue);
        var result = Assert.IsType<ExecuteResultOutput>(Assert.Single(second.Outputs));
        Assert.Equal("12", result.Data["text/plain"]);
        Assert.Equal(2, executor.ExecutionCount);
    }

    [Fact]
    public async Task Console_output_is_captured_in_order_with_display()
    {
        using var executor = new CellExecutor();

        var result = await executor.ExecuteAsync("""
            Console.Write("a");
            Console.WriteLine("b");
            Console.Error.WriteLine("warn");
            display(new[] { 1, 2 });
            await Task.Run(() => Console.WriteLine("from a task"));
            """);

        Assert.Equal(CellStatus.Ok, result.Status);
        Assert.Collection(result.Outputs,
            o => Assert.Equal(new StreamOutput("stdout", "ab\n"), o),
            o => Assert.Equal(new StreamOutput("stderr", "warn\n"), o),
            o => Assert.Equal("[1, 2]", Assert.IsType<DisplayDataOutput>(o).Data["text/plain"]),
            o => Assert.Equal(new StreamOutput("stdout", "from a task\n"), o));
    }

    [Fact]
    public async Task Compile_error_reports_diagnostics_with_line_numbers_and_keeps_state()
    {
        using var executor = new CellExecutor();
        await executor.ExecuteAsync("var kept = 41;");

        var failed = await executor.ExecuteAsync("var a = 1;\nvar b = missing + a;");
        var after = await executor.ExecuteAsync("kept + 1");

        Assert.Equal(CellStatus.CompileError, failed.Status);
        var diagnostic = Assert.Single(failed.Diagnostics);
        Assert.StartsWith("(2,9): error CS0103:", diagnostic);
        Assert.Contains("'missing'", diagnostic);
        Assert.Equal("CompilationError", failed.Error!.EName);
        Assert.Equal(diagnostic, failed.FailureMessage);
        Assert.Equal(42, after.ReturnValue);
    }

    [Fact]
    public async Task Runtime_exception_reports_type_message_and_trimmed_trace()
    {
        using var executor = new CellExecutor();

        var result = await executor.ExecuteAsync("""
            Console.WriteLine("before");
            void Fail() => throw new InvalidOperationException("bad schedule");
            Fail();
            """);

        Assert.Equal(CellStatus.RuntimeError, result.Status);
        Assert.Equal(new StreamOutput("stdout", "before\n"), result.Outputs[0]);
        var error = result.Error!;
        Assert.Equal("System.InvalidOperationException", error.EName);
        Assert.Equal("bad schedule", error.EValue);
        Assert.Equal("System.InvalidOperationException: bad schedule", error.Traceback[0]);
        Assert.Contains("   at Fail() in cell, line 2", error.Traceback);
        Assert.Contains("   at <cell> in cell, line 3", error.Traceback);
        Assert.DoesNotContain(error.Traceback, l => l.Contains("Microsoft.CodeAnalysis.Scripting"));
        Assert.Equal("System.InvalidOperationException: bad schedule", result.FailureMessage);
    }

    [Fact]
    public async Task Statements_without_a_trailing_expression_have_no_result()
    {
        using var executor = new CellExecutor();
        var result = await executor.ExecuteAsync("var s = \"text\";");
        Assert.Empty(result.Outputs);
        Assert.Null(result.ReturnValue);
    }

    [Fact]
    public async Task Cancellation_stops_a_cooperative_cell_and_keeps_earlier_state()
    {
        using var executor = new CellExecutor();
        await executor.ExecuteAsync("var n = 7;");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var result = await executor.ExecuteAsync("await Task.Delay(60_000, CancellationToken);", cts.Token);
        var after = await executor.ExecuteAsync("n");

        Assert.Equal(CellStatus.Cancelled, result.Status);
        Assert.True(result.Duration < TimeSpan.FromSeconds(30));
        Assert.Equal(7, after.ReturnValue);
    }

    [Fact]
    public async Task Cancellation_returns_control_even_from_a_tight_loop()
    {
        using var executor = new CellExecutor();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // The loop itself cannot be aborted (it ends on its own after ~3 s); the caller gets control back.
        var result = await executor.ExecuteAsync(
            "var until = DateTime.UtcNow.AddSeconds(3); while (DateTime.UtcNow < until) { }", cts.Token);

        Assert.Equal(CellStatus.Cancelled, result.Status);
        Assert.True(result.Duration < TimeSpan.FromSeconds(2.5), result.Duration.ToString());
    }

    [Fact]
    public async Task Live_output_arrives_while_the_cell_runs_and_the_result_keeps_the_merged_streams()
    {
        using var executor = new CellExecutor();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var live = new System.Collections.Concurrent.ConcurrentQueue<(double Seconds, CellOutput Output)>();

        var result = await executor.ExecuteAsync("""
            Console.WriteLine("one");
            Thread.Sleep(800);
            Console.Write("two");
            Console.Error.WriteLine("warn");
            Thread.Sleep(800);
            display(3);
            "done"
            """, liveOutput: o => live.Enqueue((clock.Elapsed.TotalSeconds, o)));
        var finished = clock.Elapsed.TotalSeconds;

        Assert.Equal(CellStatus.Ok, result.Status);
        var seen = live.ToList();
        Assert.Collection(seen.Select(s => s.Output),
            o => Assert.Equal(new StreamOutput("stdout", "one\n"), o),
            o => Assert.Equal(new StreamOutput("stdout", "two"), o),
            o => Assert.Equal(new StreamOutput("stderr", "warn\n"), o),
            o => Assert.Equal("3", Assert.IsType<DisplayDataOutput>(o).Data["text/plain"]),
            o => Assert.Equal("done", Assert.IsType<ExecuteResultOutput>(o).Data["text/plain"]));
        // "one" was sent within the flush interval of being written, long before the cell ended.
        Assert.True(finished - seen[0].Seconds > 1.2, $"first chunk at {seen[0].Seconds:0.00} s, cell done at {finished:0.00} s");
        Assert.Equal(new StreamOutput("stdout", "one\ntwo"), result.Outputs[0]);
    }

    [Fact]
    public async Task A_display_handle_updates_its_output_in_place_and_tells_live_listeners()
    {
        using var executor = new CellExecutor();
        var live = new List<CellOutput>();

        var result = await executor.ExecuteAsync("""
            var shown = display("step 1");
            Console.WriteLine("between");
            shown.Update("step 2");
            shown.Update("step 3");
            """, liveOutput: live.Add);
        var later = await executor.ExecuteAsync("shown.Update(\"from a later cell\");", liveOutput: live.Add);

        var display = Assert.IsType<DisplayDataOutput>(result.Outputs[0]);
        Assert.Equal("step 3", display.Data["text/plain"]);
        Assert.Equal(new StreamOutput("stdout", "between\n"), result.Outputs[1]);
        Assert.Equal(2, result.Outputs.Count);
        var updates = live.OfType<DisplayUpdateOutput>().ToList();
        Assert.Equal(["step 2", "step 3", "from a later cell"], updates.Select(u => u.Data["text/plain"]));
        Assert.All(updates, u => Assert.Equal(display.DisplayId, u.DisplayId));
        Assert.Empty(later.Outputs); // the earlier cell's output is the front end's to update
    }
}
