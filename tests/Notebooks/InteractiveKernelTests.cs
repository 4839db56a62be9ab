using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Notebooks;
using RandCond.Notebooks.Execution;
using RandCond.Notebooks.Parameters;
using RandCond.Tensors;
using RandCond.Tests.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ runs unchanged, at smoke scale, under .NET Interactive's <c>.net-csharp</c> kernel
/// through Debian's nbconvert, as a user would run it. Each run executes a copy with the parameters injected (into a
/// temp folder; the committed file is never touched) from standard input, with the notebooks' folder as the kernel's
/// working directory, so the first cell's relative <c>#r</c> resolves as it does for the committed file. Two notebooks
/// run at a time. scripts/install/interactive.sh installs the kernel; without it the test fails and says so. Any
/// failing cell fails the test, and every cell that shows a chart (<c>InNotebook()</c>) must carry the interactive
/// text/html and the image/png fallback. Charts build there because the library resolves its packages into one load
/// context (lib/Notebooks/Hosting/PackageAssemblies.cs): the kernel's own FSharp.Core 10.0 would otherwise meet
/// Plotly.NET's 10.1 in Giraffe.ViewEngine and fail every chart with a MissingMethodException.
/// </summary>
public class InteractiveKernelTests(ITestOutputHelper log)
{
    public const string KernelName = ".net-csharp";
    private const string Jupyter = "/usr/bin/jupyter";
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(20);

    private sealed record Run(string Name, bool Succeeded, string Failure, TimeSpan Elapsed, int Charts);

