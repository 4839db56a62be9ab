using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RandCond.Benchmarks;

/// <summary>One compared number: C# against PyTorch, with the ratio and the goal for that ratio.</summary>
internal sealed record Measurement(string Name, string Unit, double CSharp, double Python, double? GoalRatio)
{
    public double Ratio => CSharp / Python;
    public bool? Met => GoalRatio is { } g ? Ratio <= g : null;
    public string Goal => GoalRatio is { } g ? $"C#/PyTorch <= {g.ToString("0.0##", CultureInfo.InvariantCulture)}" : "none (reported only)";

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["unit"] = Unit,
        ["csharp"] = CSharp,
        ["python"] = Python,
        ["ratio"] = Ratio,
        ["goal_ratio"] = GoalRatio,
        ["goal"] = Goal,
        ["met"] = Met,
    };
}

/// <summary>The outcome of one benchmark: its measurements plus details from both sides.</summary>
internal sealed class BenchmarkResult
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public List<Measurement> Measurements { get; } = new();
    /// <summary>Extra details (iterations, per-repetition times, losses) from the C# side.</summary>
    public JsonObject CSharp { get; } = new();
    /// <summary>The reference script's JSON line, as it printed it.</summary>
    public JsonObject Python { get; set; } = new();
    /// <summary>Further numbers shown in the table without a ratio goal (e.g. torch.compile).</summary>
    public List<(string Name, string Value)> Notes { get; } = new();

    public JsonObject ToJson(RunContext run)
    {
        var o = run.Header(Name);
        o["description"] = Description;
        o["load_average_at_end"] = RunInfo.LoadAverage();
        o["measurements"] = new JsonArray(Measurements.Select(m => (JsonNode)m.ToJson()).ToArray());
        o["libtorch_python"] = Python["torch_version"]?.DeepClone();
        o["csharp"] = CSharp;
        o["python_reference"] = Python;
        return o;
    }

    public void Print(TextWriter w)
    {
        w.WriteLine();
        w.WriteLine($"== {Name}: {Description}");
        // Rows name the PyTorch timing they compare with, so the first column is as wide as the longest name.
        int width = Math.Max(42, Measurements.Select(m => m.Name.Length + m.Unit.Length + 3).DefaultIfEmpty(0).Max());
        string fmt = "{0,-" + width + "} {1,12} {2,12} {3,8}  {4}";
        w.WriteLine(fmt, "measurement", "C#", "PyTorch", "ratio", "goal");
        foreach (var m in Measurements)
        {
            string verdict = m.Met switch { true => "  met", false => "  NOT met", null => "" };
            w.WriteLine(fmt, $"{m.Name} ({m.Unit})", F(m.CSharp), F(m.Python), m.Ratio.ToString("0.000", CultureInfo.InvariantCulture) + "x",
                        m.GoalRatio is null ? "-" : $"<= {m.GoalRatio.Value.ToString("0.0#", CultureInfo.InvariantCulture)}x{verdict}");
        }
        foreach (var (name, value) in Notes) w.WriteLine($"  {name}: {value}");
    }

    private static string F(double v) => v.ToString(v >= 100 ? "0.0" : v >= 1 ? "0.000" : "0.0000", CultureInfo.InvariantCulture);
}

/// <summary>Facts about this invocation, shared by every result it writes.</summary>
internal sealed class RunContext
{
    public required Options Options { get; init; }
    public required string PythonPath { get; init; }
    public required RandCond.Tensors.Device Device { get; init; }
    public string Commit { get; } = RunInfo.GitCommit();
    public string LoadAtStart { get; } = RunInfo.LoadAverage();
    public string Date { get; } = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public JsonObject Header(string benchmark) => new()
    {
        ["benchmark"] = benchmark,
        ["quick"] = Options.Quick,
        ["device"] = new JsonObject
        {
            ["kind"] = Device.IsCuda ? "cuda" : "cpu",
            ["name"] = RunInfo.DeviceDescription(Device),
            ["cores"] = Environment.ProcessorCount,
        },
        ["libtorch_csharp"] = RandCond.Tensors.Torch.Version,
        ["host_memory_csharp"] = RandCond.Tensors.HostMemory.Describe(),
        ["blas_csharp"] = RandCond.Tensors.Blas.Describe(),
        ["libtorch_python"] = null,
        ["dotnet"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["python"] = PythonPath,
        ["git_commit"] = Commit,
        ["command"] = RandCond.Experiments.RunRecord.PortableCommand(RunInfo.CommandLine()),
        ["date_utc"] = Date,
        ["load_average_at_start"] = LoadAtStart,
    };

    /// <summary>
    /// .cache/benchmarks/NAME-DEVICE[-quick].json in the repository (./benchmark-results outside it): a run never rewrites
    /// the committed records in results/; pass --out to write one there on purpose.
    /// </summary>
    public string DefaultOut(string name)
    {
        string dir = RunInfo.RepoRoot is { } root ? Path.Combine(root, ".cache", "benchmarks") : Path.Combine(Environment.CurrentDirectory, "benchmark-results");
        string device = Device.IsCuda ? "cuda" : "cpu";
        return Path.Combine(dir, $"{name}-{device}{(Options.Quick ? "-quick" : "")}.json");
    }
}
