using RandCond.Data;
using RandCond.Distillation.Sfddm;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Every knob of the SFDDM experiment (<see cref="SfddmLab"/>): which teacher, which student step counts T', how each
/// student is distilled and how the students and the teacher are sampled. Start from a scale's preset
/// (<see cref="For"/>) and change what you need with <c>with { ... }</c>.
/// </summary>
public sealed record SfddmConfig
{
    public DatasetKind Dataset { get; init; } = DatasetKind.Mnist;
    /// <summary>"smoke", "quick" or "paper": names the records and checkpoints; smoke records go to .cache, not results/.</summary>
    public string Scale { get; init; } = "paper";
    public Device Device { get; init; } = Device.CPU;
    /// <summary>The student step counts T', one student each, in this order.</summary>
    public IReadOnlyList<int> Students { get; init; } = [10];
    /// <summary>Distillation steps per student.</summary>
    public int Steps { get; init; } = 8000;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 2e-4;
    /// <summary>After the warm-up, decay the rate along a half cosine instead of keeping it constant.</summary>
    public bool CosineDecay { get; init; }
    public int WarmupSteps { get; init; }
    /// <summary>Wall time per student in minutes; 0 = none (the run's length then does not depend on the machine's load).</summary>
    public double TimeBudgetMinutes { get; init; }
    /// <summary>Replay each training step as a CUDA graph; null = on for a CUDA device, off on the CPU.</summary>
    public bool? CudaGraph { get; init; }
    public int SamplesPerClass { get; init; } = 100;
    public SfddmIndexList IndexList { get; init; } = SfddmIndexList.EndsAtLastStep;
    /// <summary>Classifier-free guidance scale; null = the teacher's own.</summary>
    public double? Guidance { get; init; }
    /// <summary>Bound of each DDIM step's estimate x^ (<see cref="SamplingClip"/>); null = not clipped.</summary>
    public double? ClipX0 { get; init; } = 1;
    /// <summary>Seeds the distillation's draws and each student's initial weights.</summary>
    public ulong Seed { get; init; }
    /// <summary>Seeds the noise and captions both the students and the teacher are sampled from.</summary>
    public ulong SampleSeed { get; init; } = 1234;
    /// <summary>Teacher file; null = data/teachers/&lt;dataset&gt;-&lt;TeacherSize&gt;.safetensors.</summary>
    public string? Teacher { get; init; }
    public string TeacherSize { get; init; } = "teacher";
    /// <summary>Domain classifier for the scores; null = the committed one of the dataset.</summary>
    public string? Classifier { get; init; }
    /// <summary>Where each student's resumable checkpoint is kept; null = .cache/checkpoints.</summary>
    public string? CheckpointDir { get; init; }
    public int CheckpointEvery { get; init; } = 500;
    /// <summary>Steps between progress reports; null = every 100 steps (every step when there are fewer).</summary>
    public int? LogEvery { get; init; }

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs.</summary>
    public static SfddmConfig Smoke { get; } = new() { Scale = "smoke", Students = [5], Steps = 2, BatchSize = 4, SamplesPerClass = 2 };

    /// <summary>
    /// Two CPU cores, under 10 minutes: the 0.9 M-parameter quick teacher (MNIST), 700 steps of 32 at a high constant rate
    /// (a cosine decay did no better). No time budget, so a busy machine changes the run's length, not its result.
    /// </summary>
    public static SfddmConfig Quick { get; } = new()
    {
        Scale = "quick", Students = [10], Steps = 700, BatchSize = 32, LearningRate = 2e-3, SamplesPerClass = 10, TeacherSize = "quick-teacher",
    };

    /// <summary>One H100/H200, at most 6 minutes per student (each T' gets the same budget).</summary>
    public static SfddmConfig Paper { get; } = new() { Scale = "paper", Students = [10], Steps = 8000, BatchSize = 128, TimeBudgetMinutes = 6, SamplesPerClass = 100 };

