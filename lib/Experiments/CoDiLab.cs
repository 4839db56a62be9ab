using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation.CoDi;
using RandCond.Metrics;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the CoDi experiment (the time budget is per trained model).</summary>
/// <remarks>GateLearningRateScale sets the gates' rate to LearningRate x it. At paper scale 30x (3e-3) lets a gate reach 1 in
/// a few hundred steps. The quick scale keeps 1x: its rate is already tenfold, and there 3x and 30x weakened the fine-tuned
/// baseline (FD at 50 steps 716 and 975 against 418) while moving CoDi's 4-step FD by under 10 %.</remarks>
public sealed record CoDiScale(string Name, int TrainImages, int Steps, int BatchSize, double LearningRate, double EmaDecay,
                               double TimeBudgetMinutes, int EvalImages, int LogEvery, string TeacherSize = "teacher",
                               double GateLearningRateScale = CoDiOptions.DefaultGateLearningRateScale)
{
    /// <summary>At most this many minutes of training per model, or "no limit" for 0.</summary>
    public string BudgetText => TimeBudgetMinutes > 0 ? $"{TimeBudgetMinutes} min" : "no time limit";

    /// <summary>
    /// Two CPU cores, under 10 minutes for all five models: the 0.9 M-parameter quick teacher (MNIST), 200 steps of 16 each
    /// at a tenfold rate, 200 evaluation images. No time budget, so every model trains the same number of steps.
    /// </summary>
    public static readonly CoDiScale Quick = new("quick", 2000, 200, 16, 1e-3, 0.95, 0, 200, 20, TeacherSize: "quick-teacher", GateLearningRateScale: 1);

    /// <summary>
    /// One H100: about 1.3 minutes of training per model (about 750 steps), 1,000 evaluation images. EMA 0.95, not the official
    /// 0.999: the target must follow the model within a small part of the run (the official 500k steps lag 1k, 0.2 %), and at
    /// 0.999 our target stayed the unconditional teacher for the whole run, so the consistency term pulled the model back to
    /// ignoring the condition (sr7, 4 steps: FD 271 and 30 % accuracy, against 101 / 85 % at 0.99 and 73 / 92 % at 0.95).
    /// </summary>
    public static readonly CoDiScale Paper = new("paper", 60000, 20000, 128, 1e-4, 0.95, 1.3, 1000, 100);

    /// <summary>Seconds on the CPU, for tests and notebooks' smoke runs.</summary>
    public static readonly CoDiScale Smoke = new("smoke", 16, 2, 2, 1e-4, 0.9, 1, 2, 1);

    public static CoDiScale Named(string name) => name switch
    {
        "quick" => Quick,
        "paper" => Paper,
        "smoke" => Smoke,
        _ => throw new ArgumentException($"unknown scale '{name}' (quick, paper, smoke)"),
    };
}

