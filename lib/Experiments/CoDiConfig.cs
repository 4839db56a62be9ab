using System.Globalization;
using RandCond.Data;
using RandCond.Distillation.CoDi;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Every knob of one CoDi experiment (<see cref="CoDiLab"/>): the dataset and task, the variants trained, how long and how
/// each trains, how it is sampled and on how many test images it is scored. The presets are <see cref="Smoke"/>,
/// <see cref="Quick"/> and <see cref="Paper"/>; <c>with</c> changes any knob, and a run whose training knobs differ from its
/// scale's preset writes its own record and checkpoints (<see cref="RecordTag"/>).
/// </summary>
/// <remarks>GateLearningRateScale sets the gates' rate to LearningRate x it. At paper scale 30x (3e-3) lets a gate reach 1 in
/// a few hundred steps. The quick scale keeps 1x: its rate is already tenfold, and there 3x and 30x weakened the fine-tuned
/// baseline (results/codi-mnist-sr7-quick-gate3-cpu.json, -gate30-) while moving CoDi's 4-step FD little.</remarks>
public sealed record CoDiConfig
{
    /// <summary>Every variant the lab knows, in the order a full run trains them.</summary>
    public static readonly IReadOnlyList<string> AllVariants = ["codi", "codi-pe", "codi-ddim", "codi-noguide", "finetune"];

    /// <summary>"smoke", "quick" or "paper": names the preset, the results folder and the record.</summary>
    public string Scale { get; init; } = "quick";
    public Device Device { get; init; } = Device.CPU;
    public DatasetKind Dataset { get; init; } = DatasetKind.Mnist;
    /// <summary>"sr7", "sr14" or "inpaint" (<see cref="CoDiTask.Parse"/>).</summary>
    public string Task { get; init; } = "sr7";
    /// <summary>Any of <see cref="AllVariants"/>.</summary>
    public IReadOnlyList<string> Variants { get; init; } = AllVariants;
    /// <summary>DDIM step counts every model is sampled with.</summary>
    public IReadOnlyList<int> SamplingSteps { get; init; } = [1, 2, 4, 8];
    /// <summary>The fine-tuned baseline's long sampling run (the paper's 50 steps), besides <see cref="SamplingSteps"/>.</summary>
    public int FineTuneSteps { get; init; } = 50;
    /// <summary>DDIM clips each step's x^ to [-ClipX0, ClipX0]; null: no clipping (<see cref="SamplingClip"/>).</summary>
    public double? ClipX0 { get; init; } = 1;
    /// <summary>Training steps per model (at most: <see cref="TimeBudgetMinutes"/> may stop it earlier).</summary>
    public int Steps { get; init; } = 200;
    public int BatchSize { get; init; } = 16;
    /// <summary>Minutes of training per model; 0 = no limit.</summary>
    public double TimeBudgetMinutes { get; init; }
    /// <summary>Test images whose conditions are restored and scored (at least 2: FD needs a covariance).</summary>
    public int EvalImages { get; init; } = 200;
    /// <summary>Real training images the (condition, image) pairs are drawn from.</summary>
    public int TrainImages { get; init; } = 2000;
    /// <summary>The conditional encoder's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>The EMA target's decay.</summary>
    public double EmaDecay { get; init; } = 0.95;
    /// <summary>The gates mu learn at LearningRate x this.</summary>
    public double GateLearningRateScale { get; init; } = 1;
    /// <summary>The backbone U-Net (full CoDi variants) learns at LearningRate x this.</summary>
    public double BackboneLearningRateScale { get; init; } = new CoDiOptions().BackboneLearningRateScale;
    public ulong Seed { get; init; }
    public int LogEvery { get; init; } = 20;
    /// <summary>The teacher's size: data/teachers/&lt;dataset&gt;-&lt;TeacherSize&gt;.safetensors, unless <see cref="TeacherPath"/> names a file.</summary>
    public string TeacherSize { get; init; } = "quick-teacher";
    public string? TeacherPath { get; init; }
    /// <summary>The domain classifier that scores samples; null: the committed one of the dataset.</summary>
    public string? ClassifierPath { get; init; }
    /// <summary>Where each model's resumable checkpoint is kept; null: .cache/checkpoints.</summary>
    public string? CheckpointDir { get; init; }

