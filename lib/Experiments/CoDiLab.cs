using System.Diagnostics;
using System.Globalization;
using RandCond.Data;
using RandCond.Distillation.CoDi;
using RandCond.Plotting;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// CoDi (Mei et al. 2024) at our scale: the committed text-conditioned teacher, evaluated with the null caption (it was
/// trained with 10 % null-caption dropout, so that is the project's unconditional model), adapted to a restoration task
/// (super-resolution 7x7 or 14x14 to 28x28, or inpainting) on real training images; variants: CoDi (PREv, guidance term,
/// whole U-Net trained, at <see cref="CoDiConfig.BackboneLearningRateScale"/> times the conditional branch's rate),
/// parameter-efficient CoDi (conditional encoder and mu only), the plain DDIM predictor instead of PREv, CoDi without the
/// guidance term, and the ordinary fine-tuned conditional model (same adapted architecture, plain denoising loss). Every
/// variant is sampled with DDIM at each of <see cref="CoDiConfig.SamplingSteps"/> and the fine-tuned model at
/// <see cref="CoDiConfig.FineTuneSteps"/> too, on test images' conditions from the same noise; scored by the domain
/// classifier's FD against the test set, accuracy of the restored images' class, PSNR and SSIM against the ground truth.
/// Writes the record (JSON, Markdown and LaTeX tables, a sample grid) to <see cref="RepoPaths.ResultsFor"/>; each model
/// resumes from its checkpoint.
/// </summary>
public static class CoDiLab
{
    public const string Experiment = "codi";

    /// <summary>What the run is compared against: the paper's claim, as the record states it.</summary>
    public const string Goal = "CoDi at 4 steps within 10 % of the 50-step fine-tuned model's FD";

    /// <summary>
    /// Trains, samples and scores every variant of <paramref name="config"/>, writes the record and returns it (with the
    /// sample grid). Each model's training reports to <paramref name="progress"/>; the log gets a line per report and score.
    /// </summary>
    public static CoDiResult Run(CoDiConfig config, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        using var bench = CoDiBench.Load(config);
        var device = config.Device;
        log.WriteLine($"CoDi on {config.Dataset.DisplayName()}, {bench.Task.Description}, {config.Scale} scale, on {RunRecord.DeviceName(device)}: " +
                      $"variants {string.Join(", ", config.Variants)}; {config.Steps} steps of {config.BatchSize} ({config.BudgetText} each), {config.EvalImages} test images");
        var rows = new List<CoDiRow> { bench.Score("condition", 0, bench.Conditions) };
        var models = new List<CoDiTrainedModel>();
        var gridRows = new List<(string Label, Tensor Images)>();
        string gridVariant = config.Variants.Contains("codi") ? "codi" : config.Variants.FirstOrDefault(v => v != "finetune") ?? "";
        try
        {
            foreach (var variant in config.Variants)
            {
                using var model = bench.Adapt();
                models.Add(bench.Train(variant, model, progress, log));
                foreach (int n in config.SamplingStepsOf(variant))
                {
                    var samples = bench.Sample(model, n);
                    var row = bench.Score(variant, n, samples);
                    rows.Add(row);
                    log.WriteLine($"  {variant} {n} steps: FD {row.Fd:F2}, accuracy {row.Accuracy:P1}, PSNR {row.Psnr:F2} dB, SSIM {row.Ssim:F3}");
                    if (variant == gridVariant || (variant == "finetune" && n == config.FineTuneSteps))
                        gridRows.Add(($"{(variant == "finetune" ? "fine-tuned" : variant)} {n}", samples));
                    else
                        samples.Dispose();
                }
            }
            var grid = bench.Grid(gridRows);
            var result = Result(bench, models, rows, grid, clock.Elapsed);
            var path = Save(result, RepoPaths.ResultsFor(config.Scale), config.RecordStem);
            log.WriteLine(result.Table().ToText());
            log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
            return result;
        }
        finally
        {
            foreach (var (_, images) in gridRows) images.Dispose();
        }
    }

    /// <summary>
    /// The typed record of a run made on <paramref name="bench"/>: who made it (commit, device, date, command), the recipe in
    /// words, the trained models and the scored rows; <paramref name="samples"/> is its sample grid.
    /// </summary>
    public static CoDiResult Result(CoDiBench bench, IReadOnlyList<CoDiTrainedModel> models, IReadOnlyList<CoDiRow> rows, ImageGrid samples, TimeSpan elapsed)
    {
        var config = bench.Config;
        var header = RunRecord.Header(Experiment, config.Device);
        string H(string key) => header[key]!.GetValue<string>();
        var recipe = new CoDiOptions();
        var verdict = CoDiVerdict.Of(rows, bench.FdFloor);
        return new CoDiResult
        {
            Experiment = Experiment, GitCommit = H("git_commit"), Device = H("device"), Libtorch = H("libtorch"), Dotnet = H("dotnet"),
            Command = H("command"), DateUtc = H("date_utc"), HostMemory = H("host_memory"), Blas = H("blas"),
            Scale = config.Scale, Dataset = config.Dataset.Slug(), Task = config.Task, TaskDescription = bench.Task.Description,
            Teacher = $"{Path.GetFileName(config.ResolvedTeacherPath)} with the null caption (trained with 10 % null-caption dropout: the unconditional model)",
            ClassifierTestAccuracy = bench.ClassifierTestAccuracy,
            Training = $"{config.TrainImages} real training images; at most {config.Steps} steps of {config.BatchSize} per model ({config.BudgetText}); " +
                       $"AdamW lr {Number(config.LearningRate)} for the conditional encoder, x {Number(config.GateLearningRateScale)} for the gates mu, x {Number(config.BackboneLearningRateScale)} for the backbone U-Net (fine-tuned baseline: x 1), " +
                       $"weight decay {Number(recipe.WeightDecay)}, gradient norm clipped to {recipe.MaxGradNorm}; EMA target {Number(config.EmaDecay)}; t - s = {recipe.SkipSteps} (T/N, N = 50); one t per batch; " +
                       $"consistency in {recipe.ConsistencySpace} space, x-space terms weighted {recipe.XLossWeighting}, z^_s from the {recipe.ZsSource} network",
            Sampling = $"DDIM eta 0 (trailing steps) of the trained (online) model, {config.EvalImages} test images' conditions, one noise draw shared by every model; " +
                       $"fine-tuned model at the same step counts and at {config.FineTuneSteps}; {SamplingClip.Describe(config.ClipX0)}",
            FdFloorRealTrainVsTest = bench.FdFloor,
            Models = models,
            Rows = rows,
            Goal = Goal,
            Codi4StepFdOverFinetunedFd = verdict.Ratio,
            GoalMet = verdict.GoalMet,
            SampleGrid = config.RecordStem + "-samples.png",
            Seconds = elapsed.TotalSeconds,
            Samples = samples,
        };
    }

    /// <summary>Writes the record as &lt;stem&gt;.json, its table as .md and .tex and its sample grid as -samples.png in <paramref name="folder"/>; returns the JSON's path.</summary>
    public static string Save(CoDiResult result, string folder, string stem)
    {
        Directory.CreateDirectory(folder);
        result.Samples?.SavePng(Path.Combine(folder, stem + "-samples.png"));
        var table = result.Table();
        table.Save(Path.Combine(folder, stem + ".md"));
        table.Save(Path.Combine(folder, stem + ".tex"));
        return ResultFiles.Write(Path.Combine(folder, stem + ".json"), (result with { SampleGrid = stem + "-samples.png" }).ToJson());
    }

    private static string Number(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
