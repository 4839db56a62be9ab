using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Benchmarks;

/// <summary>
/// One performance configuration, applied alike on both sides: "fp32" (TF32 off, float32, NCHW) or a '+'-joined set of
/// tf32 (TF32 for float32 matmuls and cuDNN convolutions), bf16 (autocast to BFloat16), bf16w (sampling: a BFloat16 copy
/// of the networks, x_t cast at their input and output; distill-step: the frozen teacher as such a copy, outside the
/// student's autocast, <c>DistillationOptions.Bf16Teacher</c>), cl (channels-last) and auto (cuDNN autotuning,
/// torch.backends.cudnn.benchmark); fnorm (C#: the training step's GroupNorms and LayerNorms on the fused CUDA kernels
/// with their backward, <see cref="NormTrainingPath.FusedKernels"/>; PyTorch has no such switch, torch.compile fuses its
/// own); ovl (C#: the distillation step's frozen teacher on a second CUDA stream beside the student,
/// <c>DistillationOptions.OverlappedTeacher</c>; PyTorch runs it serially); xN, N = 2..4, and pair = x2 (C#, distill-step:
/// N students stepped together, each after the first on a stream of its own, <see cref="Training.Lockstep"/>, timed per
/// student step; x2 is what a lab with <c>CudaFastPaths.ConcurrentStudents</c> runs; PyTorch runs one); graph (C#: the training step, or the whole sampling loop, replayed as a CUDA graph;
/// PyTorch's own graph, and torch.compile, are variants that <see cref="PyTorchRuns"/> times for every configuration
/// whatever its graph part, so "tf32" and "tf32+graph" share one PyTorch configuration, <see cref="PythonName"/>; so do
/// the fnorm, ovl and xN variants).
/// </summary>
public sealed record PerfConfig(string Name, bool Tf32, bool Bf16, bool ChannelsLast, bool Autotune = false, bool Graph = false, bool Bf16Weights = false,
                                bool FusedNorms = false, bool OverlappedTeacher = false, int Students = 1)
{
    public static readonly string[] CudaDefault = ["fp32", "tf32", "tf32+graph", "tf32+auto+graph", "tf32+bf16+graph"];
    public static readonly string[] SampleCudaDefault = ["tf32", "tf32+bf16+graph", "tf32+bf16w+cl", "tf32+bf16w+graph", "tf32+bf16w+cl+graph"];
    // libtorch 1.13's CPU autocast leaves group_norm out of its float32 list, so bf16 fails there; on the CPU the
    // smoke test covers the layouts.
    public static readonly string[] CpuDefault = ["fp32", "cl"];

    public static PerfConfig Parse(string text)
    {
        bool tf32 = false, bf16 = false, bf16w = false, cl = false, auto = false, graph = false, fnorm = false, ovl = false;
        int students = 1;
        foreach (var part in text.Split('+'))
        {
            switch (part)
            {
                case "fp32": break;
                case "tf32": tf32 = true; break;
                case "bf16": bf16 = true; break;
                case "bf16w": bf16w = true; break;
                case "cl": cl = true; break;
                case "auto": auto = true; break;
                case "graph": graph = true; break;
                case "fnorm": fnorm = true; break;
                case "ovl": ovl = true; break;
                case "pair": students = 2; break;
                case ['x', >= '2' and <= '9'] when part[1] - '0' <= Lockstep.MaxRuns: students = part[1] - '0'; break;
                default:
                    throw new UsageException($"--configs: unknown part '{part}' in '{text}' (expected fp32, or a '+'-joined set of tf32, bf16, bf16w, cl, auto, graph, fnorm, ovl, " +
                                             $"pair or x2..x{Lockstep.MaxRuns})");
            }
        }
        return new PerfConfig(text, tf32, bf16, cl, auto, graph, bf16w, fnorm, ovl, students);
    }

    /// <summary>The process-wide switches for this configuration: TF32 (both explicit: libtorch's defaults differ per backend), cuDNN autotuning and the normalizations' training path.</summary>
    public void ApplySwitches()
    {
        RandCond.Tensors.Tf32.Set(Tf32, Tf32);
        Cudnn.Benchmark = Autotune;
        F.NormTraining = FusedNorms ? NormTrainingPath.FusedKernels : NormTrainingPath.Operators;
    }

    /// <summary>The configuration as PyTorch runs it: the name without the C#-only graph part ("tf32+bf16+graph" -> "tf32+bf16").</summary>
    public string PythonName
    {
        get
        {
            var parts = new[] { (Tf32, "tf32"), (Bf16, "bf16"), (Bf16Weights, "bf16w"), (ChannelsLast, "cl"), (Autotune, "auto") }
                .Where(p => p.Item1).Select(p => p.Item2).ToArray();
            return parts.Length == 0 ? "fp32" : string.Join('+', parts);
        }
    }

    public AutocastScope Autocast(Device device) => Bf16 ? Torch.Autocast(device, DType.BFloat16) : default;

    public IEnumerable<string> PythonArgs()
    {
        yield return "--tf32";
        yield return Tf32 ? "1" : "0";
        yield return "--autocast";
        yield return Bf16 ? "bf16" : "none";
        yield return "--weights";
        yield return Bf16Weights ? "bf16" : "float32";
        if (ChannelsLast) yield return "--channels-last";
        yield return "--cudnn-benchmark";
        yield return Autotune ? "1" : "0";
    }

    public string Describe() =>
        $"TF32 {(Tf32 ? "on" : "off")}, {(Bf16 ? "bf16 autocast" : Bf16Weights ? "bf16 weights" : "float32")}{(Bf16 && Bf16Weights ? ", teacher on bf16 weights" : "")}, {(ChannelsLast ? "channels-last" : "NCHW")}, cuDNN autotuning {(Autotune ? "on" : "off")}{(FusedNorms ? ", C# norms on the fused kernels in training" : "")}{(OverlappedTeacher ? ", C# teacher on a second stream" : "")}{(Students > 1 ? $", C# {Students} students side by side (time per student step)" : "")}{(Graph ? ", C# as a CUDA graph" : "")}";

    /// <summary>Sets the thread count and saves it with the process-wide switches the configurations change; disposing restores them all.</summary>
    public static IDisposable Keep(int threads)
    {
        var saved = new SavedSwitches(Torch.NumThreads, RandCond.Tensors.Tf32.Matmul, RandCond.Tensors.Tf32.Convolution, Cudnn.Benchmark, F.NormTraining);
        Torch.NumThreads = threads;
        return saved;
    }

    private sealed record SavedSwitches(int Threads, bool Tf32Matmul, bool Tf32Convolution, bool Autotune, NormTrainingPath NormTraining) : IDisposable
    {
        public void Dispose()
        {
            Torch.NumThreads = Threads;
            RandCond.Tensors.Tf32.Set(Tf32Matmul, Tf32Convolution);
            Cudnn.Benchmark = Autotune;
            F.NormTraining = NormTraining;
        }
    }
}