    public static SfddmConfig For(string scale) => scale switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"SFDDM: unknown scale '{scale}' (smoke, quick, paper)", nameof(scale)),
    };

    /// <summary>A dataset by its slug ("mnist", "fashion-mnist"), for a notebook's string parameter.</summary>
    public static DatasetKind DatasetNamed(string slug) =>
        Enum.GetValues<DatasetKind>().Cast<DatasetKind?>().FirstOrDefault(k => k!.Value.Slug() == slug)
        ?? throw new ArgumentException($"SFDDM: unknown dataset '{slug}' ({string.Join(", ", Enum.GetValues<DatasetKind>().Select(k => k.Slug()))})", nameof(slug));

    public string TeacherPath => Teacher ?? RepoPaths.Data("teachers", $"{Dataset.Slug()}-{TeacherSize}.safetensors");
    public string ClassifierPath => Classifier ?? RepoPaths.Data("classifiers", ClassifierLab.FileName(Dataset));
    public bool UsesCudaGraph => CudaGraph ?? Device.IsCuda;

    /// <summary>The distiller's options for the student of T' steps, with its checkpoint path.</summary>
    public SfddmOptions OptionsFor(int studentSteps) => new()
    {
        StudentSteps = studentSteps, IndexList = IndexList, Steps = Steps, BatchSize = BatchSize, LearningRate = LearningRate,
        WarmupSteps = WarmupSteps, CosineDecay = CosineDecay, Seed = Seed, LogEvery = LogEvery ?? Math.Min(100, Steps),
        CheckpointEvery = CheckpointEvery, TimeBudget = TimeBudgetMinutes > 0 ? TimeSpan.FromMinutes(TimeBudgetMinutes) : null,
        CudaGraph = UsesCudaGraph,
        CheckpointPath = Path.Combine(CheckpointDir ?? RepoPaths.Cache("checkpoints"),
            Training.TrainingCheckpoint.FileName($"sfddm-{Path.GetFileNameWithoutExtension(TeacherPath)}-{Scale}-{SfddmSchedule.Name(IndexList)}-{studentSteps}")),
    };

    /// <summary>The record's file stem: a run of other students than the scale's own, or another clip, is another record.</summary>
    public string RecordStem
    {
        get
        {
            var own = Scale is "smoke" or "quick" or "paper" && Students.SequenceEqual(For(Scale).Students);
            var students = own ? "" : "-t" + string.Join("-", Students);
            return $"sfddm-{Dataset.Slug()}-{Scale}{students}{SamplingClip.RecordTag(ClipX0)}-{(Device.IsCuda ? "cuda" : "cpu")}";
        }
    }

    /// <summary>Throws, naming the field, on values no run could use (before anything is loaded).</summary>
    public void Validate()
    {
        if (Students.Count == 0) throw new ArgumentException("SfddmConfig.Students: no step counts given");
        foreach (var s in Students)
            if (s < 1 || s > TeacherPreset.TimeSteps)
                throw new ArgumentException($"SfddmConfig.Students: {s} is not a step count in [1, {TeacherPreset.TimeSteps}] (the teacher's T)");
        if (SamplesPerClass < 1) throw new ArgumentException($"SfddmConfig.SamplesPerClass must be at least 1 (got {SamplesPerClass})");
        if (TimeBudgetMinutes < 0) throw new ArgumentException($"SfddmConfig.TimeBudgetMinutes must not be negative (got {TimeBudgetMinutes})");
        if (ClipX0 is { } c && !(c > 0)) throw new ArgumentException($"SfddmConfig.ClipX0 must be positive or null (got {c})");
        if (UsesCudaGraph && !Device.IsCuda) throw new ArgumentException($"SfddmConfig.CudaGraph needs a CUDA device; this run is on {Device}");
        OptionsFor(Students[0]).Validate();
    }
}
