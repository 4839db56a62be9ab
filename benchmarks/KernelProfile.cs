using System.Text.Json.Nodes;
using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>A profiled run's GPU kernels per call, as JSON: time, launches, time by kind (<see cref="KernelKind"/>), the costliest kernels.</summary>
internal static class KernelProfile
{
    /// <summary>Calls in a PyTorch reference's trace of a step (rc_bench.TRACE_CALLS); a sampling trace holds one walk.</summary>
    public const int PythonStepTraceCalls = 3;

    /// <summary>
    /// The PyTorch reference's traces under <paramref name="directory"/> (one folder per configuration, one file per
    /// variant), each as JSON per call (a trace holds <paramref name="calls"/>) under "CONFIG VARIANT", with a summary
    /// line each in <paramref name="notes"/>; the folder is removed.
    /// </summary>
    public static JsonObject ReadPythonTraces(string directory, int calls, List<(string, string)> notes, string per)
    {
        var kernels = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order())
        {
            string name = $"{Path.GetFileName(Path.GetDirectoryName(file))} {Path.GetFileNameWithoutExtension(file)}";
            var trace = KernelTrace.Read(file);
            kernels[name] = ToJson(trace, calls);
            notes.Add(($"PyTorch {name}: kernels per {per}", Summary(trace, calls)));
        }
        Directory.Delete(directory, recursive: true);
        return kernels;
    }

    /// <summary>The kernels of a profiler trace; the file is then moved to <paramref name="keepDirectory"/> as <paramref name="keptName"/> (--keep-traces) or deleted.</summary>
    public static KernelTrace ReadAndKeep(string trace, string? keepDirectory, string keptName)
    {
        var kernels = KernelTrace.Read(trace);
        if (keepDirectory is null)
        {
            File.Delete(trace);
            return kernels;
        }
        Directory.CreateDirectory(keepDirectory);
        File.Move(trace, Path.Combine(keepDirectory, keptName), overwrite: true);
        return kernels;
    }

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
