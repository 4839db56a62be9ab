namespace RandCond.Distillation.CoDi;

/// <summary>What a training run of a <see cref="CoDiModel"/> minimises.</summary>
public enum CoDiObjective
{
    /// <summary>The CoDi loss (<see cref="CoDiLoss.Compute"/>) against an EMA target.</summary>
    Distillation,

    /// <summary>The ordinary conditional fine-tuning baseline: the plain denoising loss on (condition, image) pairs.</summary>
    Denoising,
}

/// <summary>How the x-space terms ||x^_theta - x_target||^2 (consistency in <see cref="CoDiConsistencySpace.X"/>, guidance) are weighted at the batch's t.</summary>
public enum CoDiXLossWeighting
{
    /// <summary>
    /// ab_t ||x_target - x^||^2 = (1 - ab_t) ||eps_target - eps^||^2. The official code reads the network as v (x^ = a_t z_t - s_t v^),
    /// so its unweighted x-MSE moves the output with gain s_t^2 &lt;= 1; an eps-network's x^ = (z_t - s_t eps^)/a_t has gain
    /// s_t^2/a_t^2 (up to 2.5e4 at t = 999), and ab_t = a_t^2 restores the published gain.
    /// </summary>
    AlphaBar,

    /// <summary>||x_target - x^||^2 unweighted, the formula as printed; with an eps-network it lets the noisiest steps dominate every update.</summary>
    Uniform,
}

/// <summary>Where the self-consistency distance between the student at t and the EMA target at s is measured.</summary>
public enum CoDiConsistencySpace
{
    /// <summary>
    /// Between the signal estimates, x^_theta(z_t, t) against x^_EMA(z^_s, s) (the official code's default, consistency_x). A
    /// target error of the student's estimate comes back through the target damped (the denoiser's gain at s is at most 1).
    /// </summary>
    X,

    /// <summary>
    /// Between the noise estimates, eps^_theta(z_t, t) against eps^_EMA(z^_s, s) (the paper's formula as printed). With PREv an
    /// error e of x^ returns as -sqrt(SNR_s/SNR_t) (1 - gain) e, larger than e where the noise is high: the fixed point is unstable.
    /// </summary>
    Epsilon,
}

/// <summary>Which network's estimate at (z_t, t) makes the PREv/DDIM point z^_s that the target is evaluated at.</summary>
public enum CoDiZsSource
{
    /// <summary>The EMA target's (the official code's default, onestepode_control_params = target): the ODE step is the teacher's.</summary>
    Target,

    /// <summary>The online student's own estimate (detached).</summary>
    Online,
}

/// <summary>
/// Knobs of one CoDi run (METHOD-NOTES.md and the official code: s = t - T/N with N = 50, i.e. 20 steps of T = 1000; EMA
/// 0.999; consistency and guidance terms 1:1; one t per batch; AdamW with weight decay 1e-2 after clipping the global
/// gradient norm to 1).
/// </summary>
public sealed record CoDiOptions
{
    public CoDiObjective Objective { get; init; } = CoDiObjective.Distillation;
    public CoDiPredictor Predictor { get; init; } = CoDiPredictor.Prev;
    /// <summary>Train only the conditional encoder and mu, the backbone frozen.</summary>
    public bool ParameterEfficient { get; init; }
    /// <summary>t - s, the gap between the student's step and the target's (T/N).</summary>
    public int SkipSteps { get; init; } = 20;
    public double GuidanceWeight { get; init; } = 1.0;
    /// <summary>Self-consistency between signal estimates, as the official code measures it (see <see cref="CoDiConsistencySpace"/>).</summary>
    public CoDiConsistencySpace ConsistencySpace { get; init; } = CoDiConsistencySpace.X;
    /// <summary>ab_t by default: the official v-network's gradient scale for our eps-network (see <see cref="CoDiXLossWeighting"/>).</summary>
    public CoDiXLossWeighting XLossWeighting { get; init; } = CoDiXLossWeighting.AlphaBar;
    /// <summary>The EMA target makes z^_s by default, as in the official code, so the consistency target does not chase the student.</summary>
    public CoDiZsSource ZsSource { get; init; } = CoDiZsSource.Target;
    /// <summary>
    /// The EMA target's decay (official: 0.999, for runs of 500k steps). It must follow the model within a small part of the
    /// run: in a run of about 1k steps, 0.999 leaves the target the unconditional teacher throughout (CoDiScale.Paper uses 0.95).
    /// </summary>
    public double EmaDecay { get; init; } = 0.999;
    public int Steps { get; init; } = 5000;
    public int BatchSize { get; init; } = 64;
    /// <summary>Learning rate of the conditional branch: the encoder copy and mu.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>
    /// The backbone U-Net's learning rate (full variant) as a fraction of LearningRate. The official code freezes the backbone;
    /// where it is trained, the pretrained network gets a tenth of the new branch's rate (the README's 1e-5 is a tenth of Stable
    /// Diffusion's pretraining rate), since Adam moves every weight by about the rate per step and at 1 our eps-backbone's
    /// high-t predictions drift within 40 steps.
    /// </summary>
    public double BackboneLearningRateScale { get; init; } = 0.1;
    /// <summary>
    /// The mixing gates' (mu's) learning rate as a multiple of LearningRate. Adam moves a parameter by about its rate per step, so
    /// at 1 a gate that starts at 0 can reach only Steps x LearningRate (0.07 in a 700-step run at 1e-4): the condition then
    /// enters at a few percent of the features' scale, too weakly to steer a few-step sampler from pure noise (ghosted strokes:
    /// the condition's digit over the one the noise leads to). ControlNet's zero convolutions grow faster for the same reason:
    /// their output sums over many channels. 30 lets a gate reach 1 in a few hundred steps.
    /// </summary>
    public double GateLearningRateScale { get; init; } = DefaultGateLearningRateScale;

