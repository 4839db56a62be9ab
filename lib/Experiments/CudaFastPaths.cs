using System.Text.Json.Serialization;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Which fast paths a lab runs, each a switch: sampling (generating D, scoring every model) as one CUDA graph per walk
/// (<see cref="GraphedSampling"/>), on a BFloat16 copy of the U-Net with x_t, guidance and the DDIM update in float32
/// (<see cref="Bf16Sampling"/>), laid out channels-last (<see cref="ChannelsLastSampling"/>); and each distillation
/// step as the replay of a CUDA graph (<see cref="GraphedStep"/>) with its forward passes and losses under BFloat16
/// autocast (<see cref="Bf16Step"/>) with its norms on the fused kernels (<see cref="FusedNormStep"/>), the frozen teacher
/// on a BFloat16 copy (<see cref="Bf16TeacherStep"/>) running on a second CUDA stream beside the student
/// (<see cref="OverlappedTeacherStep"/>), and the step laid out channels-last (<see cref="ChannelsLastStep"/>); and a lab's
/// students trained together, their steps side by side on the GPU (<see cref="ConcurrentStudents"/>).
/// <see cref="For"/> turns every path a lab run has checked on for a CUDA device and every path off on the CPU;
/// override one with <c>with</c> (<c>CudaFastPaths.For(device) with { Bf16Step = false }</c>) or the lab verbs'
/// options (--cuda-graph, --bf16, --channels-last and one switch per path). A lab's result records the paths that ran.
/// </summary>
/// <param name="FusedNormStep">
/// The step's GroupNorms and LayerNorms on the shim's fused CUDA kernels with their backward
/// (<see cref="DistillationOptions.FusedNorms"/>). CUDA only.
/// </param>
/// <param name="Bf16TeacherStep">
/// The step's frozen teacher on a BFloat16 copy of its U-Net outside autocast (<see cref="DistillationOptions.Bf16Teacher"/>).
/// </param>
/// <param name="ChannelsLastStep">The step's convolutions laid out channels-last (<see cref="DistillationOptions.ChannelsLast"/>).</param>
/// <param name="OverlappedTeacherStep">
/// The step's frozen teacher on a second CUDA stream beside the student (<see cref="DistillationOptions.OverlappedTeacher"/>).
/// </param>
/// <param name="ConcurrentStudents">
/// A lab's students (up to four) trained together, each on a CUDA stream of its own, a step of each in turn
/// (<see cref="DistillationBench.Run(IReadOnlyList{DistillationArm}, SamplingPlan, IProgress{Training.IProgressReport}?, IProgress{Training.IProgressReport}?)"/>,
/// <see cref="Training.Lockstep"/>); each student's values are those it has trained alone. On the CPU it is allowed but
/// gains nothing: the students take turns.
/// </param>
public sealed record CudaFastPaths(bool GraphedSampling, bool Bf16Sampling, bool ChannelsLastSampling, bool GraphedStep, bool Bf16Step,
                                   bool FusedNormStep = false, bool Bf16TeacherStep = false, bool ChannelsLastStep = false,
                                   bool OverlappedTeacherStep = false, bool ConcurrentStudents = false)
{
    /// <summary>Every path off: float32, NCHW, eager; what the CPU runs.</summary>
    public static readonly CudaFastPaths Off = new(false, false, false, false, false);

    /// <summary>Every path, each checked in a lab run on a GPU: what a CUDA device runs by default.</summary>
    public static readonly CudaFastPaths All = new(true, true, true, true, true, FusedNormStep: true, Bf16TeacherStep: true, ChannelsLastStep: true,
                                                   OverlappedTeacherStep: true, ConcurrentStudents: true);

    /// <summary>The default for a device: <see cref="All"/> on CUDA, <see cref="Off"/> on the CPU.</summary>
    public static CudaFastPaths For(Device device) => device.IsCuda ? All : Off;

    /// <summary>How models are sampled (generating D and scoring).</summary>
    [JsonIgnore] public SamplingPaths Sampling => new(GraphedSampling, Bf16Sampling, ChannelsLastSampling);

    /// <summary>The distillation options with the step's paths applied (<see cref="DistillationOptions.CudaGraph"/>, BFloat16 <see cref="DistillationOptions.Autocast"/>, the fused norms, the teacher's copy, the layout).</summary>
    public DistillationOptions Apply(DistillationOptions options) =>
        options with
        {
            CudaGraph = GraphedStep, Autocast = Bf16Step ? DType.BFloat16 : null, FusedNorms = FusedNormStep,
            Bf16Teacher = Bf16TeacherStep, ChannelsLast = ChannelsLastStep, OverlappedTeacher = OverlappedTeacherStep,
        };

    /// <summary>
    /// The paths as this process runs them, which is what a record says: <see cref="FusedNormStep"/> only where the shim
    /// was built with the fused kernels (<see cref="F.FusedNormKernels"/>); without them the step takes libtorch's operators.
    /// </summary>
    public CudaFastPaths AsRun() => FusedNormStep && !F.FusedNormKernels ? this with { FusedNormStep = false } : this;

    /// <summary>Throws, naming the switch, on a path the device cannot run: CUDA graphs and BFloat16 autocast need a CUDA device.</summary>
    public CudaFastPaths Validate(Device device)
    {
        if (device.IsCuda) return this;
        if (GraphedSampling) throw new ArgumentException($"CudaFastPaths.GraphedSampling: a CUDA graph needs a CUDA device; this run is on {device}");
        if (GraphedStep) throw new ArgumentException($"CudaFastPaths.GraphedStep: a CUDA graph needs a CUDA device; this run is on {device}");
        // libtorch 1.13's CPU autocast leaves group_norm out of its float32 list, so a BFloat16 step fails there.
        if (Bf16Step) throw new ArgumentException($"CudaFastPaths.Bf16Step: BFloat16 autocast of the distillation step runs on CUDA only; this run is on {device}");
        if (FusedNormStep) throw new ArgumentException($"CudaFastPaths.FusedNormStep: the fused normalization kernels run on CUDA only; this run is on {device}");
        if (OverlappedTeacherStep) throw new ArgumentException($"CudaFastPaths.OverlappedTeacherStep: a second stream is a CUDA stream; this run is on {device}");
        return this;
    }

    /// <summary>"sampling: one CUDA graph per walk, bf16 weights, channels-last; step: CUDA graph, bf16 autocast, fused norms".</summary>
    public override string ToString() =>
        $"sampling: {Sampling}; step: {(GraphedStep ? "CUDA graph" : "eager")}, {(Bf16Step ? "bf16 autocast" : "float32")}" +
        $"{(FusedNormStep ? ", fused norms" : "")}{(Bf16TeacherStep ? ", bf16 teacher" : "")}{(ChannelsLastStep ? ", channels-last" : "")}" +
        $"{(OverlappedTeacherStep ? ", teacher on a second stream" : "")}{(ConcurrentStudents ? "; students side by side" : "")}";
}
