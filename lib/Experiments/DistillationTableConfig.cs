using RandCond.Data;
using RandCond.Distillation;

namespace RandCond.Experiments;

/// <summary>Where the image set D of a distillation comes from.</summary>
public enum ImageSource
{
    /// <summary>Images the teacher generates for D's captions (the paper's setting).</summary>
    Generated,
    /// <summary>Real training images of D's classes (the paper's comparison).</summary>
    Real,
}

/// <summary>
/// Every knob of the distillation table (paper Table 1) and, with <see cref="Excluded"/> set, of the unseen-concepts
/// table (Table 2): the dataset and teacher, the sizes of one scale, the students, where D comes from, the concept
/// group D leaves out while C keeps its captions, and the fast paths. Start from a preset and override with <c>with</c>.
/// </summary>
public sealed record DistillationTableConfig
{
    public DatasetKind Dataset { get; init; } = DatasetKind.FashionMnist;
    /// <summary>Image-set, distillation and sampling sizes (steps, batch, time budget per student, samples per class).</summary>
    public required DistillationTableScale Sizes { get; init; }
    /// <summary>The students, each distilled without and with random conditioning.</summary>
    public IReadOnlyList<StudentSpec> Students { get; init; } = StudentSpec.BlockRemovedFamily();
    public IReadOnlyList<ImageSource> Sources { get; init; } = [ImageSource.Generated, ImageSource.Real];
    /// <summary>A concept group absent from D but present in C's captions (Table 2), or null for the main table.</summary>
    public ConceptGroup? Excluded { get; init; }
    /// <summary>The teacher's safetensors file; null means the committed teacher of <see cref="Dataset"/>.</summary>
    public string? TeacherPath { get; init; }
    /// <summary>
    /// The fast paths of sampling (D and scoring) and of the distillation step. The configuration does not know its device,
    /// so the default is <see cref="CudaFastPaths.Off"/>; the lab verb sets <see cref="CudaFastPaths.For"/> its device.
    /// </summary>
    public CudaFastPaths FastPaths { get; init; } = CudaFastPaths.Off;
    /// <summary>
    /// Shorthand for <see cref="FastPaths"/>: true takes every CUDA fast path (<see cref="CudaFastPaths.All"/>), false none;
    /// reads whether the step is a CUDA graph. Set this or <see cref="FastPaths"/>, not both.
    /// </summary>
    public bool CudaGraph
    {
        get => FastPaths.GraphedStep;
        init => FastPaths = value ? CudaFastPaths.All : CudaFastPaths.Off;
    }
    /// <summary>The seed of the students' initialization and batches (sampling for scoring keeps its own seed, so every model sees the same noise).</summary>
    public int Seed { get; init; } = DefaultSeed;

    private const int DefaultSeed = 17;

    public static DistillationTableConfig Smoke => new() { Sizes = DistillationTableScale.Smoke };
    public static DistillationTableConfig Quick => new() { Sizes = DistillationTableScale.Quick };
    public static DistillationTableConfig Paper => new() { Sizes = DistillationTableScale.Paper };

    /// <summary>The preset of a scale: "smoke", "quick" or "paper".</summary>
    public static DistillationTableConfig For(string scale) => new() { Sizes = DistillationTableScale.Named(scale) };

    public string Scale => Sizes.Name;

    public string Teacher => TeacherPath ?? RepoPaths.Data("teachers", $"{Dataset.Slug()}-teacher.safetensors");

    /// <summary>C: every caption of the dataset's corpus, the excluded group's included.</summary>
    public CaptionCorpus TextCorpus => CaptionCorpus.Full(Dataset);

    /// <summary>D's captions: C without the excluded group's.</summary>
    public CaptionCorpus ImageCaptions => Excluded is null ? TextCorpus : TextCorpus.Excluding(Excluded);

    /// <summary>How the teacher generates D.</summary>
    public ImageSetRecipe Recipe(double guidance) => new(Sizes.ImagesPerClass, Sizes.GenerationSteps, guidance);

    /// <summary>How every model of the table is sampled for scoring (the same noise and captions for each).</summary>
    public SamplingPlan Sampling => DistillationTableLab.Sampling(Sizes);

    /// <summary>The two arms of every student: without random conditioning, and with the p(t) family its initialization calls for.</summary>
    public static IReadOnlyList<(bool RandomConditioning, ReplacementProbability P)> Arms(StudentSpec student) =>
        [(false, ReplacementProbability.Off), (true, ReplacementProbability.DefaultFor(student.Init == StudentInit.Teacher))];

    /// <summary>The options of one arm: the table's shared options with the arm's p(t).</summary>
    public DistillationOptions Options(ReplacementProbability p) => FastPaths.Apply(DistillationTableLab.Options(Sizes) with { Replacement = p, Seed = (ulong)Seed });

    /// <summary>The run name of one arm: its checkpoint and run-store key.</summary>
    public string ArmName(StudentSpec student, ImageSource source, bool randomConditioning) =>
        $"{Dataset.Slug()}-{Scale}-{Excluded?.Name ?? "all"}-{student.Name}-{Name(source)}-rc-{(randomConditioning ? "yes" : "no")}{(Seed == DefaultSeed ? "" : $"-seed-{Seed}")}".Replace(' ', '-');

    /// <summary>"distillation-table-fashion-mnist[-without-footwear]-quick-cpu": the name of the record's files.</summary>
    public string FileStem(bool cuda) =>
        $"{DistillationTableLab.Experiment}-{Dataset.Slug()}{(Excluded is null ? "" : "-without-" + Excluded.Name.Replace(' ', '-'))}-{Scale}-{(cuda ? "cuda" : "cpu")}";

    /// <summary>Fails, naming the knob, on a configuration that cannot run.</summary>
    public void Validate()
    {
        if (Students.Count == 0) throw new ArgumentException("Students: the table needs at least one student");
        if (Sources.Count == 0) throw new ArgumentException("Sources: the table needs at least one source of D (generated, real)");
        if (Excluded is not null && Excluded.Kind != Dataset)
            throw new ArgumentException($"Excluded: the group {Excluded} is not of the dataset {Dataset.DisplayName()}");
        if (Seed < 0) throw new ArgumentException($"Seed: must not be negative, got {Seed}");
        var s = Sizes;
        if (s.ImagesPerClass <= 0 || s.RealPerClass <= 0 || s.GenerationSteps <= 0 || s.DistillSteps <= 0 || s.BatchSize <= 0
            || s.SamplesPerClass <= 0 || s.SamplingSteps <= 0 || s.LearningRate <= 0 || s.MinutesPerStudent < 0)
            throw new ArgumentException($"Sizes: every size must be positive (the time budget may be 0 for none), got {s}");
    }

    /// <summary>"generated" or "real", as the record writes a source.</summary>
    public static string Name(ImageSource source) => source switch
    {
        ImageSource.Generated => "generated",
        ImageSource.Real => "real",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown image source"),
    };

    /// <summary>A source by its record name.</summary>
    public static ImageSource ParseSource(string name) => name.Trim() switch
    {
        "generated" => ImageSource.Generated,
        "real" => ImageSource.Real,
        _ => throw new ArgumentException($"unknown source of D '{name}' (generated, real)", nameof(name)),
    };
}
