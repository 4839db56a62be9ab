namespace RandCond.Diffusion.Training;

/// <summary>Knobs of teacher training (epsilon prediction, uniform t, null-caption dropout for guidance).</summary>
public sealed record DiffusionTrainingOptions
{
    public int Steps { get; init; } = 10_000;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 3e-4;
    public int WarmupSteps { get; init; } = 200;
    public double WeightDecay { get; init; } = 0.0;
    public double EmaDecay { get; init; } = 0.999;
    public double NullCaptionProbability { get; init; } = 0.1;
    public double MaxGradNorm { get; init; } = 1.0;
    public int CheckpointEvery { get; init; } = 1000;
    public int LogEvery { get; init; } = 100;
    /// <summary>Every random draw of step s comes from a generator seeded by (Seed, s), so a resumed run repeats exactly.</summary>
    public ulong Seed { get; init; }
    /// <summary>Stops (with a checkpoint) at the first log point after this much wall time; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }
}

/// <summary>One progress report: step, loss (mean over the last LogEvery steps), throughput and ETA.</summary>
public sealed record DiffusionTrainingProgress(int Step, int TotalSteps, double Loss, double ImagesPerSecond, TimeSpan Eta)
    : global::RandCond.Training.IProgressReport
{
    public global::RandCond.Training.ProgressSnapshot Snapshot => new(Step, TotalSteps, [("loss", Loss)], ImagesPerSecond, "img/s", Eta);

    /// <summary>A report of an earlier run that this one resumes, replayed from the checkpoint before training goes on.</summary>
    public bool Restored { get; init; }

    public override string ToString() =>
        $"step {Step}/{TotalSteps}  loss {Loss:F4}  {ImagesPerSecond:F0} img/s  ETA {Eta:hh\\:mm\\:ss}";
}