    public const double DefaultGateLearningRateScale = 30;
    /// <summary>AdamW's decoupled weight decay (official: 1e-2).</summary>
    public double WeightDecay { get; init; } = 1e-2;
    /// <summary>The global gradient 2-norm is clipped to this before each step (official: 1.0); null = no clipping.</summary>
    public double? MaxGradNorm { get; init; } = 1.0;
    /// <summary>Every random draw of step k comes from a generator seeded by (Seed, k), so a resumed run repeats exactly.</summary>
    public ulong Seed { get; init; }
    /// <summary>Where the resumable state is kept (written every CheckpointEvery steps and at the end); null = none.</summary>
    public string? CheckpointPath { get; init; }
    public int CheckpointEvery { get; init; } = 500;
    public int LogEvery { get; init; } = 50;
    /// <summary>Stops (with a checkpoint) at the first log point after this much wall time; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>A short name of the variant, kept in checkpoints (a checkpoint of another variant is refused).</summary>
    public string Variant => Objective == CoDiObjective.Denoising
        ? $"finetune{(ParameterEfficient ? "-pe" : "")}{GateTag}"
        : $"codi-{CoDiPredictors.Name(Predictor)}-skip{SkipSteps}-w{GuidanceWeight:0.###}-{(ConsistencySpace == CoDiConsistencySpace.X ? "x" : "eps")}-{XLossWeightingName}-zs{(ZsSource == CoDiZsSource.Target ? "target" : "online")}{(ParameterEfficient ? "-pe" : $"-bb{BackboneLearningRateScale:0.###}")}{GateTag}";

    private string GateTag => $"-gate{GateLearningRateScale:0.###}";

    private string XLossWeightingName => XLossWeighting == CoDiXLossWeighting.AlphaBar ? "ab" : "uniform";

    /// <summary>Throws on values no run could use, naming the field.</summary>
    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"CoDiOptions.{name} must be at least 1");
        }
        Positive(SkipSteps, nameof(SkipSteps));
        Positive(Steps, nameof(Steps));
        Positive(BatchSize, nameof(BatchSize));
        Positive(CheckpointEvery, nameof(CheckpointEvery));
        Positive(LogEvery, nameof(LogEvery));
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "CoDiOptions.LearningRate must be positive");
        if (!(BackboneLearningRateScale > 0)) throw new ArgumentOutOfRangeException(nameof(BackboneLearningRateScale), BackboneLearningRateScale, "CoDiOptions.BackboneLearningRateScale must be positive (freeze the backbone with ParameterEfficient instead)");
        if (!(GateLearningRateScale > 0)) throw new ArgumentOutOfRangeException(nameof(GateLearningRateScale), GateLearningRateScale, "CoDiOptions.GateLearningRateScale must be positive");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "CoDiOptions.WeightDecay must be >= 0");
        if (MaxGradNorm is { } g && !(g > 0)) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), g, "CoDiOptions.MaxGradNorm must be positive (or null for no clipping)");
        if (!(GuidanceWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(GuidanceWeight), GuidanceWeight, "CoDiOptions.GuidanceWeight must be >= 0");
        if (EmaDecay is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "CoDiOptions.EmaDecay must lie in [0, 1]");
    }
}

/// <summary>One progress report: the loss and its terms, means over the last LogEvery steps; throughput and ETA.</summary>
public sealed record CoDiProgress(int Step, int TotalSteps, double Loss, double Consistency, double Guidance, double ImagesPerSecond, TimeSpan Eta)
    : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot =>
        new(Step, TotalSteps, [("loss", Loss), ("consistency", Consistency), ("guidance", Guidance)], ImagesPerSecond, "img/s", Eta);

    /// <summary>A report of an earlier run that this one resumes, replayed from the checkpoint before training goes on.</summary>
    public bool Restored { get; init; }

    public override string ToString() =>
        $"step {Step}/{TotalSteps}  loss {Loss:F4} (consistency {Consistency:F4}, guidance {Guidance:F4})  {ImagesPerSecond:F1} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
