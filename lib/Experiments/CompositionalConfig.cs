using RandCond.Data;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Every knob of the compositional experiment (paper Table 1 where D covers little of C): a teacher trained on captions
/// that name a digit and its measured thickness and slant (<see cref="AttributeCaptions"/>, 40 classes), D generated for
/// only <see cref="CombinationsPerDigit"/> of each digit's four attribute combinations, C holding all forty; students
/// distilled without and with random conditioning and scored on the combinations D lacks. Start from a preset
/// (<see cref="Smoke"/>, <see cref="Quick"/>, <see cref="Paper"/>, or <see cref="For"/>) and override with <c>with</c>.
/// </summary>
public sealed record CompositionalConfig
{
    /// <summary>smoke, quick or paper: names the preset the sizes came from and the records' files.</summary>
    public required string Scale { get; init; }
    /// <summary>Teacher images per (digit, combination) class of D.</summary>
    public required int ImagesPerClass { get; init; }
    /// <summary>DDIM steps the teacher takes to generate D.</summary>
    public required int GenerationSteps { get; init; }
    public required int DistillSteps { get; init; }
    public required int BatchSize { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>Cosine decay of the rate to zero after warm-up (else constant).</summary>
    public bool CosineDecay { get; init; }
    /// <summary>Wall-clock limit per student in minutes; 0: none.</summary>
    public double TimeBudgetMinutes { get; init; }
    /// <summary>Samples drawn from each model for each of the 40 classes.</summary>
    public required int SamplesPerClass { get; init; }
    public required int SamplingSteps { get; init; }
    /// <summary>How many of each digit's four attribute combinations D holds (1-3): digit d holds combinations d, d+1, … (mod 4).</summary>
    public int CombinationsPerDigit { get; init; } = 1;
    /// <summary>The teacher's file in data/teachers when <see cref="Teacher"/> is not given.</summary>
    public string DefaultTeacher { get; init; } = "mnist-attribute-teacher.safetensors";
    /// <summary>A teacher file; null: <see cref="DefaultTeacher"/>.</summary>
    public string? Teacher { get; init; }
    /// <summary>The student architecture and initialization, as <see cref="StudentSpec.Parse"/> reads it: the table's setting, a student from the teacher's weights.</summary>
    public string Student { get; init; } = "block-removed:teacher";
    /// <summary>The RC student's p(t), as <see cref="ReplacementProbability.Parse"/> reads it; null: the default for the student's initialization.</summary>
    public string? Replacement { get; init; }
    public int Seed { get; init; } = 17;
    public Device Device { get; init; } = Device.CPU;
    /// <summary>The fast paths of sampling and of the distillation step; null: <see cref="CudaFastPaths.For"/> the device.</summary>
    public CudaFastPaths? FastPaths { get; init; }

    /// <summary>Seconds on the CPU, for tests and smoke runs of the notebook: the numbers mean nothing.</summary>
    public static readonly CompositionalConfig Smoke = new()
    {
        Scale = "smoke", ImagesPerClass = 2, GenerationSteps = 2, DistillSteps = 2, BatchSize = 8, LearningRate = 1e-4,
        SamplesPerClass = 2, SamplingSteps = 2, TimeBudgetMinutes = 1, DefaultTeacher = "mnist-attribute-quick-teacher.safetensors",
    };

    /// <summary>Two CPU cores: the quick compositional teacher, 20 images per class of D, 600 steps of 32 per student.</summary>
    public static readonly CompositionalConfig Quick = new()
    {
        Scale = "quick", ImagesPerClass = 20, GenerationSteps = 10, DistillSteps = 600, BatchSize = 32, LearningRate = 1e-3, CosineDecay = true,
        SamplesPerClass = 10, SamplingSteps = 10, DefaultTeacher = "mnist-attribute-quick-teacher.safetensors",
    };

    /// <summary>One H100/H200: the full compositional teacher, 1000 images per class of D, 2500 steps of 256 per student.</summary>
    public static readonly CompositionalConfig Paper = new()
    {
        Scale = "paper", ImagesPerClass = 1000, GenerationSteps = 25, DistillSteps = 2500, BatchSize = 256, LearningRate = 5e-4,
        SamplesPerClass = 100, SamplingSteps = 25, TimeBudgetMinutes = 2.6,
    };

    public static CompositionalConfig For(string scale) => scale switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{scale}' (smoke, quick, paper)", nameof(scale)),
    };

    public string TeacherPath => Teacher ?? RepoPaths.Data("teachers", DefaultTeacher);

    public StudentSpec StudentSpec => StudentSpec.Parse(Student);

    /// <summary>p(t) of the RC student (the no-RC student's is <see cref="ReplacementProbability.Off"/>).</summary>
    public ReplacementProbability RcReplacement =>
        Replacement is null ? ReplacementProbability.DefaultFor(StudentSpec.Init == StudentInit.Teacher) : ReplacementProbability.Parse(Replacement);

    public CudaFastPaths Paths => FastPaths ?? CudaFastPaths.For(Device);

