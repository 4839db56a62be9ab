using System.Globalization;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>The four ablations of the paper at our scale.</summary>
public enum AblationStudy
{
    /// <summary>The p(t) family for a randomly initialized student, held-out-digit setup (MNIST, one digit absent from D).</summary>
    FamilyRandom,
    /// <summary>The p(t) family for a student initialized from the teacher, unseen-concept setup (Fashion-MNIST, a group absent from D).</summary>
    FamilyTeacher,
    /// <summary>The size of D (images per class, nested subsets of one generated set), without and with RC, held-out-digit setup.</summary>
    Images,
    /// <summary>The size of C (balanced nested subsets that keep every class's captions), with RC, held-out-digit setup.</summary>
    Captions,
}

public static class AblationStudies
{
    public static readonly IReadOnlyList<AblationStudy> All = Enum.GetValues<AblationStudy>();

    /// <summary>The study's name in records, file names and the CLI: family-random, family-teacher, images, captions.</summary>
    public static string Slug(this AblationStudy study) => study switch
    {
        AblationStudy.FamilyRandom => "family-random",
        AblationStudy.FamilyTeacher => "family-teacher",
        AblationStudy.Images => "images",
        AblationStudy.Captions => "captions",
        _ => throw new ArgumentOutOfRangeException(nameof(study), study, null),
    };

    public static AblationStudy Parse(string slug) =>
        All.Cast<AblationStudy?>().FirstOrDefault(s => s!.Value.Slug() == slug)
        ?? throw new ArgumentException($"unknown ablation study '{slug}' (known: {string.Join(", ", All.Select(s => s.Slug()))})");
}

/// <summary>One student of a study: its label, p(t), D's images per class, and C's size (null: the full corpus with D's own captions).</summary>
public sealed record AblationSetting(string Label, ReplacementProbability Replacement, int ImagesPerClass, int? CaptionCount);

/// <summary>
/// Every knob of one ablation study. Start from a scale's preset (<see cref="For"/>) and change what the study varies
/// with <c>with { ... }</c>: the p(t) families, D's sizes (images per class), C's sizes (captions), the held-out digit
/// or excluded group, and the distillation's steps and time budget.
/// </summary>
public sealed record AblationConfig
{
    public static readonly IReadOnlyList<ReplacementProbability> DefaultFamilies =
        [ReplacementProbability.Off, ReplacementProbability.Linear(), ReplacementProbability.Exponential(), ReplacementProbability.Sigmoid(), ReplacementProbability.Constant(0.5)];

    public AblationStudy Study { get; init; } = AblationStudy.FamilyRandom;
    /// <summary>The sizes of the held-out-digit and unseen-concept setups at this scale (D, steps, sampling).</summary>
    public required AblationScale Scale { get; init; }
    /// <summary>The p(t) families the two family studies compare.</summary>
    public IReadOnlyList<ReplacementProbability> Families { get; init; } = DefaultFamilies;
    /// <summary>Images per class of the D sizes the images study compares (at most the scale's generated images per class).</summary>
    public required IReadOnlyList<int> ImageSizes { get; init; }
    /// <summary>Sizes of C the captions study compares (multiples of the number of classes).</summary>
    public required IReadOnlyList<int> CaptionSizes { get; init; }
    /// <summary>The digit absent from D in the MNIST studies.</summary>
    public int HeldOutDigit { get; init; } = 3;
    /// <summary>The Fashion-MNIST concept group absent from D in the family-teacher study.</summary>
    public string ExcludedGroup { get; init; } = "footwear";
    /// <summary>Distillation steps per student; null: the scale's.</summary>
    public int? Steps { get; init; }
    /// <summary>Minutes per student at most; null: the scale's; 0: none.</summary>
    public double? TimeBudgetMinutes { get; init; }
    public Device Device { get; init; } = Device.CPU;
    /// <summary>The fast paths of sampling and of the distillation step; null: <see cref="CudaFastPaths.For"/> the device (all on for CUDA, off on the CPU).</summary>
    public CudaFastPaths? FastPaths { get; init; }
    /// <summary>The teacher's checkpoint; null: data/teachers/&lt;dataset&gt;-teacher.safetensors.</summary>
    public string? Teacher { get; init; }

    public static AblationConfig Smoke => For("smoke");
    public static AblationConfig Quick => For("quick");
    public static AblationConfig Paper => For("paper");

    /// <summary>The preset of a scale (smoke, quick, paper), family-random study.</summary>
    public static AblationConfig For(string scale)
    {
        var sizes = AblationScale.Named(scale);
        return new AblationConfig { Scale = sizes, ImageSizes = sizes.ImageSizes, CaptionSizes = sizes.CaptionSizes };
    }

