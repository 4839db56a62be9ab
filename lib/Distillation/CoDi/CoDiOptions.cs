namespace RandCond.Distillation.CoDi;

/// <summary>What a training run of a <see cref="CoDiModel"/> minimises.</summary>
public enum CoDiObjective
{
    /// <summary>The CoDi loss (<see cref="CoDiLoss.Compute"/>) against an EMA target.</summary>
    Distillation,

    /// <summary>The ordinary conditional fine-tuning baseline: the plain denoising loss on (condition, image) pairs.</summary>
    Denoising,
}

/// <summary>
/// Knobs of one CoDi run (METHOD-NOTES.md: s = t - T/N with N = 50, i.e. 20 steps of T = 1000; EMA 0.999; consistency and
/// guidance terms 1:1; one t per batch).
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
    public double EmaDecay { get; init; } = 0.999;
    public int Steps { get; init; } = 5000;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-4;
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
        ? $"finetune{(ParameterEfficient ? "-pe" : "")}"
        : $"codi-{CoDiPredictors.Name(Predictor)}-skip{SkipSteps}-w{GuidanceWeight:0.###}{(ParameterEfficient ? "-pe" : "")}";

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
        if (!(GuidanceWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(GuidanceWeight), GuidanceWeight, "CoDiOptions.GuidanceWeight must be >= 0");
        if (EmaDecay is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "CoDiOptions.EmaDecay must lie in [0, 1]");
    }
}

/// <summary>One progress report: the loss and its terms, means over the last LogEvery steps; throughput and ETA.</summary>
public sealed record CoDiProgress(int Step, int TotalSteps, double Loss, double Consistency, double Guidance, double ImagesPerSecond, TimeSpan Eta)
{
    public override string ToString() =>
        $"step {Step}/{TotalSteps}  loss {Loss:F4} (consistency {Consistency:F4}, guidance {Guidance:F4})  {ImagesPerSecond:F1} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
