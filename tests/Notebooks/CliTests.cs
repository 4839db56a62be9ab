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
        var before = File.ReadAllBytes(path);
        var outFolder = temp.Combine("out");

        var (exit, stdout, stderr) = Cli("run", path, "-p", "steps=3", "-p", "label=from cli", "--out", outFolder);

        Assert.True(exit == 0, stderr);
        Assert.Contains("ok:", stdout);
        Assert.Equal(before, File.ReadAllBytes(path));
        var cells = NotebookFile.Read(Path.Combine(outFolder, "parameters.ipynb")).Cells;
        Assert.Contains("string label = \"from cli\";", cells[2].Source);
        Assert.Equal("steps=3 seed=42 lr=0.001 quick=True label=from cli scale=0.5\n", (string?)cells[3].Outputs[0]!["text"]![0]);
    }

    [Fact]
    public void Run_of_a_failing_notebook_exits_non_zero_with_the_cell_and_diagnostic()
    {
        using var temp = new TempFolder();
        var path = NotebookRunnerTests.WriteNotebook(temp.Combine("bad.ipynb"), "1 + 1", "#md note", "int x = 1;\nx = y;");

        var (exit, _, stderr) = Cli("run", path, "--out", temp.Combine("out"));

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

        var (exit, _, stderr) = Cli("run", path, "-p", "nope=1", "--out", temp.Combine("out"));

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
    }

    [Theory]
    [InlineData()]
    [InlineData("run")]
    [InlineData("run", "a.ipynb", "b.ipynb")]
    [InlineData("run", "a.ipynb", "-p")]
    [InlineData("run", "a.ipynb", "--bogus")]
    [InlineData("run-all", "notebooks", "--out", "x", "--in-place")]
    [InlineData("run", "a.ipynb", "--out", "b.ipynb")]
    [InlineData("run", "a.ipynb", "--cell-timeout", "0")]
    [InlineData("run", "a.ipynb", "--cell-timeout", "soon")]
    [InlineData("run", "a.ipynb", "--cell-timeout")]
    [InlineData("frobnicate")]
    public void Bad_arguments_print_usage_and_exit_2(params string[] args)
    {
        var (exit, _, stderr) = Cli(args);
        Assert.Equal(2, exit);
        Assert.Contains("error: ", stderr);
        Assert.Contains("Usage:", stderr); // the command's help, on stderr
    }

    [Fact]
    public void Run_all_runs_notebooks_in_name_order_and_prints_a_summary()
    {
        using var temp = new TempFolder();
        NotebookRunnerTests.WriteNotebook(temp.Combine("02-fails.ipynb"), "throw new Exception(\"boom\");");
        NotebookRunnerTests.WriteNotebook(temp.Combine("01-ok.ipynb"), "Console.WriteLine(1);");
        File.WriteAllText(temp.Combine("notes.txt"), "not a notebook");

        var (exit, stdout, _) = Cli("run-all", temp.Path, "--out", temp.Combine("out"));

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

        var (exit, stdout, stderr) = Cli("run-all", temp.Path, "-p", "quick=false", "--out", temp.Combine("out"));

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("2 notebooks: 2 ok, 0 failed", stdout);
    }

    /// <summary>A notebook that exports, as the committed ones do: its parameters cell declares outDir.</summary>
    private static string WriteExportingNotebook(string path)
    {
        var notebook = PolyglotFormat.CreateNotebook();
        notebook.Cells.Add(PolyglotFormat.CodeCell("string outDir = \"exports-here\";", Notebook.NewCellId(), "parameters"));
        notebook.Cells.Add(PolyglotFormat.CodeCell(
            "var dir = RandCond.Notebooks.NotebookPaths.Resolve(outDir);\nDirectory.CreateDirectory(dir);\n" +
            "File.WriteAllText(Path.Combine(dir, \"export.txt\"), \"exported\");", Notebook.NewCellId()));
        NotebookFile.Write(notebook, path);
        return path;
    }

    [Fact]
    public void Run_writes_the_notebook_and_its_exports_under_the_repository_cache_by_default()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("RandCond.Lib.csproj"), "<Project />"); // makes temp a repository root
        Directory.CreateDirectory(temp.Combine("notebooks"));
        var path = WriteExportingNotebook(temp.Combine("notebooks/10-export.ipynb"));
        var before = File.ReadAllBytes(path);

        var (exit, stdout, stderr) = Cli("run", path);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(Directory.Exists(temp.Combine("notebooks/exports-here")));
        var cache = temp.Combine(".cache/notebooks");
        Assert.Equal("exported", File.ReadAllText(Path.Combine(cache, "exports", "export.txt")));
        var executed = NotebookFile.Read(Path.Combine(cache, "10-export.ipynb"));
        Assert.Contains($"string outDir = \"{Path.Combine(cache, "exports")}\";", executed.Cells[1].Source);
    }

    [Fact]
    public void Run_in_place_updates_the_notebook_and_exports_where_it_says()
    {
        using var temp = new TempFolder();
        var path = WriteExportingNotebook(temp.Combine("export.ipynb"));

        var (exit, stdout, stderr) = Cli("run", path, "--in-place");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal("exported", File.ReadAllText(temp.Combine("exports-here/export.txt")));
        var cells = NotebookFile.Read(path).Cells;
        Assert.Equal(2, cells.Count); // no injected cell: nothing was overridden
        Assert.Equal("ok", (string?)cells[1].Metadata["randcond"]?["status"]);
    }

    [Fact]
    public void An_outDir_given_on_the_command_line_wins_over_the_output_folder()
    {
        using var temp = new TempFolder();
        var path = WriteExportingNotebook(temp.Combine("export.ipynb"));
        var mine = temp.Combine("mine");

        var (exit, stdout, stderr) = Cli("run", path, "--out", temp.Combine("out"), "-p", $"outDir={mine}");

        Assert.True(exit == 0, stdout + stderr);
        Assert.True(File.Exists(Path.Combine(mine, "export.txt")));
        Assert.False(Directory.Exists(temp.Combine("out/exports")));
    }

    [Fact]
    public void Run_all_writes_every_notebook_to_the_output_folder_and_leaves_the_sources()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("in"));
        var a = WriteExportingNotebook(temp.Combine("in/a.ipynb"));
        var b = NotebookRunnerTests.WriteNotebook(temp.Combine("in/b.ipynb"), "Console.WriteLine(2);");
        var before = new[] { a, b }.Select(File.ReadAllBytes).ToList();

        var (exit, stdout, stderr) = Cli("run-all", temp.Combine("in"), "--out", temp.Combine("out"));

        Assert.True(exit == 0, stdout + stderr);
        Assert.Equal(before, new[] { a, b }.Select(File.ReadAllBytes).ToList());
        Assert.Equal(["a.ipynb", "b.ipynb"], Directory.GetFiles(temp.Combine("out"), "*.ipynb").Select(Path.GetFileName).Order());
        Assert.True(File.Exists(temp.Combine("out/exports/export.txt")));
        Assert.Equal(["a.ipynb", "b.ipynb"], Directory.GetFiles(temp.Combine("in")).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"\", \"metadata\": {\"dotnet_interactive\": \"csharp\"}}]}",
                "$.cells[0].metadata.dotnet_interactive: must be an object")]
    [InlineData("{\"nbformat\": 4, \"nbformat_minor\": \"5\", \"cells\": []}", "$.nbformat_minor: must be an integer")]
    [InlineData("{\"nbformat\": 4, \"cells\": [], \"cells\": []}", "Duplicate")]
    [InlineData("", "not valid JSON")]
    public void Run_of_a_malformed_notebook_prints_one_line_naming_it_and_exits_2(string json, string problem)
    {
        using var temp = new TempFolder();
        var path = temp.Combine("bad.ipynb");
        File.WriteAllText(path, json);

        var (exit, _, stderr) = Cli("run", path, "--out", temp.Combine("out"));

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(path, line);
        Assert.Contains(problem, line);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Theory]
    [InlineData("run", "/nonexistent/x.ipynb")]
    [InlineData("run", "/")]
    [InlineData("run-all", "/nonexistent")]
    public void Missing_or_unreadable_inputs_give_one_line_and_exit_2(params string[] args)
    {
        var (exit, _, stderr) = Cli([.. args, "--out", Path.Combine(Path.GetTempPath(), "randcond-never-written")]);

        Assert.Equal(2, exit);
        Assert.Contains(args[1], stderr);
        Assert.DoesNotContain("   at ", stderr); // a message, not a stack trace
    }

    [Fact]
    public void Help_lists_every_command_and_lab_verbs_pass_their_options_through()
    {
        var (exit, stdout, _) = Cli("--help");
        Assert.Equal(0, exit);
        foreach (var verb in new[] { "run", "run-all", "kernel" }.Concat(RandCond.Cli.Lab.LabCommands.Verbs))
            Assert.Contains($"  {verb} ", stdout);

        var (labExit, _, labError) = Cli("held-out-digit", "--scale", "bogus");
        Assert.Equal(2, labExit);
        Assert.Contains("--scale: Argument 'bogus' not recognized", labError);
    }
}