    private bool Fashion => Study == AblationStudy.FamilyTeacher;
    public DatasetKind Dataset => Fashion ? DatasetKind.FashionMnist : DatasetKind.Mnist;
    public ConceptGroup Group => Fashion ? ConceptGroups.Named(Dataset, ExcludedGroup) : ConceptGroups.Digit(HeldOutDigit);
    public string TeacherPath => Teacher ?? RepoPaths.Data("teachers", $"{Dataset.Slug()}-teacher.safetensors");
    /// <summary>The paths this study takes: <see cref="FastPaths"/>, or the device's defaults.</summary>
    public CudaFastPaths Paths => FastPaths ?? CudaFastPaths.For(Device);

    /// <summary>The family-teacher study distils a student copied from the teacher; the others one from random weights.</summary>
    public StudentSpec Student => StudentSpec.BlockRemoved(Fashion ? StudentInit.Teacher : StudentInit.Random);

    /// <summary>Images per class the teacher generates for D (the images study takes nested subsets of it).</summary>
    public int GeneratedPerClass => Fashion ? Scale.Fashion.ImagesPerClass : Scale.Digit.ImagesPerDigit;

    /// <summary>The distillation options every student of the study shares (its setting sets p(t)).</summary>
    public DistillationOptions Options
    {
        get
        {
            double? budget = TimeBudgetMinutes;
            var options = Fashion
                ? DistillationTableLab.Options(Scale.Fashion with { DistillSteps = Steps ?? Scale.Fashion.DistillSteps, MinutesPerStudent = budget ?? Scale.Fashion.MinutesPerStudent })
                : HeldOutDigitLab.Options(Scale.Digit with { DistillSteps = Steps ?? Scale.Digit.DistillSteps, TimeBudgetMinutes = budget ?? Scale.Digit.TimeBudgetMinutes });
            return Paths.Apply(options);
        }
    }

    /// <summary>How every model of the study is sampled for scoring (the same noise and captions for each).</summary>
    public SamplingPlan Sampling => Fashion ? DistillationTableLab.Sampling(Scale.Fashion) : HeldOutDigitLab.Sampling(Scale.Digit);

    /// <summary>How the teacher generates D, at its guidance scale.</summary>
    public ImageSetRecipe Recipe(double guidance) =>
        new(GeneratedPerClass, Fashion ? Scale.Fashion.GenerationSteps : Scale.Digit.GenerationSteps, guidance);

    /// <summary>The students the study compares, in order; throws (naming the knob) on a setting this config cannot run.</summary>
    public IReadOnlyList<AblationSetting> Settings()
    {
        Validate();
        return Study switch
        {
            AblationStudy.FamilyRandom or AblationStudy.FamilyTeacher =>
                Families.Select(p => new AblationSetting(p.Name, p, GeneratedPerClass, null)).ToList(),
            AblationStudy.Images => ImageSizes.SelectMany(n => new[]
            {
                new AblationSetting($"{n} per class, no RC", ReplacementProbability.Off, n, null),
                new AblationSetting($"{n} per class, RC", ReplacementProbability.DefaultFor(teacherInitialized: false), n, null),
            }).ToList(),
            _ => CaptionSizes.Select(k => new AblationSetting($"|C| = {k.ToString(CultureInfo.InvariantCulture)}",
                ReplacementProbability.DefaultFor(teacherInitialized: false), GeneratedPerClass, k)).ToList(),
        };
    }

    private void Validate()
    {
        if (Families.Count == 0) throw new ArgumentException("AblationConfig.Families: at least one p(t) family");
        if (Study == AblationStudy.Images)
        {
            if (ImageSizes.Count == 0 || ImageSizes.Any(n => n < 1)) throw new ArgumentException($"AblationConfig.ImageSizes: positive images per class, got [{string.Join(", ", ImageSizes)}]");
            if (ImageSizes.Max() > GeneratedPerClass)
                throw new ArgumentException($"AblationConfig.ImageSizes: at most the {GeneratedPerClass} images per class the {Scale.Name} scale generates, got {ImageSizes.Max()}");
        }
        if (Study == AblationStudy.Captions)
        {
            if (CaptionSizes.Count == 0) throw new ArgumentException("AblationConfig.CaptionSizes: at least one size of C");
            foreach (var size in CaptionSizes)
            {
                try
                {
                    BalancedCaptions.Subset(CaptionCorpus.Full(DatasetKind.Mnist), size);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"AblationConfig.CaptionSizes: {e.Message}", e);
                }
            }
        }
        if (Steps is < 1) throw new ArgumentException($"AblationConfig.Steps: at least 1, got {Steps}");
        if (TimeBudgetMinutes is < 0) throw new ArgumentException($"AblationConfig.TimeBudgetMinutes: 0 (none) or more, got {TimeBudgetMinutes}");
        _ = Group;   // an unknown group or digit fails here, before anything runs
    }
}
