using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Kernel;

/// <summary>
/// Memory per cell stays small (issue 21): each one-line cell used to add ~4.5 MB that was never freed, because every
/// cell's compilation re-applied all references and imports. Measured in child processes (the kernel; the runner), by RSS.
/// </summary>
public class CellMemoryTests(ITestOutputHelper log)
{
    private const int Cells = 300, WarmUp = 100;
    private const double MaxMegabytesPerCell = 0.5; // after the fix ~0.1; before ~4.5

    [Fact]
    public void The_kernel_grows_by_less_than_half_a_megabyte_per_one_line_cell_after_warm_up()
    {
        using var sandbox = new KernelSandbox();

        var (result, _) = KernelScenario.Run(sandbox, TimeSpan.FromSeconds(240), "memory", Cells.ToString());

        var samples = result["samples"]!.AsArray().ToDictionary(s => (int)s!["cells"]!, s => (long)s!["rss_kb"]! / 1024.0);
        foreach (var (cells, mb) in samples) log.WriteLine($"{cells,5} cells  {mb,7:0.0} MB");
        AssertFlat(samples[WarmUp], samples[Cells]);
    }

    [Fact]
    public void The_runner_grows_by_less_than_half_a_megabyte_per_one_line_cell_after_warm_up()
    {
        using var sandbox = new KernelSandbox();
        var notebook = sandbox.Combine("many-cells.ipynb");
        var cells = new JsonArray();
        for (var i = 1; i <= Cells; i++)
        {
            var source = i is WarmUp or Cells
                ? $"GC.Collect(); GC.WaitForPendingFinalizers(); Console.WriteLine($\"rss {i} {{Environment.WorkingSet}}\");"
                : $"var x{i} = {i};";
            cells.Add(new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
        }
        var document = new JsonObject
        {
            ["cells"] = cells, ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "randcond-csharp", ["language"] = "csharp", ["display_name"] = "C#" } },
        };
        File.WriteAllText(notebook, document.ToJsonString());
        var cli = Path.Combine(AppContext.BaseDirectory, "randcond.dll");

        var outFolder = sandbox.Combine("ran");
        var process = sandbox.RunProcess("dotnet", [cli, "run", notebook, "--out", outFolder], TimeSpan.FromSeconds(240));

        Assert.True(process.ExitCode == 0, process.ToString());
        var written = File.ReadAllText(Path.Combine(outFolder, Path.GetFileName(notebook)));
        double Rss(int cell) => long.Parse(System.Text.RegularExpressions.Regex.Match(written, $@"rss {cell} (\d+)").Groups[1].Value) / 1048576.0;
        log.WriteLine($"{WarmUp} cells {Rss(WarmUp):0.0} MB, {Cells} cells {Rss(Cells):0.0} MB");
        AssertFlat(Rss(WarmUp), Rss(Cells));
    }

    private static void AssertFlat(double warmMegabytes, double endMegabytes)
    {
        var perCell = (endMegabytes - warmMegabytes) / (Cells - WarmUp);
        Assert.True(perCell < MaxMegabytesPerCell,
            $"RSS grew {perCell:0.00} MB per cell from cell {WarmUp} ({warmMegabytes:0} MB) to cell {Cells} ({endMegabytes:0} MB)");
    }
}
