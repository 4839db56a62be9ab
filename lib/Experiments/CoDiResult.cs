using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Plotting;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>One model sampled with one number of DDIM steps, scored against the test images it restores.</summary>
/// <param name="Model">a variant of <see cref="CoDiConfig.AllVariants"/>, or "condition" (the condition itself, steps 0)</param>
public sealed record CoDiRow(
    string Model,
    int Steps,
    [property: JsonPropertyName("fd_vs_test")] double Fd,
    double Accuracy,
    [property: JsonPropertyName("psnr_db")] double Psnr,
    double Ssim);

/// <summary>One progress report of a model's training: means of the loss and its terms over the last LogEvery steps.</summary>
public sealed record CoDiLossPoint(int Step, double Loss, double Consistency, double Guidance);

/// <summary>How one variant was trained: its options, how many parameters it updated, its loss curve and its gates mu.</summary>
public sealed record CoDiTrainedModel
{
    public required string Variant { get; init; }
    /// <summary><see cref="Distillation.CoDi.CoDiOptions.Variant"/>: the recipe's short name, kept in the checkpoint too.</summary>
    public required string Options { get; init; }
    public required long TrainedParameters { get; init; }
    /// <summary>0 for the parameter-efficient variant, whose backbone is frozen.</summary>
    public required double BackboneLearningRate { get; init; }
    /// <summary>Training steps completed (fewer than configured when the time budget ran out).</summary>
    public required int Steps { get; init; }
    /// <summary>Seconds trained by this run (0 when a finished checkpoint was reused).</summary>
    public required double SecondsThisRun { get; init; }
    public double? FinalLoss { get; init; }
    public required IReadOnlyList<CoDiLossPoint> LossCurve { get; init; }
    /// <summary>The learned mixing weights, one per encoder feature map.</summary>
    public required IReadOnlyList<double> Mu { get; init; }
    public required string Checkpoint { get; init; }
}

/// <summary>Which score a chart of <see cref="CoDiResult"/> plots.</summary>
public enum CoDiMetric { Fd, Accuracy, Psnr, Ssim }

/// <summary>
/// The record of one CoDi run (written as codi-&lt;dataset&gt;-&lt;task&gt;-&lt;scale&gt;…-&lt;device&gt;.json): who made it, the recipe
/// in words, each model's training, and one <see cref="CoDiRow"/> per model and step count. Loads back from the committed
/// records in results/ (<see cref="Recorded"/>), shows itself as a table and charts.
/// </summary>
public sealed record CoDiResult
{
    public required string Experiment { get; init; }
    public required string GitCommit { get; init; }
    public required string Device { get; init; }
    public required string Libtorch { get; init; }
    /// <summary>The host settings the run had (<see cref="Tensors.HostMemory"/>, <see cref="Tensors.Blas"/>); null in records before 2026-12-05.</summary>
    public string? HostMemory { get; init; }
    public string? Blas { get; init; }
    public required string Dotnet { get; init; }
    public required string Command { get; init; }
    public required string DateUtc { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }
    public required string Scale { get; init; }
    public required string Dataset { get; init; }
    public required string Task { get; init; }
    public required string TaskDescription { get; init; }
    public required string Teacher { get; init; }
    public required double ClassifierTestAccuracy { get; init; }
    public required string Training { get; init; }
    public required string Sampling { get; init; }
    /// <summary>FD of as many real training images as samples: the floor at this sample count.</summary>
    public required double FdFloorRealTrainVsTest { get; init; }
    public required IReadOnlyList<CoDiTrainedModel> Models { get; init; }
    public required IReadOnlyList<CoDiRow> Rows { get; init; }
    public required string Goal { get; init; }
    [JsonPropertyName("codi_4_step_fd_over_finetuned_fd")]
    public double? Codi4StepFdOverFinetunedFd { get; init; }
    /// <summary>
    /// The verdict stored when the run was made (<see cref="CoDiVerdict.GoalMet"/>; records written before it stored true
    /// whenever the ratio was within 10 %); <see cref="Verdict"/> recomputes it from the rows and says why.
    /// </summary>
    public bool? GoalMet { get; init; }
    public required string SampleGrid { get; init; }
    public required double Seconds { get; init; }

    /// <summary>The sample grid of the run that made this result (rows: condition, models, ground truth); null when loaded from a file.</summary>
    [JsonIgnore]
    public ImageGrid? Samples { get; init; }

    /// <summary>The score of a row at a metric.</summary>
    public static double Value(CoDiRow row, CoDiMetric metric) => metric switch
    {
        CoDiMetric.Fd => row.Fd,
        CoDiMetric.Accuracy => row.Accuracy,
        CoDiMetric.Psnr => row.Psnr,
        CoDiMetric.Ssim => row.Ssim,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown CoDi metric"),
    };

    /// <summary>The row of a model at a step count, or null when the run has none.</summary>
    public CoDiRow? Row(string model, int steps) => Rows.FirstOrDefault(r => r.Model == model && r.Steps == steps);

    /// <summary>
    /// FD of CoDi at <paramref name="steps"/> over FD of the fine-tuned model at its longest sampling run, when that run is
    /// longer (the paper compares CoDi at 4 steps with the fine-tuned model at 50); null when the run lacks either row.
    /// </summary>
    public double? FdRatioToFineTuned(int steps = 4) => Verdict(steps).Ratio;

    /// <summary>
    /// The verdict on the paper's claim (<see cref="CoDiLab.Goal"/>) from this record's numbers, in a sentence that states them:
    /// met, not met, or not conclusive when the fine-tuned reference is too far from converged for the ratio to mean anything.
    /// </summary>
    public CoDiVerdict Verdict(int steps = 4) => CoDiVerdict.Of(Rows, FdFloorRealTrainVsTest, steps);

