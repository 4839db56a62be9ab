namespace RandCond.Distillation;

/// <summary>
/// Knobs of a random-conditioning distillation run. Defaults follow the published recipe where it carries over
/// (AdamW 0.9/0.999 with weight decay 1e-2, gradient clipping 1.0, EMA, null-caption dropout 0.1, output and
/// feature losses 1:1, no task loss); the learning rate and step count are set by the experiment presets, since our
/// networks are three orders of magnitude smaller than Stable Diffusion's.
/// </summary>
public sealed record DistillationOptions
{
    public int Steps { get; init; } = 2000;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 2e-4;
    public int WarmupSteps { get; init; } = 100;

    /// <summary>After the warm-up: constant (false) or a cosine decay to zero at the last step (true).</summary>
    public bool CosineDecay { get; init; }
    public double WeightDecay { get; init; } = 1e-2;
    public double EmaDecay { get; init; } = 0.999;
    public double MaxGradNorm { get; init; } = 1.0;
    public double NullCaptionProbability { get; init; } = 0.1;

    /// <summary>p(t); <see cref="ReplacementProbability.Off"/> is distillation without random conditioning.</summary>
    public ReplacementProbability Replacement { get; init; } = ReplacementProbability.Exponential();
    public LossWeights Weights { get; init; } = new();

    public int CheckpointEvery { get; init; } = 500;
    public int LogEvery { get; init; } = 50;

    /// <summary>Every random draw of step s comes from a generator seeded by (Seed, s), so a resumed run repeats exactly.</summary>
    public ulong Seed { get; init; }

    /// <summary>Stops (with a checkpoint) at the first log point after this much wall time; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Mixed precision for the forward passes and losses (BFloat16 or Float16, see <see cref="RandCond.Tensors.AutocastScope"/>); null = float32.</summary>
    public RandCond.Tensors.DType? Autocast { get; init; }

    /// <summary>
    /// The frozen teacher runs as a BFloat16 copy of its U-Net (<see cref="RandCond.Diffusion.FrozenCopy"/>, channels-last
    /// with <see cref="ChannelsLast"/>) outside autocast, as sampling's fast path does: its weights are not cast at every
    /// use, and its norms take the shim's fused inference kernels where it has them. The student keeps
    /// <see cref="Autocast"/>. Needs a teacher with a U-Net (<see cref="RandCond.Diffusion.TextDiffusionModel"/>).
    /// </summary>
    public bool Bf16Teacher { get; init; }

    /// <summary>
    /// The student's GroupNorms and LayerNorms on the shim's fused CUDA kernels, forward and backward, for the run
    /// (<see cref="RandCond.Tensors.NormTrainingPath.FusedKernels"/>), instead of libtorch's operators. CUDA only.
    /// </summary>
    public bool FusedNorms { get; init; }

    /// <summary>
    /// The frozen teacher's forward pass runs on a second CUDA stream beside the student's (<see cref="RandCond.Tensors.StreamFork"/>;
    /// two parallel branches of the step's CUDA graph), so that the two networks' small kernels share the GPU. The
    /// results are those of the serial step. Ignored on the CPU.
    /// </summary>
    public bool OverlappedTeacher { get; init; }

    /// <summary>Convolution weights and inputs in channels-last (NHWC) layout, which tensor-core convolutions prefer.</summary>
    public bool ChannelsLast { get; init; }

    /// <summary>
    /// Run each step as the replay of a CUDA graph recorded after a few eager steps (<see cref="GraphedDistillationStep"/>):
    /// the optimizer and EMA keep their per-step scalars on the device. CUDA only.
    /// </summary>
    public bool CudaGraph { get; init; }
}

/// <summary>One progress report: means over the last LogEvery steps of each loss term and of the replaced fraction.</summary>
public sealed record DistillationProgress(int Step, int TotalSteps, double Total, double Output, double Feature, double Task,
                                          double ReplacedFraction, double ImagesPerSecond, TimeSpan Eta)
    : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot => new(Step, TotalSteps,
        [("loss", Total), ("output", Output), ("feature", Feature), ("task", Task), ("replaced", ReplacedFraction)], ImagesPerSecond, "img/s", Eta);

    /// <summary>A report of an earlier run that this one resumes, replayed from the checkpoint before training goes on.</summary>
    public bool Restored { get; init; }

    public override string ToString() =>
        $"step {Step}/{TotalSteps}  loss {Total:F4} (output {Output:F4}, feature {Feature:F4}, task {Task:F4})  " +
        $"replaced {ReplacedFraction:P0}  {ImagesPerSecond:F0} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