    /// <summary>The classes (digit, combination) D holds images of: for digit d, combinations d, d+1, …, d+CombinationsPerDigit-1 (mod 4), so every digit and every attribute word appears in D while most pairings do not.</summary>
    public IReadOnlyList<int> SeenClasses =>
        Enumerable.Range(0, 10).SelectMany(d => Enumerable.Range(0, CombinationsPerDigit)
            .Select(k => AttributeCaptions.Label(d, (d + k) % AttributeCaptions.Combinations))).Order().ToArray();

    /// <summary>The classes D has no image of: the combinations the students are scored on.</summary>
    public IReadOnlyList<int> UnseenClasses => Enumerable.Range(0, 10 * AttributeCaptions.Combinations).Except(SeenClasses).ToArray();

    /// <summary>
    /// One class D lacks per digit: the one whose attributes differ most from that digit's classes in D (the fewest
    /// attributes in common with the closest; ties to the lowest class), the hardest composition of each digit. With one
    /// combination per digit in D it flips both thickness and slant.
    /// </summary>
    public IReadOnlyList<int> FarthestUnseenClasses =>
        Enumerable.Range(0, 10).Select(d => UnseenClasses.Where(c => AttributeCaptions.Digit(c) == d)
            .MaxBy(c => SeenClasses.Where(s => AttributeCaptions.Digit(s) == d).Min(s => DifferingAttributes(c, s)))).ToArray();

    private static int DifferingAttributes(int a, int b) =>
        System.Numerics.BitOperations.PopCount((uint)(AttributeCaptions.Combination(a) ^ AttributeCaptions.Combination(b)));

    /// <summary>D's captions: the corpus's captions of <see cref="SeenClasses"/>.</summary>
    public CaptionCorpus ImageCaptions(CaptionCorpus corpus)
    {
        var seen = SeenClasses.ToHashSet();
        return corpus.Where(e => seen.Contains(e.Label));
    }

    /// <summary>The options both students share (the arms differ only in p(t)), with the step's fast paths.</summary>
    public DistillationOptions Options(ReplacementProbability p) => Paths.Apply(new DistillationOptions
    {
        Steps = DistillSteps, BatchSize = BatchSize, LearningRate = LearningRate, CosineDecay = CosineDecay, Replacement = p,
        WarmupSteps = Math.Min(200, DistillSteps / 10 + 1), LogEvery = Math.Max(1, Math.Min(100, DistillSteps / 10)),
        CheckpointEvery = 500, Seed = (ulong)Seed, TimeBudget = TimeBudgetMinutes > 0 ? TimeSpan.FromMinutes(TimeBudgetMinutes) : null,
    });

    public SamplingPlan Sampling() => new(SamplesPerClass, SamplingSteps, Seed: 4321);

    public ImageSetRecipe Recipe(double guidance) => new(ImagesPerClass, GenerationSteps, guidance);

    /// <summary>The run name of one arm: its checkpoint and run-store key.</summary>
    public string ArmName(bool randomConditioning) =>
        $"compositional-{Scale}-seen{CombinationsPerDigit}-{Student.Replace(':', '-')}-rc-{(randomConditioning ? "yes" : "no")}{(Seed == 17 ? "" : $"-seed-{Seed}")}";

    /// <summary>"compositional-quick-cpu": the name of the record's files.</summary>
    public string FileStem(bool cuda) =>
        $"{CompositionalLab.Experiment}-{Scale}{(CombinationsPerDigit == 1 ? "" : $"-seen{CombinationsPerDigit}")}{(Student == "block-removed:teacher" ? "" : "-" + Student.Replace(':', '-'))}{(Seed == 17 ? "" : $"-seed{Seed}")}-{(cuda ? "cuda" : "cpu")}";

    /// <summary>Throws on a knob out of range, naming it.</summary>
    public CompositionalConfig Validate()
    {
        static void Positive(string name, double value)
        {
            if (!(value > 0)) throw new ArgumentException($"{name}: expected a positive number; got {value}");
        }
        Positive(nameof(ImagesPerClass), ImagesPerClass);
        Positive(nameof(GenerationSteps), GenerationSteps);
        Positive(nameof(DistillSteps), DistillSteps);
        Positive(nameof(BatchSize), BatchSize);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(SamplesPerClass), SamplesPerClass);
        Positive(nameof(SamplingSteps), SamplingSteps);
        if (CombinationsPerDigit is < 1 or > 3)
            throw new ArgumentException($"CombinationsPerDigit: expected 1-3 of the 4 combinations per digit (D must lack some); got {CombinationsPerDigit}");
        if (TimeBudgetMinutes < 0) throw new ArgumentException($"TimeBudgetMinutes: expected >= 0 (0: none); got {TimeBudgetMinutes}");
        if (Seed < 0) throw new ArgumentException($"Seed: must not be negative, got {Seed}");
        _ = StudentSpec;
        _ = RcReplacement;
        Paths.Validate(Device);
        return this;
    }
}
