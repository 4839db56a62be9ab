using System.Globalization;
using System.Text.Json.Nodes;

namespace RandCond.Benchmarks;

/// <summary>
/// One PyTorch timing of a benchmark run: a configuration's precision and layout (<c>PerfConfig.PythonName</c>, e.g.
/// "tf32+bf16") and a variant of it ("eager", "graph", "compile-reduce-overhead", ...), with its median in ms, or the
/// reason it is unavailable.
/// </summary>
public sealed record PyTorchTiming(string Config, string Variant, double? MsMedian, string? Unavailable = null)
{
    /// <summary>How tables and result files name it: "tf32+bf16 compile-reduce-overhead".</summary>
    public string Name => $"{Config} {Variant}";

    public JsonObject ToJson() => new()
    {
        ["config"] = Config,
        ["variant"] = Variant,
        ["name"] = Name,
        ["ms_median"] = MsMedian,
        ["unavailable"] = Unavailable,
    };

    public override string ToString() =>
        MsMedian is { } ms ? $"{Name}: {ms.ToString("0.000", CultureInfo.InvariantCulture)} ms" : $"{Name}: {Unavailable}";
}

/// <summary>PyTorch at its best: the fastest of every PyTorch timing a run made, which each C# configuration is compared with.</summary>
public static class PyTorchBest
{
    /// <summary>The timing with the smallest median among those available, or null when none is.</summary>
    public static PyTorchTiming? Of(IEnumerable<PyTorchTiming> timings) =>
        timings.Where(t => t.MsMedian is > 0 && double.IsFinite(t.MsMedian.Value)).MinBy(t => t.MsMedian!.Value);

    /// <summary>
    /// The timings in a reference script's variants object, <c>{"eager": {"ms_median": 12.3, ...}, "graph": "unavailable: reason"}</c>
    /// (distill_step.py's "variants", sample.py's "teacher" and "student"). <paramref name="where"/> names the object in errors.
    /// </summary>
    public static List<PyTorchTiming> Read(string config, JsonObject variants, string where)
    {
        var timings = new List<PyTorchTiming>();
        foreach (var (variant, value) in variants)
        {
            timings.Add(value switch
            {
                JsonObject o when o["ms_median"] is JsonValue ms && ms.TryGetValue(out double median) => new PyTorchTiming(config, variant, median),
                JsonValue v when v.TryGetValue(out string? reason) && reason.StartsWith("unavailable", StringComparison.Ordinal) =>
                    new PyTorchTiming(config, variant, null, reason),
                _ => throw new FormatException($"{where}: variant '{variant}' is neither a timing with a numeric ms_median nor \"unavailable: reason\" " +
                                               $"(got {value?.ToJsonString() ?? "null"})"),
            });
        }
        return timings;
    }
}
