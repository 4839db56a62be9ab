using Xunit;
using RandCond.Cli;
using RandCond.Notebooks;

namespace RandCond.Tests.Notebooks;

public class CliTests
{
    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Run_with_parameters_writes_the_executed_notebook_to_out()
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture("parameters.ipynb");
        var outPath = temp.Combine("executed.ipynb");

        var (exit, stdout, stderr) = Cli("run", path, "-p", "steps=3", "-p", "label=from cli", "--out", outPath);

        Assert.True(exit == 0, stderr);
        Assert.Contains("ok:", stdout);
        var cells = NotebookFile.Read(outPath).Cells;
        Assert.Contains("string label = \"from cli\";", cells[2].Source);
        Assert.Equal("steps=3 seed=42 lr=0.001 quick=True label=from cli scale=0.5\n", (string?)cells[3].Outputs[0]!["text"]![0]);
    }

    [Fact]
    public void Run_of_a_failing_notebook_exits_non_zero_with_the_cell_and_diagnostic()
    {
        using var temp = new TempFolder();
        var path = NotebookRunnerTests.WriteNotebook(temp.Combine("bad.ipynb"), "1 + 1", "#md note", "int x = 1;\nx = y;");

        var (exit, _, stderr) = Cli("run", path);

        Assert.Equal(1, exit);
        Assert.Contains("cell 2 failed: (2,5): error CS0103: The name 'y' does not exist", stderr);
    }

    [Theory]
    [InlineData("not-json.ipynb", "not valid JSON")]
    [InlineData("parameters.ipynb", "unknown parameter 'nope'")]
    public void Run_reports_notebooks_it_cannot_run(string fixture, string message)
    {
        using var temp = new TempFolder();
        var path = temp.CopyFixture(fixture);

        var (exit, _, stderr) = Cli("run", path, "-p", "nope=1");

        Assert.Equal(1, exit);
        Assert.Contains(message, stderr);
    }

    [Theory]
    [InlineData()]
    [InlineData("run")]
    [InlineData("run", "a.ipynb", "b.ipynb")]
    [InlineData("run", "a.ipynb", "-p")]
    [InlineData("run", "a.ipynb", "--bogus")]
    [InlineData("run-all", "notebooks", "--out", "x")]
    [InlineData("frobnicate")]
    public void Bad_arguments_print_usage_and_exit_2(params string[] args)
    {
        var (exit, _, stderr) = Cli(args);
        Assert.Equal(2, exit);
        Assert.Contains("usage:", stderr);
    }

    [Fact]
    public void Run_all_runs_notebooks_in_name_order_and_prints_a_summary()
    {
        using var temp = new TempFolder();
        NotebookRunnerTests.WriteNotebook(temp.Combine("02-fails.ipynb"), "throw new Exception(\"boom\");");
        NotebookRunnerTests.WriteNotebook(temp.Combine("01-ok.ipynb"), "Console.WriteLine(1);");
        File.WriteAllText(temp.Combine("notes.txt"), "not a notebook");

        var (exit, stdout, _) = Cli("run-all", temp.Path);

        Assert.Equal(1, exit);
        Assert.True(stdout.IndexOf("01-ok.ipynb", StringComparison.Ordinal) < stdout.IndexOf("02-fails.ipynb", StringComparison.Ordinal));
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("01-ok.ipynb") && l.Contains(" ok "));
        Assert.Contains(lines, l => l.StartsWith("02-fails.ipynb") && l.Contains("FAILED") && l.Contains("cell 0 failed: System.Exception: boom"));
        Assert.Contains("2 notebooks: 1 ok, 1 failed", stdout);
    }

    [Fact]
    public void Run_all_succeeds_when_every_notebook_does()
    {
        using var temp = new TempFolder();
        File.Copy(Fixtures.PathOf("parameters.ipynb"), temp.Combine("a.ipynb"));
        File.Copy(Fixtures.PathOf("parameters.ipynb"), temp.Combine("b.ipynb"));

        var (exit, stdout, stderr) = Cli("run-all", temp.Path, "-p", "quick=false");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("2 notebooks: 2 ok, 0 failed", stdout);
    }
}
