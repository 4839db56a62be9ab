namespace RandCond.Metrics;

public enum ClassifierRateSchedule { Constant, Cosine, OneCycle }

/// <summary>Settings of <see cref="ClassifierTrainer"/>. The defaults suit MNIST and Fashion-MNIST on a GPU.</summary>
public sealed record ClassifierTrainingOptions
{
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 512;
    /// <summary>The peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 3e-3;
    public double WeightDecay { get; init; } = 5e-2;
    public ClassifierRateSchedule Schedule { get; init; } = ClassifierRateSchedule.OneCycle;
    /// <summary>The share of all steps spent warming up (OneCycle only).</summary>
    public double WarmupFraction { get; init; } = 0.15;
    public double LabelSmoothing { get; init; } = 0.0;
    /// <summary>Random shifts of up to this many pixels each way (padding with the background, then a random crop); 0 turns them off.</summary>
    public int MaxShift { get; init; } = 2;
    /// <summary>Random left-right flips (right for Fashion-MNIST, wrong for digits).</summary>
    public bool HorizontalFlip { get; init; }
    public ulong Seed { get; init; } = 0;
    /// <summary>Progress is reported (and the device synchronized) every this many steps, and at each epoch's end.</summary>
    public int LogEvery { get; init; } = 50;
    public int EvalBatchSize { get; init; } = 1000;
    /// <summary>Where to keep a checkpoint after every epoch; training resumes from it when it exists. Null: none.</summary>
    public string? ResumePath { get; init; }

    internal void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "at least one epoch");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be positive");
        if (LearningRate <= 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "must lie in [0, 1)");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "must lie in [0, 1)");
        if (MaxShift < 0) throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, "must be 0 or more");
        if (LogEvery < 1) throw new ArgumentOutOfRangeException(nameof(LogEvery), LogEvery, "must be positive");
        if (EvalBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(EvalBatchSize), EvalBatchSize, "must be positive");
    }
}

/// <summary>The learning rate at a step, for each schedule.</summary>
public static class ClassifierRateSchedules
{
    /// <summary>The rate for 0-based step of total: OneCycle warms up linearly from peak/25, then all but Constant follow a cosine to 0.</summary>
    public static double At(ClassifierRateSchedule schedule, double peak, long step, long total, double warmupFraction = 0)
    {
        if (schedule == ClassifierRateSchedule.Constant) return peak;
        long warmup = schedule == ClassifierRateSchedule.OneCycle ? (long)Math.Round(total * warmupFraction) : 0;
        if (step < warmup) return peak * (0.04 + 0.96 * step / warmup);
        double progress = total - warmup <= 1 ? 0 : (double)(step - warmup) / (total - warmup - 1);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
    }
}
