using Xunit;
using RandCond.Notebooks;
using RandCond.Notebooks.Execution;
using RandCond.Notebooks.Parameters;
using RandCond.Notebooks.Running;

namespace RandCond.Tests.Notebooks;

public class NotebookRunnerTests
{
    /// <summary>Writes a Polyglot notebook with one code cell per source (markdown when it starts with "#md ").</summary>
    internal static string WriteNotebook(string path, params string[] cells)
    {
        var notebook = PolyglotFormat.CreateNotebook();
        foreach (var source in cells)
            notebook.Cells.Add(source.StartsWith("#md ")
                ? PolyglotFormat.MarkdownCell(source[4..], Notebook.NewCellId())
                : PolyglotFormat.CodeCell(source, Notebook.NewCellId()));
        NotebookFile.Write(notebook, path);
        return path;
    }

    private static string Status(NotebookCell cell) => (string)cell.Metadata["randcond"]!["status"]!;

    [Fact]
    public void Runs_every_code_cell_and_writes_outputs_counts_and_timing()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("ok.ipynb"),
            "#md # Title", "var x = 20;", "Console.WriteLine(\"hi\");\nx + 1");

        var result = NotebookRunner.Run(path);

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.CellsExecuted);
        var notebook = NotebookFile.Read(path);
        Assert.Equal([null, 1, 2], notebook.Cells.Select(c => c.ExecutionCount));
        Assert.Equal("ok", Status(notebook.Cells[1]));
        Assert.True((double)notebook.Cells[2].Metadata["randcond"]!["duration_s"]! >= 0);
        var outputs = notebook.Cells[2].Outputs;
        Assert.Equal("stream", (string?)outputs[0]!["output_type"]);
        Assert.Equal("hi\n", (string?)outputs[0]!["text"]![0]);
        Assert.Equal("execute_result", (string?)outputs[1]!["output_type"]);
        Assert.Equal(2, (int?)outputs[1]!["execution_count"]);
        Assert.Equal("21", (string?)outputs[1]!["data"]!["text/plain"]![0]);
    }

    [Fact]
    public void A_workers_records_name_the_commit_the_run_started_on_or_the_one_it_was_given()
    {
        using var temp = new TempFolder();
        // Passed down as RANDCOND_COMMIT, which RunRecord.Commit() returns in the worker instead of asking git again.
        var path = WriteNotebook(temp.Combine("commit.ipynb"), "Environment.GetEnvironmentVariable(\"RANDCOND_COMMIT\")");
        string Shown() => (string)NotebookFile.Read(path).Cells[0].Outputs[0]!["data"]!["text/plain"]![0]!;

        Assert.True(NotebookRunner.Run(path).Succeeded);
        Assert.Equal(RandCond.Experiments.RunRecord.Commit(), Shown());

        // A run of several notebooks takes the commit once and hands it to each.
        Assert.True(NotebookRunner.RunAsync(path, null, new NotebookRunOptions { Commit = "0123abc" }).GetAwaiter().GetResult().Succeeded);
        Assert.Equal("0123abc", Shown());
    }

    [Fact]
    public void Compile_error_stops_the_run_and_keeps_earlier_outputs()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("compile.ipynb"),
            "Console.WriteLine(\"first\");", "var a = 1;\nvar b = nope + a;", "Console.WriteLine(\"never\");");

        var result = NotebookRunner.Run(path);

        Assert.False(result.Succeeded);
        var failure = result.Failure!;
        Assert.Equal(1, failure.CellIndex);
        Assert.Equal(CellStatus.CompileError, failure.Status);
        Assert.StartsWith("(2,9): error CS0103:", Assert.Single(failure.Diagnostics));
        Assert.StartsWith("cell 1 failed: (2,9): error CS0103: The name 'nope' does not exist", failure.ToString());
        var error = Assert.Throws<NotebookExecutionException>(result.ThrowIfFailed);
        Assert.Same(failure, error.Failure);

        var notebook = NotebookFile.Read(path);
        Assert.Equal("first\n", (string?)notebook.Cells[0].Outputs[0]!["text"]![0]);
        Assert.Equal("ok", Status(notebook.Cells[0]));
        Assert.Equal("error", Status(notebook.Cells[1]));
        var errorOutput = notebook.Cells[1].Outputs.Single()!;
        Assert.Equal("error", (string?)errorOutput["output_type"]);
        Assert.Contains("(2,9)", (string?)errorOutput["traceback"]![0]);
        Assert.Equal("not-run", Status(notebook.Cells[2]));
        Assert.Empty(notebook.Cells[2].Outputs);
        Assert.Null(notebook.Cells[2].ExecutionCount);
    }

    [Fact]
    public void Runtime_exception_is_recorded_in_the_failing_cell()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("runtime.ipynb"),
            "#md intro", "var data = new int[3];", "data[5] = 1;");
        var outPath = temp.Combine("out/runtime.ipynb");
        var before = File.ReadAllBytes(path);

        var result = NotebookRunner.Run(path, outPath: outPath);

        Assert.Equal(2, result.Failure!.CellIndex);
        Assert.Equal(CellStatus.RuntimeError, result.Failure.Status);
        Assert.StartsWith("cell 2 failed: System.IndexOutOfRangeException:", result.Failure.ToString());
        Assert.Equal(before, File.ReadAllBytes(path)); // --out leaves the input as it was
        var error = NotebookFile.Read(outPath).Cells[2].Outputs.Single()!;
        Assert.Equal("System.IndexOutOfRangeException", (string?)error["ename"]);
    }

    [Fact]
    public void Parameters_are_injected_and_used()
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture("parameters.ipynb");

        var result = NotebookRunner.Run(path, [new("steps", "4"), new("label", "x y")]);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        var notebook = NotebookFile.Read(path);
        var injected = notebook.Cells[2];
        Assert.True(injected.HasTag(ParameterInjector.InjectedTag));
        var last = notebook.Cells[3].Outputs;
        Assert.Equal("steps=4 seed=42 lr=0.001 quick=True label=x y scale=0.5\n", (string?)last[0]!["text"]![0]);
        Assert.Equal("8", (string?)last[1]!["data"]!["text/plain"]![0]);
    }

    [Theory]
    [InlineData("not-json.ipynb")]
    [InlineData("nbformat3.ipynb")]
    public void Unreadable_notebooks_throw_and_are_left_untouched(string fixture)
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture(fixture);
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<NotebookFormatException>(() => NotebookRunner.Run(path));

        Assert.Contains(fixture, error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Unknown_parameter_throws_before_anything_is_written()
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture("parameters.ipynb");
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<NotebookParameterException>(() => NotebookRunner.Run(path, [new("epochs", "1")]));

        Assert.Contains("'epochs'", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Cells_in_other_languages_are_skipped()
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture("polyglot-outputs.ipynb");
        var notebook = NotebookFile.Read(path);
        notebook.Cells.RemoveAt(3); // the cell that throws
        NotebookFile.Write(notebook, path);

        var result = NotebookRunner.Run(path);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        var pwsh = NotebookFile.Read(path).Cells[3];
        Assert.Equal("skipped", Status(pwsh));
        Assert.Empty(pwsh.Outputs);
    }

    [Fact]
    public void A_cell_that_exits_the_process_fails_and_the_notebook_is_still_written()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("exit.ipynb"),
            "Console.WriteLine(\"before\");", "Environment.Exit(0);", "Console.WriteLine(\"never\");");

        var result = NotebookRunner.Run(path);

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.Failure!.CellIndex);
        Assert.Contains("ProcessExited: The cell ended the process (exit code 0)", result.Failure.ToString());
        var notebook = NotebookFile.Read(path);
        Assert.Equal("before\n", (string?)notebook.Cells[0].Outputs[0]!["text"]![0]);
        Assert.Equal("error", Status(notebook.Cells[1]));
        Assert.Equal("ProcessExited", (string?)notebook.Cells[1].Outputs.Single()!["ename"]);
        Assert.Equal("not-run", Status(notebook.Cells[2]));
    }

    [Fact]
    public void A_cell_that_runs_past_the_cell_timeout_fails_with_a_timeout()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("spin.ipynb"), "var x = 1;", "while (true) { }", "Console.WriteLine(x);");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = NotebookRunner.Run(path, cellTimeout: TimeSpan.FromSeconds(8));

        Assert.InRange(clock.Elapsed.TotalSeconds, 8, 90);
        Assert.Equal(1, result.Failure!.CellIndex);
        Assert.Equal(CellStatus.Cancelled, result.Failure.Status);
        Assert.Contains("longer than the cell timeout of 8 s", result.Failure.Message);
        var notebook = NotebookFile.Read(path);
        Assert.Equal("ok", Status(notebook.Cells[0]));
        Assert.Equal("timeout", Status(notebook.Cells[1]));
        Assert.True((double)notebook.Cells[1].Metadata["randcond"]!["duration_s"]! >= 8);
        Assert.Equal("not-run", Status(notebook.Cells[2]));
    }

    [Fact]
    public void Output_of_a_cell_that_does_not_wait_for_its_work_never_corrupts_the_run()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("stray.ipynb"),
            "_ = Task.Run(async () => { for (var i = 0; i < 50; i++) { Console.Out.WriteLine(\"stray\"); await Task.Delay(5); } });",
            "await Task.Delay(300);\n\"done\"");

        var result = NotebookRunner.Run(path);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal(2, result.CellsExecuted);
    }

    [Fact]
    public void A_nuget_reference_is_restored_and_usable()
    {
        using var temp = new TempFolder();
        // xunit.assert 2.9.3 is in the machine's package folder already: the test project restores it.
        var path = WriteNotebook(temp.Combine("nuget.ipynb"),
            "#r \"nuget: xunit.assert, 2.9.3\"",
            "Xunit.Assert.Equal(4, 2 + 2);\ntypeof(Xunit.Assert).Assembly.GetName().Version.ToString()");

        var result = NotebookRunner.Run(path);

        Assert.True(result.Succeeded, result.Failure?.ToString());
        Assert.Equal("2.9.3.0", (string?)NotebookFile.Read(path).Cells[1].Outputs[0]!["data"]!["text/plain"]![0]);
    }

    [Fact]
    public void A_nuget_reference_that_cannot_be_restored_fails_its_cell_with_the_package_named()
    {
        using var temp = new TempFolder();
        var path = WriteNotebook(temp.Combine("nuget-missing.ipynb"), "#r \"nuget: RandCond.No.Such.Package, 9.9.9\"");

        var result = NotebookRunner.Run(path);

        Assert.Equal(0, result.Failure!.CellIndex);
        Assert.Contains("RandCond.No.Such.Package, 9.9.9", result.Failure.Message);
        Assert.Contains("restore failed", result.Failure.Message);
    }
}
