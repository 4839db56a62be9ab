using RandCond.Distillation;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Every knob of the held-out-digit experiment (paper Fig. 2): the sizes of a scale (<see cref="Smoke"/>,
/// <see cref="Quick"/>, <see cref="Paper"/>, or <see cref="For"/> by name), the digit D leaves out, the teacher and its
/// conditioning, the student, the RC student's p(t), the distillation recipe, sampling, the device.
/// Override with <c>with</c>: <c>HeldOutDigitConfig.Quick with { HeldOutDigit = 7, DistillSteps = 300 }</c>.
/// </summary>
public sealed record HeldOutDigitConfig
{
    /// <summary>smoke, quick or paper: names the preset the other sizes came from and the records' files.</summary>
    public required string Scale { get; init; }
    /// <summary>Teacher images per seen digit in D.</summary>
    public required int ImagesPerDigit { get; init; }
    /// <summary>DDIM steps the teacher takes to generate D.</summary>
    public required int GenerationSteps { get; init; }
    public required int DistillSteps { get; init; }
    public required int BatchSize { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>Cosine decay of the rate to zero after warm-up (else constant).</summary>
    public bool CosineDecay { get; init; }
    /// <summary>Weight of the feature-matching term next to the output term (weight 1).</summary>
    public double FeatureWeight { get; init; } = 1;
    /// <summary>Wall-clock limit per student in minutes; 0: none (each arm runs every step).</summary>
    public double TimeBudgetMinutes { get; init; }
    /// <summary>Samples of every digit drawn from each model for scoring.</summary>
    public required int SamplesPerDigit { get; init; }
    public required int SamplingSteps { get; init; }

    /// <summary>The digit with no image in D (its captions stay in C).</summary>
    public int HeldOutDigit { get; init; } = 3;
    /// <summary>"text": the teacher's frozen text encoder; "label": its frozen one-hot label MLP, as in the authors' MNIST code.</summary>
    public string Conditioning { get; init; } = "text";
    /// <summary>The text teacher's file in data/teachers when <see cref="Teacher"/> is not given (the label teacher's is "mnist-label-…").</summary>
    public string DefaultTeacher { get; init; } = "mnist-teacher.safetensors";
    /// <summary>A teacher file; null: <see cref="DefaultTeacher"/> for the conditioning.</summary>
    public string? Teacher { get; init; }
    /// <summary>The student architecture and initialization, as <see cref="StudentSpec.Parse"/> reads it.</summary>
    public string Student { get; init; } = "block-removed:random";
    /// <summary>The RC student's p(t), as <see cref="ReplacementProbability.Parse"/> reads it; null: sigmoid for a randomly initialized student, exponential for one from the teacher.</summary>
    public string? Replacement { get; init; }
    public Device Device { get; init; } = Device.CPU;
    /// <summary>
    /// The fast paths of sampling (D and scoring) and of the distillation step; null: <see cref="CudaFastPaths.For"/> the
    /// device (all on for CUDA, all off on the CPU). Turn one off with <c>FastPaths = CudaFastPaths.For(device) with { Bf16Step = false }</c>.
    /// </summary>
    public CudaFastPaths? FastPaths { get; init; }

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs: the numbers mean nothing.</summary>
    public static readonly HeldOutDigitConfig Smoke = new()
    {
        Scale = "smoke", ImagesPerDigit = 2, GenerationSteps = 2, DistillSteps = 2, BatchSize = 8, LearningRate = 5e-4,
        SamplesPerDigit = 1, SamplingSteps = 2, TimeBudgetMinutes = 1, DefaultTeacher = "mnist-quick-teacher.safetensors",
    };

    /// <summary>
    /// Two CPU cores, under 10 minutes: the 0.9 M-parameter quick teacher (14x14 grid of 2x2 patches); students that keep the
    /// teacher's U-Net weights (one residual block per stage removed) but learn a text encoder of their own from random
    /// weights, so the held-out digit's words reach a student only through random conditioning; 700 steps of 32 at lr 1e-3
    /// decayed to zero. On 2 CPU cores this showed the effect where students from random weights with the teacher's shared
    /// encoder did not (results/held-out-digit-quick-cpu.json; 1200 steps at 4e-3 do better and take over 10 minutes:
    /// results/held-out-digit-quick-steps-1200-lr-0.004-cpu.json). No time budget: on a busy machine a budget would stop
    /// one arm earlier than the other, and the comparison needs equal steps.
    /// </summary>
    public static readonly HeldOutDigitConfig Quick = new()
    {
        Scale = "quick", ImagesPerDigit = 20, GenerationSteps = 10, DistillSteps = 700, BatchSize = 32, LearningRate = 1e-3, CosineDecay = true,
        SamplesPerDigit = 20, SamplingSteps = 10, DefaultTeacher = "mnist-quick-teacher.safetensors", Student = "block-removed:teacher:own-encoder",
    };

    /// <summary>One H100/H200: the full teacher, 1000 images per digit, 2500 steps of 256 within 2.6 minutes per student.</summary>
    public static readonly HeldOutDigitConfig Paper = new()
    {
        Scale = "paper", ImagesPerDigit = 1000, GenerationSteps = 25, DistillSteps = 2500, BatchSize = 256, LearningRate = 5e-4,
        SamplesPerDigit = 200, SamplingSteps = 25, TimeBudgetMinutes = 2.6,
    };

    public static HeldOutDigitConfig For(string scale) => scale switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{scale}' (smoke, quick, paper)", nameof(scale)),
    };

    /// <summary>The teacher file this configuration distils from.</summary>
    public string TeacherPath => Teacher ?? RepoPaths.Data("teachers",
        Conditioning == "label" ? DefaultTeacher.Replace("mnist-", "mnist-label-", StringComparison.Ordinal) : DefaultTeacher);

    public StudentSpec StudentSpec => StudentSpec.Parse(Student);

    /// <summary>p(t) of the RC student (the no-RC student's is <see cref="ReplacementProbability.Off"/>).</summary>
    public ReplacementProbability RcReplacement =>
        ReplacementProbability.Parse(Replacement ?? (StudentSpec.Init == StudentInit.Teacher ? "exponential" : "sigmoid"));

    /// <summary>The paths this run takes: <see cref="FastPaths"/>, or the device's defaults.</summary>
    public CudaFastPaths Paths => FastPaths ?? CudaFastPaths.For(Device);

    /// <summary>The distillation options both students share (the arms differ only in p(t)), with the step's fast paths (<see cref="CudaFastPaths.Apply"/>).</summary>
    public DistillationOptions Options() => Paths.Apply(new DistillationOptions
    {
        Steps = DistillSteps, BatchSize = BatchSize, LearningRate = LearningRate, CosineDecay = CosineDecay,
        Weights = new LossWeights(Feature: FeatureWeight),
        WarmupSteps = Math.Min(200, DistillSteps / 10 + 1), LogEvery = Math.Max(1, Math.Min(100, DistillSteps / 10)),
        CheckpointEvery = 500, Seed = 11, TimeBudget = TimeBudgetMinutes > 0 ? TimeSpan.FromMinutes(TimeBudgetMinutes) : null,
    });

    /// <summary>How every model is sampled for scoring: the same noise and captions for each.</summary>
    public SamplingPlan Sampling() => new(SamplesPerDigit, SamplingSteps, Seed: 1234);

    /// <summary>How the teacher generates D, at the teacher's guidance scale.</summary>
    public ImageSetRecipe Recipe(double guidance) => new(ImagesPerDigit, GenerationSteps, guidance);

    /// <summary>
    /// What sets this run's record apart from its scale's preset, for its file name: each knob that changes what the
    /// students learn and differs from the preset, as "-knob-value" (e.g. "-student-block-removed-random-own-encoder-replacement-exponential");
    /// empty for the preset itself. The device, fast paths and time budget change how a run goes, not what it measures, and are left out.
    /// </summary>
    public string RecordVariant()
    {
        var preset = For(Scale);
        var parts = new List<(string Knob, object? Value)>();
        void Differs<T>(string knob, T mine, T theirs) { if (!EqualityComparer<T>.Default.Equals(mine, theirs)) parts.Add((knob, mine)); }
        Differs("student", Student, preset.Student);
        Differs("replacement", RcReplacement.Name, (preset with { Student = Student }).RcReplacement.Name);
        Differs("feature-weight", FeatureWeight, preset.FeatureWeight);
        Differs("steps", DistillSteps, preset.DistillSteps);
        Differs("batch", BatchSize, preset.BatchSize);
        Differs("lr", LearningRate, preset.LearningRate);
        Differs("lr-schedule", CosineDecay ? "cosine" : "constant", preset.CosineDecay ? "cosine" : "constant");
        Differs("images-per-digit", ImagesPerDigit, preset.ImagesPerDigit);
        Differs("samples-per-digit", SamplesPerDigit, preset.SamplesPerDigit);
        Differs("teacher", Teacher is null ? null : Path.GetFileNameWithoutExtension(Teacher), null);
        static string Slug(object? value) => System.Text.RegularExpressions.Regex.Replace(
            Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "", "[^A-Za-z0-9.]+", "-").Trim('-');
        return string.Concat(parts.Select(p => $"-{p.Knob}-{Slug(p.Value)}"));
    }

    /// <summary>Throws on a knob out of range, naming it.</summary>
    public HeldOutDigitConfig Validate()
    {
        static void Positive(string name, double value)
        {
            if (!(value > 0)) throw new ArgumentException($"{name}: expected a positive number; got {value}");
        }
        if (HeldOutDigit is < 0 or > 9) throw new ArgumentException($"HeldOutDigit: expected a digit 0-9; got {HeldOutDigit}");
        if (Conditioning is not ("text" or "label")) throw new ArgumentException($"Conditioning: expected text or label; got '{Conditioning}'");
        Positive(nameof(ImagesPerDigit), ImagesPerDigit);
        Positive(nameof(GenerationSteps), GenerationSteps);
        Positive(nameof(DistillSteps), DistillSteps);
        Positive(nameof(BatchSize), BatchSize);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(SamplesPerDigit), SamplesPerDigit);
        Positive(nameof(SamplingSteps), SamplingSteps);
        if (FeatureWeight < 0) throw new ArgumentException($"FeatureWeight: expected >= 0; got {FeatureWeight}");
        if (TimeBudgetMinutes < 0) throw new ArgumentException($"TimeBudgetMinutes: expected >= 0 (0: none); got {TimeBudgetMinutes}");
        _ = StudentSpec;
        _ = RcReplacement;
        Paths.Validate(Device);
        return this;
    }
}