    /// <summary>
    /// Two CPU cores, under 10 minutes for all five models: the 0.9 M-parameter quick teacher (MNIST), 200 steps of 16 each
    /// at a tenfold rate, 200 evaluation images. No time budget, so every model trains the same number of steps.
    /// </summary>
    public static readonly CoDiConfig Quick = new();

    /// <summary>
    /// One H100: about 1.3 minutes of training per model (about 750 steps), 1,000 evaluation images. EMA 0.95, not the official
    /// 0.999: the target must follow the model within a small part of the run, and at 0.999 it stayed the unconditional teacher
    /// for the whole run (results/codi-mnist-sr7-paper-ema0.999-cuda.json against -ema0.95-).
    /// </summary>
    public static readonly CoDiConfig Paper = new()
    {
        Scale = "paper", TrainImages = 60000, Steps = 20000, BatchSize = 128, LearningRate = 1e-4, TimeBudgetMinutes = 1.3,
        EvalImages = 1000, LogEvery = 100, TeacherSize = "teacher", GateLearningRateScale = CoDiOptions.DefaultGateLearningRateScale,
    };

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs; its numbers mean nothing.</summary>
    public static readonly CoDiConfig Smoke = new()
    {
        Scale = "smoke", TrainImages = 16, Steps = 2, BatchSize = 2, LearningRate = 1e-4, EmaDecay = 0.9, TimeBudgetMinutes = 1,
        EvalImages = 2, LogEvery = 1, GateLearningRateScale = CoDiOptions.DefaultGateLearningRateScale, TeacherSize = "teacher",
        SamplingSteps = [1, 2], FineTuneSteps = 2,
    };

