using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// One performance configuration, applied alike on both sides: "fp32" (TF32 off, float32, NCHW) or a '+'-joined set of
/// tf32 (TF32 for float32 matmuls and cuDNN convolutions), bf16 (autocast to BFloat16) and cl (channels-last).
/// </summary>
internal sealed record PerfConfig(string Name, bool Tf32, bool Bf16, bool ChannelsLast)
{
    public static readonly string[] CudaDefault = ["fp32", "tf32", "tf32+bf16", "tf32+bf16+cl"];
    // libtorch 1.13's CPU autocast leaves group_norm out of its float32 list, so bf16 fails there; on the CPU the
    // smoke test covers the layouts.
    public static readonly string[] CpuDefault = ["fp32", "cl"];

    public static PerfConfig Parse(string text)
    {
        bool tf32 = false, bf16 = false, cl = false;
        foreach (var part in text.Split('+'))
        {
            switch (part)
            {
                case "fp32": break;
                case "tf32": tf32 = true; break;
                case "bf16": bf16 = true; break;
                case "cl": cl = true; break;
                default:
                    throw new UsageException($"--configs: unknown part '{part}' in '{text}' (expected fp32, or a '+'-joined set of tf32, bf16, cl)");
            }
        }
        return new PerfConfig(text, tf32, bf16, cl);
    }

    /// <summary>The process-wide TF32 switches for this configuration (both explicit: libtorch's defaults differ per backend).</summary>
    public void ApplyTf32() => RandCond.Tensors.Tf32.Set(Tf32, Tf32);

    public AutocastScope Autocast(Device device) => Bf16 ? Torch.Autocast(device, DType.BFloat16) : default;

    public IEnumerable<string> PythonArgs()
    {
        yield return "--tf32";
        yield return Tf32 ? "1" : "0";
        yield return "--autocast";
        yield return Bf16 ? "bf16" : "none";
        if (ChannelsLast) yield return "--channels-last";
    }

    public string Describe() =>
        $"TF32 {(Tf32 ? "on" : "off")}, {(Bf16 ? "bf16 autocast" : "float32")}, {(ChannelsLast ? "channels-last" : "NCHW")}";
}