/// <summary>
/// CoDi (Mei et al. 2024) at our scale: the committed text-conditioned teacher, evaluated with the null caption (it was
/// trained with 10 % null-caption dropout, so that is the project's unconditional model), adapted to a restoration task
/// (super-resolution 7x7 or 14x14 to 28x28, or inpainting) on real training images; variants: CoDi (PREv, guidance term,
/// whole U-Net trained, at --backbone-lr-scale times the conditional branch's rate), parameter-efficient CoDi (conditional encoder and mu only), the plain DDIM predictor instead of
/// PREv, CoDi without the guidance term, and the ordinary fine-tuned conditional model (same adapted architecture, plain
/// denoising loss). Every variant is sampled with DDIM at 1, 2, 4 and 8 steps and the fine-tuned model at 50 too,
/// on test images' conditions from the same noise; scored by the domain classifier's FD against the test set, accuracy of
/// the restored images' class, PSNR and SSIM against the ground truth. Writes results (JSON, Markdown and LaTeX tables,
/// a sample grid) to <see cref="RepoPaths.ResultsFor"/>; each model resumes from its checkpoint in .cache/checkpoints.
/// </summary>
public static class CoDiLab
{
    public const string Experiment = "codi";
    public static readonly string[] AllVariants = ["codi", "codi-pe", "codi-ddim", "codi-noguide", "finetune"];
    private const int GridImages = 8;

    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
    }

    /// <summary>Runs the experiment; returns the JSON record, the table and the sample grid it wrote.</summary>
    public static (JsonObject Result, DataFrame Table, ImageGrid Samples) Execute(LabArguments a, TextWriter log)
    {
        var device = a.Device();
        var kind = a.Dataset();
        var scale = CoDiScale.Named(a.String("scale", "quick"));
        var task = CoDiTask.Parse(a.String("task", "sr7"));
        var variants = ParseVariants(a.String("variants", string.Join(",", AllVariants)));
        var steps = ParseSteps(a.String("sampling-steps", "1,2,4,8"), "--sampling-steps");
        int fineTuneSteps = a.Int("finetune-steps", 50);
        double? clipX0 = SamplingClip.Parse(a);
        var teacherPath = a.String("teacher", RepoPaths.Data("teachers", $"{kind.Slug()}-{a.String("size", scale.TeacherSize)}.safetensors"));
        var classifierPath = a.String("classifier", RepoPaths.Data("classifiers", ClassifierLab.FileName(kind)));
        var checkpointDir = a.String("checkpoint-dir", RepoPaths.Cache("checkpoints"));
        ulong seed = (ulong)a.Int("seed", 0);
        double backboneLrScale = a.Double("backbone-lr-scale", new CoDiOptions().BackboneLearningRateScale);
        scale = scale with
        {
            Steps = a.Int("steps", scale.Steps), BatchSize = a.Int("batch", scale.BatchSize), LearningRate = a.Double("lr", scale.LearningRate),
            TimeBudgetMinutes = a.Double("time-budget-min", scale.TimeBudgetMinutes), EvalImages = a.Int("eval-images", scale.EvalImages),
            TrainImages = a.Int("train-images", scale.TrainImages), EmaDecay = a.Double("ema", scale.EmaDecay),
            GateLearningRateScale = a.Double("gate-lr-scale", scale.GateLearningRateScale),
        };
        a.CheckAllUsed();
        if (scale.EvalImages < 2) throw new ArgumentException("--eval-images must be at least 2 (FD needs a covariance)");
        if (fineTuneSteps < 1) throw new ArgumentException("--finetune-steps must be at least 1");
        var clock = Stopwatch.StartNew();
        // A run trained for other steps, batches, gate or backbone rates or EMA decays than its scale's is another record with its own
        // checkpoints, never a replacement of (or a resumption from) the scale's own; one sampled with another clip of x^ is another record.
        var defaults = CoDiScale.Named(scale.Name);
        static string Number(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
        string trainingTag = (scale.Steps == defaults.Steps && scale.BatchSize == defaults.BatchSize ? "" : $"-{scale.Steps}x{scale.BatchSize}") +
                             (scale.GateLearningRateScale == defaults.GateLearningRateScale ? "" : $"-gate{Number(scale.GateLearningRateScale)}") +
                             (backboneLrScale == new CoDiOptions().BackboneLearningRateScale ? "" : $"-bb{Number(backboneLrScale)}") +
                             (scale.EmaDecay == defaults.EmaDecay ? "" : $"-ema{Number(scale.EmaDecay)}");

        var (teacher, tokenizer, preset, _) = TeacherFile.Load(teacherPath, device);
        using var _t = teacher;
        if (preset.Dataset != kind) throw new ArgumentException($"{teacherPath} is a {preset.Dataset.DisplayName()} teacher, but --dataset is {kind.DisplayName()}");
        using var nullTokens = tokenizer.NullTokens(1, preset.MaxCaptionLength, device);
        using var schedule = preset.Schedule();
        var (classifier, info) = ClassifierCheckpoint.Load(classifierPath, device);
        using var _c = classifier;
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, Data.PixelRange.MinusOneOne, device);
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, Data.PixelRange.MinusOneOne, device);
        Directory.CreateDirectory(RepoPaths.Cache("feature-stats"));
        using var reference = FeatureStatistics.LoadOrCompute(RepoPaths.Cache("feature-stats", $"{kind.Slug()}-test.safetensors"), classifier, test.Images);
        var evaluator = new SampleEvaluator(classifier, reference, inceptionSplits: Math.Min(10, scale.EvalImages));
        using var trainImages = train.Images.Narrow(0, 0, Math.Min(scale.TrainImages, train.Count));
        using var truth = test.Images.Narrow(0, 0, scale.EvalImages);
        using var truthLabels = test.Labels.Narrow(0, 0, scale.EvalImages);
        using var conditions = task.Condition(truth);
        using var noise = SamplingNoise(truth.Shape, device);
        using var floorImages = train.Images.Narrow(0, 0, scale.EvalImages);
        using var floorLabels = train.Labels.Narrow(0, 0, scale.EvalImages);
        var floor = evaluator.Evaluate(floorImages, floorLabels);

        log.WriteLine($"CoDi on {kind.DisplayName()}, {task.Description}, {scale.Name} scale, on {RunRecord.DeviceName(device)}: variants {string.Join(", ", variants)}; " +
                      $"{scale.Steps} steps of {scale.BatchSize} ({scale.BudgetText} each), {scale.EvalImages} test images");
        var rows = new JsonArray();
        var table = DataFrames.Empty(("model", typeof(string)), ("steps", typeof(int)), ("FD", typeof(double)), ("accuracy", typeof(double)),
            ("PSNR (dB)", typeof(double)), ("SSIM", typeof(double)));
        var style = new TableStyle().Column("FD", "F2", Better.Lower).Column("accuracy", "P1", Better.Higher)
            .Column("PSNR (dB)", "F2", Better.Higher).Column("SSIM", "F3", Better.Higher);
        var gridRows = new List<(string Label, Tensor Images)> { ("condition", First(conditions)) };
        var trained = new JsonArray();
        var conditionScores = Score(evaluator, conditions, truth, truthLabels);
        rows.Add(Row("condition", 0, conditionScores));
        table.AddRow("condition (input)", null, conditionScores.Fd, conditionScores.Accuracy, conditionScores.Psnr, conditionScores.Ssim);
        double? codiFourStepFd = null, fineTunedFd = null;

        foreach (var variant in variants)
        {
            var options = Options(variant, scale, seed, backboneLrScale) with
            {
                CheckpointPath = Path.Combine(checkpointDir, $"codi-{Path.GetFileNameWithoutExtension(teacherPath)}-{task.Name}-{scale.Name}{trainingTag}-{variant}.safetensors"),
            };
            var backbone = new TextDiffusionModel(preset.Text, preset.UNet, device);
            backbone.LoadStateDict(teacher.StateDict());
            using var model = new CoDiModel(backbone, nullTokens);
            var curve = new JsonArray();
            CoDiProgress? last = null;
            var trainClock = Stopwatch.StartNew();
            int done = new CoDiDistiller(options).Train(model, schedule, trainImages, task, new SynchronousProgress<CoDiProgress>(p =>
            {
                last = p;
                curve.Add(new JsonObject { ["step"] = p.Step, ["loss"] = p.Loss, ["consistency"] = p.Consistency, ["guidance"] = p.Guidance });
                if (!p.Restored) log.WriteLine($"  {variant}: {p}");
            }));
            double trainSeconds = trainClock.Elapsed.TotalSeconds;
            var mu = model.Mu.Data.Cpu().ToArray<float>();
            trained.Add(new JsonObject
            {
                ["variant"] = variant, ["options"] = options.Variant, ["trained_parameters"] = model.TrainableParameters(options.ParameterEfficient).Sum(p => p.Parameter.Data.NumEl),
                ["backbone_learning_rate"] = options.ParameterEfficient ? 0 : options.LearningRate * options.BackboneLearningRateScale,
                ["steps"] = done, ["seconds_this_run"] = trainSeconds, ["final_loss"] = last?.Loss, ["loss_curve"] = curve,
                ["mu"] = new JsonArray(mu.Select(v => (JsonNode?)(double)v).ToArray()),
                ["checkpoint"] = Path.GetFileName(options.CheckpointPath),
            });
            // The fine-tuned model runs at the distilled models' step counts too: the paper's "4-step run" of the baseline.
            int[] sampleSteps = variant == "finetune" ? [.. steps.Append(fineTuneSteps).Distinct()] : steps;
            foreach (int n in sampleSteps)
            {
                using var samples = Sample(model, schedule, n, conditions, noise, clipX0);
                var scores = Score(evaluator, samples, truth, truthLabels);
                rows.Add(Row(variant, n, scores));
                table.AddRow(variant, n, scores.Fd, scores.Accuracy, scores.Psnr, scores.Ssim);
                log.WriteLine($"  {variant} {n} steps: FD {scores.Fd:F2}, accuracy {scores.Accuracy:P1}, PSNR {scores.Psnr:F2} dB, SSIM {scores.Ssim:F3}");
                if (variant == "codi" && n == 4) codiFourStepFd = scores.Fd;
                if (variant == "finetune" && n == fineTuneSteps) fineTunedFd = scores.Fd;
                if (variant == GridVariant(variants) || (variant == "finetune" && n == fineTuneSteps)) gridRows.Add(($"{(variant == "finetune" ? "fine-tuned" : variant)} {n}", First(samples)));
            }
        }
        gridRows.Add(("ground truth", First(truth)));

        var folder = RepoPaths.ResultsFor(scale.Name);
        string stem = $"codi-{kind.Slug()}-{task.Name}-{scale.Name}{trainingTag}{SamplingClip.RecordTag(clipX0)}-{(device.IsCuda ? "cuda" : "cpu")}";
        var grid = Grid(gridRows);
        foreach (var (_, images) in gridRows) images.Dispose();
        var gridPath = Path.Combine(folder, stem + "-samples.png");
        grid.SavePng(gridPath);
        table.WithStyle(style.WithCaption($"CoDi on {kind.DisplayName()}, {task.Description}; {scale.Name} scale, {scale.EvalImages} test images, DDIM from the same noise", $"tab:{stem}"));
        table.Save(Path.Combine(folder, stem + ".md"));
        table.Save(Path.Combine(folder, stem + ".tex"));

        var json = RunRecord.Header(Experiment, device);
        json["scale"] = scale.Name;
        json["dataset"] = kind.Slug();
        json["task"] = task.Name;
        json["task_description"] = task.Description;
        json["teacher"] = $"{Path.GetFileName(teacherPath)} with the null caption (trained with 10 % null-caption dropout: the unconditional model)";
        json["classifier_test_accuracy"] = info.TestAccuracy;
        var recipe = new CoDiOptions();
        json["training"] = $"{scale.TrainImages} real training images; at most {scale.Steps} steps of {scale.BatchSize} per model ({scale.BudgetText}); " +
                           $"AdamW lr {scale.LearningRate} for the conditional encoder, x {scale.GateLearningRateScale} for the gates mu, x {backboneLrScale} for the backbone U-Net (fine-tuned baseline: x 1), " +
                           $"weight decay {recipe.WeightDecay}, gradient norm clipped to {recipe.MaxGradNorm}; EMA target {scale.EmaDecay}; t - s = 20 (T/N, N = 50); one t per batch; " +
                           $"consistency in {recipe.ConsistencySpace} space, x-space terms weighted {recipe.XLossWeighting}, z^_s from the {recipe.ZsSource} network";
        json["sampling"] = $"DDIM eta 0 (trailing steps) of the trained (online) model, {scale.EvalImages} test images' conditions, one noise draw shared by every model; fine-tuned model at the same step counts and at {fineTuneSteps}" +
                           $"; {SamplingClip.Describe(clipX0)}";
        json["fd_floor_real_train_vs_test"] = floor.FrechetDistance;
        json["models"] = trained;
        json["rows"] = rows;
        json["goal"] = "CoDi at 4 steps within 10 % of the 50-step fine-tuned model's FD";
        if (codiFourStepFd is { } c && fineTunedFd is { } f)
        {
            json["codi_4_step_fd_over_finetuned_fd"] = c / f;
            json["goal_met"] = c <= 1.1 * f;
        }
        json["sample_grid"] = Path.GetFileName(gridPath);
        json["seconds"] = clock.Elapsed.TotalSeconds;
        var path = ResultFiles.Write(Path.Combine(folder, stem + ".json"), json);
        log.WriteLine(table.ToText());
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
        return (json, table, grid);
    }

    /// <summary>
    /// The training options of a named variant (see <see cref="AllVariants"/>): CoDiOptions' recipe with the scale's sizes; the
    /// CoDi variants train the backbone at <paramref name="backboneLrScale"/> x the branch's rate (null: CoDiOptions' default),
    /// the fine-tuned baseline trains everything at one rate, as an ordinary fine-tuning does.
    /// </summary>
    public static CoDiOptions Options(string variant, CoDiScale scale, ulong seed = 0, double? backboneLrScale = null)
    {
        var options = new CoDiOptions
        {
            Steps = scale.Steps, BatchSize = scale.BatchSize, LearningRate = scale.LearningRate, EmaDecay = scale.EmaDecay,
            GateLearningRateScale = scale.GateLearningRateScale, Seed = seed,
            LogEvery = scale.LogEvery, CheckpointEvery = 500, TimeBudget = scale.TimeBudgetMinutes > 0 ? TimeSpan.FromMinutes(scale.TimeBudgetMinutes) : null,
        };
        if (backboneLrScale is { } b) options = options with { BackboneLearningRateScale = b };
        return variant switch
        {
            "codi" => options,
            "codi-pe" => options with { ParameterEfficient = true },
            "codi-ddim" => options with { Predictor = CoDiPredictor.Ddim },
            "codi-noguide" => options with { GuidanceWeight = 0 },
            "finetune" => options with { Objective = CoDiObjective.Denoising, BackboneLearningRateScale = 1 },
            _ => throw new ArgumentException($"--variants: unknown '{variant}' ({string.Join(", ", AllVariants)})"),
        };
    }

    private static string[] ParseVariants(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var n in names) _ = Options(n, CoDiScale.Smoke);
        if (names.Length == 0) throw new ArgumentException("--variants: none given");
        return names.Distinct().ToArray();
    }

    private static int[] ParseSteps(string text, string option)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= TeacherPreset.TimeSteps
                ? v
                : throw new ArgumentException($"{option}: '{p}' is not a step count in 1..{TeacherPreset.TimeSteps}")).ToArray();
        if (values.Length == 0) throw new ArgumentException($"{option}: no step counts given");
        return values;
    }

    private static string GridVariant(string[] variants) => variants.Contains("codi") ? "codi" : variants.FirstOrDefault(v => v != "finetune") ?? "";

    private static Tensor SamplingNoise(long[] shape, Device device)
    {
        using var generator = new Generator(1234);
        using var noise = Torch.Randn(shape, generator);
        return noise.To(device);
    }

    /// <summary>DDIM over n trailing steps of the schedule, in chunks, from the given noise; clipX0 bounds each step's x^.</summary>
    private static Tensor Sample(CoDiModel model, NoiseSchedule schedule, int n, Tensor conditions, Tensor noise, double? clipX0)
    {
        const long chunk = 250;
        var sampler = new DdimSampler(schedule, n, clipX0: clipX0);
        using var scope = Torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long i = 0; i < noise.Size(0); i += chunk)
        {
            long len = Math.Min(chunk, noise.Size(0) - i);
            parts.Add(sampler.Sample(Denoiser.Bind(model, conditions.Narrow(0, i, len)), noise.Narrow(0, i, len)).Clamp(-1, 1));
        }
        return Torch.Cat(parts).MoveToOuterScope();
    }

    private sealed record Scores(double Fd, double Accuracy, double Psnr, double Ssim);

    private static Scores Score(SampleEvaluator evaluator, Tensor images, Tensor truth, Tensor labels)
    {
        var eval = evaluator.Evaluate(images, labels);
        return new Scores(eval.FrechetDistance, eval.Accuracy!.Overall, ImageQuality.Psnr(images, truth), ImageQuality.Ssim(images, truth));
    }

    private static JsonObject Row(string model, int steps, Scores s) => new()
    {
        ["model"] = model, ["steps"] = steps, ["fd_vs_test"] = s.Fd, ["accuracy"] = s.Accuracy, ["psnr_db"] = s.Psnr, ["ssim"] = s.Ssim,
    };

    private static Tensor First(Tensor images)
    {
        using var scope = Torch.NewDisposeScope();
        return images.Narrow(0, 0, Math.Min(GridImages, images.Size(0))).Cpu().Float().Contiguous().MoveToOuterScope();
    }

    /// <summary>One row per condition / model and step count / ground truth, one column per test image.</summary>
    private static ImageGrid Grid(List<(string Label, Tensor Images)> rows)
    {
        var shape = rows[0].Images.Shape;
        var pixels = rows.SelectMany(r => r.Images.ToArray<float>()).ToArray();
        return ImageGrid.FromPixels(pixels, rows.Count * (int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3], Plotting.PixelRange.MinusOneToOne)
            .Columns((int)shape[0]).Upscale(2).Padding(2).RowLabels(rows.Select(r => r.Label).ToArray());
    }
}
