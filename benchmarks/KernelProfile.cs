using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>A profiled run's GPU kernels per call, as JSON: time, launches, time by kind (<see cref="KernelKind"/>), the costliest kernels.</summary>
internal static class KernelProfile
{
    public static JsonObject ToJson(KernelTrace trace, int calls, int top = 12) => new()
    {
        ["gpu_kernel_ms_per_call"] = trace.TotalMs / calls,
        ["kernel_launches_per_call"] = (double)trace.Launches / calls,
        ["by_kind"] = new JsonArray(trace.ByKind().Select(k => (JsonNode)new JsonObject
            { ["kind"] = k.Name, ["ms_per_call"] = k.Ms / calls, ["launches_per_call"] = (double)k.Calls / calls, ["share"] = k.Share }).ToArray()),
        ["top_kernels"] = new JsonArray(trace.Kernels.Take(top).Select(k => (JsonNode)new JsonObject
            { ["name"] = k.Name.Length > 120 ? k.Name[..120] : k.Name, ["ms_per_call"] = k.Ms / calls, ["calls_per_call"] = (double)k.Calls / calls }).ToArray()),
    };

    /// <summary>One line: total and the kinds, longest first ("12.3 ms in 900 launches: convolution 5.1, normalization 3.0, ...").</summary>
    public static string Summary(KernelTrace trace, int calls) =>
        $"{trace.TotalMs / calls:0.00} ms of kernels in {(double)trace.Launches / calls:0} launches: " +
        string.Join(", ", trace.ByKind().Select(k => $"{k.Name} {k.Ms / calls:0.00} ({(double)k.Calls / calls:0})"));
}
