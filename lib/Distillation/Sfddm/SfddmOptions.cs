namespace RandCond.Distillation.Sfddm;

/// <summary>
/// Knobs of one SFDDM distillation (METHOD-NOTES.md: Adam lr 2e-4, no weight decay, no EMA, batch 40-50; output and
/// last-hidden-feature L1 terms weighted 1:1). Null-caption dropout keeps the student usable with guidance.
/// </summary>
public sealed record SfddmOptions
{
    /// <summary>T', the student's number of steps.</summary>
    public int StudentSteps { get; init; } = 100;
    public SfddmIndexList IndexList { get; init; } = SfddmIndexList.EndsAtLastStep;
    public int Steps { get; init; } = 5000;
    public int BatchSize { get; init; } = 48;
    public double LearningRate { get; init; } = 2e-4;
    /// <summary>Linear warm-up to LearningRate over this many steps (0: none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>After the warm-up, decay the rate to zero along a half cosine over the remaining Steps.</summary>
    public bool CosineDecay { get; init; }
    public double NullCaptionProbability { get; init; } = 0.1;
    /// <summary>The block whose output is matched by the feature term (the activation fed to the final conv).</summary>
    public string FeatureBlock { get; init; } = "out.hidden";
    public double OutputWeight { get; init; } = 1.0;
    public double FeatureWeight { get; init; } = 1.0;
    /// <summary>Every random draw of step s comes from a generator seeded by (Seed, s), so a resumed run repeats exactly.</summary>
    public ulong Seed { get; init; }
    /// <summary>Where the resumable state is kept (written every CheckpointEvery steps and at the end); null = none.</summary>
    public string? CheckpointPath { get; init; }
    public int CheckpointEvery { get; init; } = 500;
    public int LogEvery { get; init; } = 50;
    /// <summary>Stops (with a checkpoint) at the first log point after this much wall time; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }
    /// <summary>Replay each step's loss, backward and update as a CUDA graph (CUDA only; see <see cref="SfddmDistiller"/>).</summary>
    public bool CudaGraph { get; init; }

    /// <summary>Throws on values no run could use, naming the field.</summary>
    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"SfddmOptions.{name} must be at least 1");
        }
        Positive(StudentSteps, nameof(StudentSteps));
        Positive(Steps, nameof(Steps));
        Positive(BatchSize, nameof(BatchSize));
        Positive(CheckpointEvery, nameof(CheckpointEvery));
        Positive(LogEvery, nameof(LogEvery));
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "SfddmOptions.WarmupSteps must not be negative");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "SfddmOptions.LearningRate must be positive");
        if (!(NullCaptionProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(NullCaptionProbability), NullCaptionProbability, "SfddmOptions.NullCaptionProbability must lie in [0, 1]");
    }
}

/// <summary>One progress report: the loss and its two terms, each a mean over the last LogEvery steps; throughput and ETA.</summary>
public sealed record SfddmProgress(int Step, int TotalSteps, double Loss, double OutputLoss, double FeatureLoss, double ImagesPerSecond, TimeSpan Eta)
    : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot =>
        new(Step, TotalSteps, [("loss", Loss), ("output", OutputLoss), ("feature", FeatureLoss)], ImagesPerSecond, "img/s", Eta);

    /// <summary>A report of an earlier run that this one resumes, replayed from the checkpoint before training goes on.</summary>
    public bool Restored { get; init; }

    public override string ToString() =>
        $"step {Step}/{TotalSteps}  loss {Loss:F4} (output {OutputLoss:F4}, feature {FeatureLoss:F4})  {ImagesPerSecond:F0} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
