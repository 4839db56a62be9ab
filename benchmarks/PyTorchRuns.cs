using System.Text.Json.Nodes;

namespace RandCond.Benchmarks;

/// <summary>
/// The PyTorch side of distill-step and sample: runs the reference script once per PyTorch configuration (configurations
/// that differ only on the C# side, such as "tf32" and "tf32+graph", share one run), timing eager and, on CUDA by default,
/// the whole step or walk as one CUDA graph; then torch.compile modes, each in its own process with its own time limit, so
/// a compile that fails or runs too long is recorded as "unavailable: reason" and never fails the benchmark. On the CPU
/// each configuration also runs with the C# side's host settings (<see cref="HostSetting"/>), its timings named
/// "eager+host-tuned".
/// </summary>
internal sealed class PyTorchRuns(RunContext ctx, string script, Func<PerfConfig, List<string>> argsFor, TimeSpan timeout)
{
    public static readonly string[] CompileModes = ["default", "reduce-overhead", "max-autotune"];
    private readonly Dictionary<string, (PerfConfig Config, JsonObject Json)> references = new();
    private readonly List<(string Config, string Variant, string Reason)> failures = new();
    private readonly List<(string Config, string Mode, JsonObject Json)> compiled = new();
    private readonly List<(string Config, HostSetting Setting, JsonObject Json)> otherHost = new();

    /// <summary>Whether the references also time PyTorch's whole step or walk as one CUDA graph (default: on CUDA).</summary>
    public bool Graph { get; } = ctx.Options.PyTorchGraph ?? ctx.Device.IsCuda;

    /// <summary>The reference's JSON line for config's PyTorch configuration, run the first time it is asked for.</summary>
    public JsonObject Reference(PerfConfig config)
    {
        if (references.TryGetValue(config.PythonName, out var known)) return known.Json;
        var args = argsFor(config);
        JsonObject json;
        if (Graph)
        {
            try
            {
                json = Run([.. args, "--graph"], timeout);
            }
            catch (BenchmarkException e)
            {
                // A capture that brings the process down must not cost the eager reference: time it again without the graph.
                Console.Error.WriteLine($"[{Path.GetFileName(script)}] {config.PythonName}: the run with --graph failed; timing eager alone");
                failures.Add((config.PythonName, "graph", $"unavailable: the reference failed with --graph: {FirstLine(e.Message)}"));
                json = Run(args, timeout);
            }
        }
        else json = Run(args, timeout);
        references[config.PythonName] = (config, json);
        foreach (var setting in HostSetting.For(ctx.Device).Where(s => s != HostSetting.Defaults))
        {
            Console.Error.WriteLine($"[{Path.GetFileName(script)}] {config.PythonName}: again with {setting.Shell}");
            otherHost.Add((config.PythonName, setting, Run(args, timeout, setting.Environment)));
        }
        return json;
    }

    /// <summary>
    /// Times torch.compile in each mode for each configuration (distinct PyTorch configurations only), each in its own
    /// process limited to <paramref name="limit"/>. Run after the C# measurements: the slowest part comes last.
    /// </summary>
    public void Compile(IEnumerable<PerfConfig> configs, IReadOnlyList<string> modes, TimeSpan limit)
    {
        foreach (var config in configs.DistinctBy(c => c.PythonName))
            foreach (var mode in modes)
            {
                Console.Error.WriteLine($"[{Path.GetFileName(script)}] {config.PythonName}: torch.compile(mode=\"{mode}\"), at most {limit.TotalSeconds:0} s ...");
                try
                {
                    compiled.Add((config.PythonName, mode, Run([.. argsFor(config), "--no-eager", "--compile-mode", mode], limit)));
                }
                catch (BenchmarkException e)
                {
                    failures.Add((config.PythonName, $"compile-{mode}", $"unavailable: {FirstLine(e.Message)}"));
                }
            }
    }

    /// <summary>
    /// Every timing the runs made of one part of their output: <paramref name="variantsOf"/> picks the variants object from a
    /// JSON line (distill_step.py: "variants"; sample.py: "teacher" or "student"); failed runs count as unavailable variants.
    /// </summary>
    public List<PyTorchTiming> Timings(Func<JsonObject, JsonNode?> variantsOf, string part)
    {
        var timings = new List<PyTorchTiming>();
        foreach (var (name, (_, json)) in references)
            timings.AddRange(Variants(name, json, variantsOf, part));
        foreach (var (name, _, json) in compiled)
            timings.AddRange(Variants(name, json, variantsOf, part));
        foreach (var (name, setting, json) in otherHost)
            timings.AddRange(Variants(name, json, variantsOf, part).Select(t => t with { Variant = setting.Qualify(t.Variant) }));
        timings.AddRange(failures.Select(f => new PyTorchTiming(f.Config, f.Variant, null, f.Reason)));
        return timings;
    }

    private List<PyTorchTiming> Variants(string config, JsonObject json, Func<JsonObject, JsonNode?> variantsOf, string part) =>
        variantsOf(json) is JsonObject variants
            ? PyTorchBest.Read(config, variants, $"{Path.GetFileName(script)} ({config}) {part}")
            : throw new BenchmarkException($"{Path.GetFileName(script)} ({config}) printed no '{part}' object of timings: {Truncate(json.ToJsonString())}");

    private JsonObject Run(List<string> args, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null) =>
        PythonReference.Run(ctx.PythonPath, script, args, limit, environment);

    /// <summary>The failure's first line and, when a crash printed more, the last line of its output (not the command line).</summary>
    private static string FirstLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("command:", StringComparison.Ordinal)).ToArray();
        if (lines.Length == 0) return "no message";
        return Truncate(lines.Length == 1 ? lines[0] : $"{lines[0]} ... {lines[^1]}");
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