    [Fact]
    public async Task Every_notebook_runs_at_smoke_scale_under_the_net_csharp_kernel()
    {
        RequireKernelAndLibrary();
        using var temp = new TempFolder();
        var names = Directory.GetFiles(NotebookSuiteTests.Folder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(names);
        var before = names.ToDictionary(n => n!, n => File.ReadAllBytes(Path.Combine(NotebookSuiteTests.Folder, n!)));

        var clock = Stopwatch.StartNew();
        var runs = new List<Run>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (name, _) =>
        {
            var run = await Task.Run(() => RunUnderInteractive(name!, temp));
            lock (runs) runs.Add(run);
        });
        foreach (var run in runs.OrderBy(r => r.Name, StringComparer.Ordinal))
            log.WriteLine($"{run.Name}: {(run.Succeeded ? $"ok, {run.Charts} charts" : "FAILED")} in {run.Elapsed.TotalSeconds:F0} s");
        log.WriteLine($"{names.Count} notebooks under {KernelName} at smoke scale: {clock.Elapsed.TotalSeconds:F0} s (two at a time)");

        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(NotebookSuiteTests.Folder, name)));
        var failures = runs.Where(r => !r.Succeeded).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Select(f => $"{f.Name} failed under {KernelName}:\n{f.Failure}")));
    }

    [Fact]
    public void A_tensor_displays_as_libtorch_text_through_the_convention_both_kernels_honour()
    {
        using var small = Torch.Ones([2, 3]);
        using var large = Torch.Zeros([40, 40]);
        Assert.Equal(small.ToString(), MimeFormatter.Format(small)["text/plain"]);
        Assert.Equal("Float32[40, 40] cpu (1600 elements; ToString() prints them all)", MimeFormatter.Format(large)["text/plain"]);
    }

    [Fact]
    public void A_library_chart_displays_with_html_and_png_under_the_net_csharp_kernel()
    {
        RequireKernelAndLibrary();
        using var temp = new TempFolder();
        var notebook = NotebookFile.Parse(new JsonObject
        {
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = KernelName, ["display_name"] = ".NET (C#)", ["language"] = "C#" } },
            ["cells"] = new JsonArray(
                Code($"#r \"{LibraryPath}\""),
                // A notebook uses the library before it draws (here: where the notebook runs), as every notebook does.
                Code("using RandCond.Notebooks;\nusing RandCond.Plotting;\nusing Chart = Plotly.NET.CSharp.Chart;\nSystem.Console.WriteLine(NotebookPaths.Folder);"),
                Code("Chart.Line<int, double, string>(new[] { 0, 1, 2, 3 }, new[] { 0.0, 1, 4, 9 }, Name: \"squares\").WithTitle(\"Squares\").WithXAxis(\"n\").InNotebook()")),
        }.ToJsonString(), "chart.ipynb");
        var input = temp.Combine("chart.ipynb");
        NotebookFile.Write(notebook, input);

        var result = Nbconvert(input, temp.Path, "chart.executed");
        Assert.True(result.ExitCode == 0, CellError(result.Stderr));
        var outputs = NotebookFile.Read(temp.Combine("chart.executed.ipynb")).CodeCells.Last().Outputs.OfType<JsonObject>().ToList();
        var chart = Assert.Single(outputs, IsChart);
        Assert.Contains("Squares", Text(chart["data"]!["text/html"]));
        var png = Convert.FromBase64String(Text(chart["data"]!["image/png"]));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    private static JsonObject Code(string source) => new()
    {
        ["cell_type"] = "code", ["id"] = Notebook.NewCellId(), ["metadata"] = new JsonObject(), ["execution_count"] = null,
        ["outputs"] = new JsonArray(), ["source"] = source,
    };

    /// <summary>Injects the smoke parameters into a copy, runs it through nbconvert and checks the executed copy.</summary>
    private static Run RunUnderInteractive(string name, TempFolder temp)
    {
        var clock = Stopwatch.StartNew();
        var stem = Path.GetFileNameWithoutExtension(name);
        var notebook = NotebookFile.Read(Path.Combine(NotebookSuiteTests.Folder, name));
        ParameterInjector.Inject(notebook, [new("scale", "smoke"), new("outDir", temp.Combine(Path.Combine("exports", stem)))]);
        var input = temp.Combine(name);
        NotebookFile.Write(notebook, input);

        // Each .NET Interactive kernel also serves HTTP on the first port of 2048-3000 it sees free; two kernels that
        // start together can both pick the same one, and the second dies. Such a start is tried again.
        var result = Nbconvert(input, temp.Path, stem + ".executed");
        for (var attempt = 1; attempt < 4 && result.ExitCode != 0 && result.Stderr.Contains("address already in use"); attempt++)
        {
            Thread.Sleep(TimeSpan.FromSeconds(5 * attempt + Random.Shared.Next(5)));
            result = Nbconvert(input, temp.Path, stem + ".executed");
        }
        if (result.TimedOut) return new(name, false, $"no result after {NotebookTimeout.TotalMinutes} min", clock.Elapsed, 0);
        if (result.ExitCode != 0) return new(name, false, CellError(result.Stderr), clock.Elapsed, 0);
        var executed = NotebookFile.Read(temp.Combine(stem + ".executed.ipynb"));
        var problem = Problems(executed);
        return new(name, problem is null, problem ?? "", clock.Elapsed, executed.CodeCells.Sum(c => c.Outputs.OfType<JsonObject>().Count(IsChart)));
    }

    /// <summary>What is wrong with an executed notebook that nbconvert reported as run: null when nothing is.</summary>
    private static string? Problems(Notebook executed)
    {
        var code = executed.CodeCells.ToList();
        var notRun = code.FindIndex(c => c.ExecutionCount is null);
        if (notRun >= 0) return $"code cell {notRun + 1} has no execution count: it did not run";
        var outputs = code.SelectMany(c => c.Outputs.OfType<JsonObject>()).ToList();
        if (outputs.FirstOrDefault(o => (string?)o["output_type"] == "error") is { } error) return $"an error output: {error["ename"]}: {error["evalue"]}";
        if (!outputs.Any(o => Text(o["text"]).Contains("scale smoke on "))) return "no output says 'scale smoke on': the injected parameters did not take";
        var empty = outputs.Select(o => o["data"]).OfType<JsonObject>().SelectMany(d => d).FirstOrDefault(kv => Text(kv.Value).Length == 0);
        if (empty.Key is not null) return $"an empty {empty.Key} output: a formatter declined a mime type its type prefers";
        for (var i = 0; i < code.Count; i++)
        {
            if (!code[i].Source.Contains(".InNotebook()", StringComparison.Ordinal)) continue;
            var shown = code[i].Outputs.OfType<JsonObject>().Where(IsChart).ToList();
            if (shown.Count == 0) return $"code cell {i + 1} calls InNotebook() but shows no chart (text/html with the chart's div)";
            if (shown.FirstOrDefault(o => Text(o["data"]?["image/png"]).Length == 0) is not null)
                return $"code cell {i + 1} shows a chart without its image/png fallback";
        }
        return null;
    }

    /// <summary>A display of <c>NotebookChart</c>: its text/html holds the chart's div (see ChartHtml.NotebookFragment).</summary>
    private static bool IsChart(JsonObject output) => Text(output["data"]?["text/html"]).Contains("id=\"randcond-chart-", StringComparison.Ordinal);

    private static ProcessResult Nbconvert(string input, string outputDir, string outputName)
    {
        var start = new ProcessStartInfo(Jupyter)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            // From standard input, nbconvert starts the kernel in its own working directory: the notebooks' folder.
            WorkingDirectory = NotebookSuiteTests.Folder,
        };
        foreach (var arg in new[]
                 {
                     "nbconvert", "--stdin", "--to", "notebook", "--execute", $"--ExecutePreprocessor.kernel_name={KernelName}",
                     $"--ExecutePreprocessor.timeout={(int)NotebookTimeout.TotalSeconds}", "--ExecutePreprocessor.startup_timeout=300",
                     "--output-dir", outputDir, "--output", outputName,
                 })
            start.ArgumentList.Add(arg);
        start.Environment["PYTHONWARNINGS"] = "ignore";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Jupyter}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(File.ReadAllText(input));
        process.StandardInput.Close();
        var exited = process.WaitForExit(NotebookTimeout + TimeSpan.FromMinutes(1));
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new ProcessResult(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, !exited, clock.Elapsed);
    }

    /// <summary>nbconvert's report of the failing cell (its source and the error), without the kernel's log lines.</summary>
    private static string CellError(string stderr)
    {
        var lines = stderr.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => !l.StartsWith("info: ") && !l.StartsWith("      ") && !l.StartsWith("[NbConvertApp]")).ToList();
        var start = lines.FindIndex(l => l.Contains("An error occurred while executing the following cell"));
        var text = string.Join("\n", start >= 0 ? lines.Skip(start) : lines.TakeLast(40)).Trim();
        return text.Length > 6000 ? text[..6000] + "\n..." : text;
    }

    /// <summary>The built library the notebooks' first cell loads by relative path.</summary>
    private static string LibraryPath => Path.GetFullPath(Path.Combine(NotebookSuiteTests.Folder, "..", "bin", "Release", "net10.0", "RandCond.Lib.dll"));

    private static void RequireKernelAndLibrary()
    {
        if (!File.Exists(Jupyter))
            throw new InvalidOperationException($"{Jupyter} is missing: run scripts/install/kernel.sh and scripts/install/interactive.sh (scripts/setup.sh runs both)");
        var start = new ProcessStartInfo(Jupyter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "kernelspec", "list", "--json" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var listing = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || JsonNode.Parse(listing)?["kernelspecs"]?[KernelName] is null)
            throw new InvalidOperationException(
                $"the Jupyter kernel {KernelName} is not installed ('jupyter kernelspec list' lacks it): run scripts/install/interactive.sh " +
                "(the dotnet-interactive tool and its kernel spec; scripts/setup.sh runs it)");
        if (!File.Exists(LibraryPath))
            throw new InvalidOperationException($"the notebooks' first cell loads {LibraryPath}, which is not built: run 'dotnet build RandCond.sln -c Release'");
    }

    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };
}