    /// <summary>"results/X.json: NVIDIA H100 80GB HBM3, 2026-11-22T08:01:12Z, commit 4add14e…".</summary>
    public string Provenance(string fileName) =>
        $"results/{fileName}: {Device}, {DateUtc}, commit {(GitCommit.Length > 12 ? GitCommit[..12] : GitCommit)}";

    /// <summary>One row per model and step count; the first scores the condition itself. The best value per column is marked.</summary>
    public DataFrame Table()
    {
        var table = DataFrames.Empty(("model", typeof(string)), ("steps", typeof(int)), ("FD", typeof(double)), ("accuracy", typeof(double)),
            ("PSNR (dB)", typeof(double)), ("SSIM", typeof(double)));
        foreach (var r in Rows)
            table.AddRow(r.Model == "condition" ? "condition (input)" : r.Model, r.Model == "condition" ? null : r.Steps, r.Fd, r.Accuracy, r.Psnr, r.Ssim);
        return table.WithStyle(new TableStyle().Column("FD", "F2", Better.Lower).Column("accuracy", "P1", Better.Higher)
            .Column("PSNR (dB)", "F2", Better.Higher).Column("SSIM", "F3", Better.Higher)
            .WithCaption($"CoDi on {Dataset}, {TaskDescription}; {Scale} scale, DDIM from the same noise", $"tab:codi-{Dataset}-{Task}-{Scale}"));
    }

    /// <summary>One row per trained model: what it trained, how long, its final loss and its mean gate.</summary>
    public DataFrame ModelsTable()
    {
        var table = DataFrames.Empty(("model", typeof(string)), ("trained parameters", typeof(long)), ("steps", typeof(int)),
            ("seconds", typeof(double)), ("final loss", typeof(double)), ("mean mu", typeof(double)));
        foreach (var m in Models)
            table.AddRow(m.Variant, m.TrainedParameters, m.Steps, m.SecondsThisRun, m.FinalLoss, m.Mu.Count > 0 ? m.Mu.Average() : null);
        return table.WithStyle(new TableStyle().Column("trained parameters", "N0").Column("seconds", "F1").Column("final loss", "F4").Column("mean mu", "F3"));
    }

    /// <summary>
    /// A score against the number of sampling steps, one line per model; the fine-tuned model's longest run (50 steps) and the
    /// condition itself are horizontal reference lines.
    /// </summary>
    public GenericChart Chart(CoDiMetric metric = CoDiMetric.Fd)
    {
        var (name, axis) = metric switch
        {
            CoDiMetric.Fd => ("Fréchet distance to the test set (classifier features)", "FD, lower is better"),
            CoDiMetric.Accuracy => ("Classifier accuracy of the restored images", "accuracy, higher is better"),
            CoDiMetric.Psnr => ("PSNR against the ground truth", "PSNR (dB), higher is better"),
            _ => ("SSIM against the ground truth", "SSIM, higher is better"),
        };
        var counts = Rows.Where(r => r.Model is not "finetune" and not "condition").Select(r => r.Steps).ToHashSet();
        if (counts.Count == 0) counts = Rows.Where(r => r.Model == "finetune").Select(r => r.Steps).OrderBy(s => s).SkipLast(1).ToHashSet();
        var charts = new List<GenericChart>();
        foreach (var model in Rows.Select(r => r.Model).Distinct().Where(m => m != "condition"))
        {
            var mine = Rows.Where(r => r.Model == model && counts.Contains(r.Steps)).OrderBy(r => r.Steps).ToList();
            if (mine.Count > 0)
                charts.Add(PlotlyChart.Line<double, double, string>(mine.Select(r => (double)r.Steps), mine.Select(r => Value(r, metric)), ShowMarkers: true, Name: model));
        }
        double lo = counts.DefaultIfEmpty(1).Min(), hi = counts.DefaultIfEmpty(1).Max();
        var references = Rows.Where(r => r.Model == "condition" || (r.Model == "finetune" && !counts.Contains(r.Steps)));
        foreach (var r in references)
            charts.Add(PlotlyChart.Line<double, double, string>(new[] { lo, hi }, new[] { Value(r, metric), Value(r, metric) },
                Name: r.Model == "finetune" ? $"fine-tuned, {r.Steps} steps" : "condition (input)", LineColor: Color.fromString("#444"),
                LineDash: r.Model == "finetune" ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Dot));
        return PlotlyChart.Combine(charts).WithSize(900, 500)
            .WithTitle($"{name} against the number of sampling steps ({Dataset}, {Task}, {Scale} scale)")
            .WithXAxis("sampling steps", log: true).WithYAxis(axis);
    }

    /// <summary>The record as the JSON written to results/ (field names as in every earlier CoDi record).</summary>
    public JsonObject ToJson() => RecordedRuns.ToJson(this);

    /// <summary>A record committed in results/ (e.g. "codi-mnist-sr7-paper-cuda.json").</summary>
    public static CoDiResult Recorded(string fileName) => Load(RepoPaths.Results(fileName));

    /// <summary>Reads a CoDi record; a missing file, bad JSON or a missing or mistyped field is an error naming the file and the field.</summary>
    public static CoDiResult Load(string path)
    {
        var result = RecordedRuns.Read<CoDiResult>(path, "CoDi");
        if (result.Experiment != CoDiLab.Experiment)
            throw new InvalidDataException($"{path}: field 'experiment' is '{result.Experiment}', not '{CoDiLab.Experiment}'");
        if (result.Rows.Count == 0) throw new InvalidDataException($"{path}: field 'rows' is empty");
        return result;
    }
}
