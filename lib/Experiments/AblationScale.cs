namespace RandCond.Experiments;

/// <summary>
/// The sizes of one scale of the ablations: the held-out-digit setup (MNIST, randomly initialized students) and the
/// footwear-unseen setup (Fashion-MNIST, students from the teacher's weights) as their own labs size them, with
/// students short enough for five or six per study; and the D and C sizes the data-size and text-size studies sweep.
/// </summary>
public sealed record AblationScale(string Name, HeldOutDigitConfig Digit, DistillationTableScale Fashion,
                                   IReadOnlyList<int> ImageSizes, IReadOnlyList<int> CaptionSizes)
{
    /// <summary>What a run at this scale can and cannot show, written into its record.</summary>
    public string Note => Name switch
    {
        "paper" => "one H100-class GPU, about a minute per student: the scale whose numbers test the paper's claims",
        "quick" => "two CPU cores, a few minutes per study: students get a few dozen steps, far too few to learn anything, so no effect can show; it runs the pipeline end to end",
        _ => "seconds, for tests: the numbers mean nothing",
    };

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs.</summary>
    public static readonly AblationScale Smoke = new("smoke", HeldOutDigitConfig.Smoke, DistillationTableScale.Smoke with { SamplesPerClass = 1 }, [1, 2], [10, 20]);

    /// <summary>
    /// Two CPU cores, about 2-3 minutes a study: D as the labs' quick scales make it (cached, shared with them), 30 steps of 8
    /// per student, 2 samples per class. Far too little training for any effect to show: it checks the pipeline end to end.
    /// No time budget: on a busy machine a budget would stop some students early, and their study would compare unequal arms.
    /// </summary>
    public static readonly AblationScale Quick = new("quick",
        HeldOutDigitConfig.Quick with
        {
            DistillSteps = 30, BatchSize = 8, LearningRate = 1e-3, CosineDecay = false, SamplesPerDigit = 2, SamplingSteps = 5, TimeBudgetMinutes = 0,
            Student = "block-removed:random",
        },
        DistillationTableScale.Quick with { DistillSteps = 30, BatchSize = 8, SamplesPerClass = 2, SamplingSteps = 5, MinutesPerStudent = 0 },
        [5, 10, 20], [10, 50, 280]);

    /// <summary>
    /// One H100, under 10 minutes a study: D as the labs' paper scales make it (1000 per class; shared cache), 900 steps of
    /// 256 per student (about a minute at the ~15 steps/s the paper-scale runs measured; the time budget is a safety net).
    /// </summary>
    public static readonly AblationScale Paper = new("paper",
        HeldOutDigitConfig.Paper with { DistillSteps = 900, TimeBudgetMinutes = 1.2 },
        DistillationTableScale.Paper with { DistillSteps = 900, MinutesPerStudent = 1.2 },
        [100, 300, 1000], [10, 20, 50, 100, 280]);

    public static AblationScale Named(string name) => name switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{name}' (smoke, quick, paper)"),
    };
}