    /// <summary>The preset of a scale: "smoke", "quick" or "paper".</summary>
    public static CoDiConfig For(string scale) => scale switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"CoDi scale: unknown '{scale}' (smoke, quick, paper)", nameof(scale)),
    };

    public CoDiTask ParsedTask => CoDiTask.Parse(Task);

    public string ResolvedTeacherPath => TeacherPath ?? RepoPaths.Data("teachers", $"{Dataset.Slug()}-{TeacherSize}.safetensors");
    public string ResolvedClassifierPath => ClassifierPath ?? RepoPaths.Data("classifiers", ClassifierLab.FileName(Dataset));
    public string ResolvedCheckpointDir => CheckpointDir ?? RepoPaths.Cache("checkpoints");

    /// <summary>At most this many minutes of training per model, or "no time limit".</summary>
    public string BudgetText => TimeBudgetMinutes > 0 ? $"{TimeBudgetMinutes.ToString(CultureInfo.InvariantCulture)} min" : "no time limit";

    /// <summary>
    /// What the record's and checkpoints' names carry after the scale when this run trains otherwise than its preset: other
    /// steps or batches ("-3x2"), gate or backbone rates ("-gate3", "-bb0.5"), EMA decay ("-ema0.99"); "" for the preset.
    /// A run trained otherwise is another record with its own checkpoints, never a replacement of (or a resumption from) the preset's.
    /// </summary>
    public string RecordTag
    {
        get
        {
            var preset = For(Scale);
            static string Number(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
            return (Steps == preset.Steps && BatchSize == preset.BatchSize ? "" : $"-{Steps}x{BatchSize}") +
                   (GateLearningRateScale == preset.GateLearningRateScale ? "" : $"-gate{Number(GateLearningRateScale)}") +
                   (BackboneLearningRateScale == preset.BackboneLearningRateScale ? "" : $"-bb{Number(BackboneLearningRateScale)}") +
                   (EmaDecay == preset.EmaDecay ? "" : $"-ema{Number(EmaDecay)}");
        }
    }

    /// <summary>The record's file stem, e.g. "codi-mnist-sr7-quick-cpu".</summary>
    public string RecordStem =>
        $"codi-{Dataset.Slug()}-{Task}-{Scale}{RecordTag}{SamplingClip.RecordTag(ClipX0)}-{(Device.IsCuda ? "cuda" : "cpu")}";

    /// <summary>The checkpoint of one variant's model.</summary>
    public string CheckpointPath(string variant) => Path.Combine(ResolvedCheckpointDir,
        Training.TrainingCheckpoint.FileName($"codi-{Path.GetFileNameWithoutExtension(ResolvedTeacherPath)}-{Task}-{Scale}{RecordTag}-{variant}"));

    /// <summary>The step counts a variant is sampled with: the fine-tuned model also at <see cref="FineTuneSteps"/>.</summary>
    public IReadOnlyList<int> SamplingStepsOf(string variant) =>
        variant == "finetune" ? [.. SamplingSteps.Append(FineTuneSteps).Distinct()] : SamplingSteps;

    /// <summary>
    /// The training options of a variant: CoDiOptions' recipe with this config's sizes and rates; the fine-tuned baseline trains
    /// everything at one rate with the plain denoising loss, as an ordinary fine-tuning does.
    /// </summary>
    public CoDiOptions Options(string variant)
    {
        var options = new CoDiOptions
        {
            Steps = Steps, BatchSize = BatchSize, LearningRate = LearningRate, EmaDecay = EmaDecay,
            GateLearningRateScale = GateLearningRateScale, BackboneLearningRateScale = BackboneLearningRateScale, Seed = Seed,
            LogEvery = LogEvery, CheckpointEvery = 500, TimeBudget = TimeBudgetMinutes > 0 ? TimeSpan.FromMinutes(TimeBudgetMinutes) : null,
            CheckpointPath = CheckpointPath(variant),
        };
        return variant switch
        {
            "codi" => options,
            "codi-pe" => options with { ParameterEfficient = true },
            "codi-ddim" => options with { Predictor = CoDiPredictor.Ddim },
            "codi-noguide" => options with { GuidanceWeight = 0 },
            "finetune" => options with { Objective = CoDiObjective.Denoising, BackboneLearningRateScale = 1 },
            _ => throw new ArgumentException($"CoDiConfig.Variants: unknown '{variant}' ({string.Join(", ", AllVariants)})"),
        };
    }

    /// <summary>Throws on values no run could use, naming the field.</summary>
    public void Validate()
    {
        For(Scale);
        _ = ParsedTask;
        if (Variants.Count == 0) throw new ArgumentException("CoDiConfig.Variants: none given");
        foreach (var v in Variants)
            if (!AllVariants.Contains(v)) throw new ArgumentException($"CoDiConfig.Variants: unknown '{v}' ({string.Join(", ", AllVariants)})");
        if (SamplingSteps.Count == 0) throw new ArgumentException("CoDiConfig.SamplingSteps: no step counts given");
        foreach (var n in SamplingSteps.Append(FineTuneSteps))
            if (n < 1 || n > TeacherPreset.TimeSteps)
                throw new ArgumentException($"CoDiConfig.SamplingSteps/FineTuneSteps: {n} is not a step count in 1..{TeacherPreset.TimeSteps}");
        if (EvalImages < 2) throw new ArgumentException($"CoDiConfig.EvalImages must be at least 2 (FD needs a covariance); got {EvalImages}");
        if (TrainImages < 1) throw new ArgumentException($"CoDiConfig.TrainImages must be at least 1; got {TrainImages}");
        if (ClipX0 is { } c && !(c > 0)) throw new ArgumentException($"CoDiConfig.ClipX0 must be positive or null; got {c}");
        if (TimeBudgetMinutes < 0) throw new ArgumentException($"CoDiConfig.TimeBudgetMinutes must be >= 0; got {TimeBudgetMinutes}");
        foreach (var v in Variants) Options(v).Validate();
    }
}
