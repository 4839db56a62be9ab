using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// The host settings a CPU reference runs in: the process's defaults, and "host-tuned", what the C# shim applies to
/// itself when it loads, given to Python through its environment: glibc's malloc retaining freed blocks
/// (<see cref="HostMemory.GlibcTunables"/>) and OpenBLAS on one thread (<see cref="Blas"/>). PyTorch's best on the CPU
/// is the faster of the two. On CUDA the host is not on the step's path: the defaults alone.
/// </summary>
internal sealed record HostSetting(string Name, IReadOnlyDictionary<string, string>? Environment)
{
    public static readonly HostSetting Defaults = new("", null);

    public static IReadOnlyList<HostSetting> For(Device device) =>
        device.IsCuda ? [Defaults] : [Defaults, new("host-tuned", new Dictionary<string, string>
        {
            ["GLIBC_TUNABLES"] = HostMemory.GlibcTunables,
            ["OPENBLAS_NUM_THREADS"] = "1",
        })];

    /// <summary>A timing's name with this setting: "eager", "eager+host-tuned".</summary>
    public string Qualify(string variant) => Name.Length == 0 ? variant : $"{variant}+{Name}";

    /// <summary>The environment as a shell prefix: "GLIBC_TUNABLES=... OPENBLAS_NUM_THREADS=1".</summary>
    public string Shell => string.Join(' ', (Environment ?? new Dictionary<string, string>()).Select(e => $"{e.Key}={e.Value}"));
}
