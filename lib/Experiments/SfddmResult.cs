using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Plotly.NET.CSharp;
using RandCond.Data;
using RandCond.Metrics;
using RandCond.Plotting;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace RandCond.Experiments;

/// <summary>
/// What the SFDDM experiment measured: who ran it, the recipe, the real-image FD floor, and per student T' its
/// distillation and its scores next to the teacher's with DDIM over the same teacher steps. It is the JSON record in
/// results/ (snake_case fields), read back by <see cref="Load"/> and <see cref="Recorded"/>.
/// </summary>
public sealed record SfddmResult
{
    public string Experiment { get; init; } = "sfddm";
    public required string GitCommit { get; init; }
    public required string Device { get; init; }
    public string? Libtorch { get; init; }
    public string? Dotnet { get; init; }
    public string? Command { get; init; }
    public required string DateUtc { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }
    /// <summary>"mnist" or "fashion-mnist"; records written before it was kept name it only by their teacher file.</summary>
    [JsonPropertyName("dataset")]
    public string? DatasetSlug { get; init; }
    public required string Scale { get; init; }
    public required string Teacher { get; init; }
    public double ClassifierTestAccuracy { get; init; }
    public required string IndexList { get; init; }
    public required SfddmRecipe Options { get; init; }
    public required string Sampler { get; init; }
    public required double FdFloorRealTrainVsTest { get; init; }
    public string? SampleGrid { get; init; }
    public required IReadOnlyList<SfddmStudentRow> Students { get; init; }

    [JsonIgnore]
    public string Dataset => DatasetSlug
        ?? Enum.GetValues<DatasetKind>().Select(k => k.Slug()).OrderByDescending(s => s.Length).FirstOrDefault(s => Teacher.StartsWith(s + "-", StringComparison.Ordinal))
        ?? "unknown dataset";

    /// <summary>"results/X.json: NVIDIA H100 80GB HBM3, 2026-11-22T08:01:12Z, commit 4add14e" once read from a file.</summary>
    [JsonIgnore]
    public string Provenance => $"{(FileName is null ? "this run" : "results/" + FileName)}: {Device}, {DateUtc}, commit {(GitCommit.Length > 12 ? GitCommit[..12] : GitCommit)}";

    /// <summary>The file this result was read from, if any.</summary>
    [JsonIgnore]
    public string? FileName { get; init; }

    public JsonNode ToJson() => RecordedRuns.ToJson(this);

    /// <summary>Reads a record; a file that is not one throws, naming the file and the field.</summary>
    public static SfddmResult Load(string path) => RecordedRuns.Read<SfddmResult>(path, "SFDDM") with { FileName = Path.GetFileName(path) };

    /// <summary>The committed record results/&lt;fileName&gt;.</summary>
    public static SfddmResult Recorded(string fileName) => Load(RepoPaths.Results(fileName));

    /// <summary>One row per T': the student's scores beside the teacher's with DDIM over the same teacher steps.</summary>
    public DataFrame Table()
    {
        var table = DataFrames.Empty(("T'", typeof(int)), ("distillation steps", typeof(int)), ("student FD", typeof(double)), ("teacher DDIM FD", typeof(double)),
            ("student vs DDIM", typeof(double)), ("student accuracy", typeof(double)), ("teacher accuracy", typeof(double)),
            ("student IS", typeof(double)), ("teacher IS", typeof(double)), ("student img/s", typeof(double)));
        foreach (var r in Students)
            table.AddRow(r.StudentSteps, r.DistillationSteps, r.Student.FdVsTest, r.TeacherSameSteps.FdVsTest, r.Student.FdVsTest / r.TeacherSameSteps.FdVsTest - 1,
                r.Student.Accuracy, r.TeacherSameSteps.Accuracy, r.Student.InceptionScore, r.TeacherSameSteps.InceptionScore, r.Student.SamplingImagesPerSecond);
        table.WithStyle(new TableStyle().Column("distillation steps", "0").Column("student FD", "0.00", Better.Lower).Column("teacher DDIM FD", "0.00", Better.Lower)
            .Column("student vs DDIM", "+0.0%;-0.0%").Column("student accuracy", "0.0%", Better.Higher).Column("teacher accuracy", "0.0%", Better.Higher)
            .Column("student IS", "0.00", Better.Higher).Column("teacher IS", "0.00", Better.Higher).Column("student img/s", "0")
            .WithCaption($"SFDDM on {Dataset}, {Scale} scale ({Device}): the student of T' steps against the teacher with DDIM over the same teacher steps; " +
                         $"{Sampler}; real-image floor FD {FdFloorRealTrainVsTest:F2}; {Provenance}"));
        return table;
    }

    /// <summary>FD against the number of sampling steps: students, the teacher with DDIM over the same steps, and the real-image floor.</summary>
    public GenericChart Chart()
    {
        var steps = Students.Select(r => (double)r.StudentSteps).ToArray();
        return PlotlyChart.Combine(new[]
            {
                PlotlyChart.Line<double, double, string>(steps, Students.Select(r => r.Student.FdVsTest), ShowMarkers: true, Name: "SFDDM student"),
                PlotlyChart.Line<double, double, string>(steps, Students.Select(r => r.TeacherSameSteps.FdVsTest), ShowMarkers: true, Name: "teacher, DDIM over the same steps"),
                PlotlyChart.Line<double, double, string>(new[] { steps.Min(), steps.Max() }, new[] { FdFloorRealTrainVsTest, FdFloorRealTrainVsTest }, Name: "real images",
                    LineColor: Color.fromString("#444"), LineDash: StyleParam.DrawingStyle.Dot),
            })
            .WithSize(900, 500).WithTitle($"SFDDM on {Dataset} ({Scale}): FD of samples to the test set against sampling steps")
            .WithXAxis("sampling steps T'", log: steps.Length > 1 && steps.Max() / steps.Min() >= 5).WithYAxis("FD (classifier features)");
    }
}

/// <summary>The distillation recipe a record was made with.</summary>
public sealed record SfddmRecipe
{
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required double LearningRate { get; init; }
    public string? LrSchedule { get; init; }
    public int? WarmupSteps { get; init; }
    public string? Optimizer { get; init; }
    public string? Loss { get; init; }
    public double NullCaptionProbability { get; init; }
    public ulong Seed { get; init; }
    public double? TimeBudgetMinPerStudent { get; init; }
    public bool? CudaGraph { get; init; }
}

/// <summary>One student T': its distillation, its scores and the teacher's over the same teacher steps.</summary>
public sealed record SfddmStudentRow
{
    public required int StudentSteps { get; init; }
    /// <summary>The teacher steps of the student's first and last (noisiest) step.</summary>
    public required IReadOnlyList<int> TeacherStepsFirstLast { get; init; }
    public double AlphaBarNoisiest { get; init; }
    public required int DistillationSteps { get; init; }
    public double DistillationSecondsThisRun { get; init; }
    public double? FinalLoss { get; init; }
    public double? FinalOutputLoss { get; init; }
    public double? FinalFeatureLoss { get; init; }
    /// <summary>The progress reports of the distillation, those restored from its checkpoint included (so a student that came finished from it has its curve).</summary>
    public IReadOnlyList<SfddmLossPoint> LossCurve { get; init; } = [];
    public required SfddmScores Student { get; init; }
    public required SfddmScores TeacherSameSteps { get; init; }
    public string? Checkpoint { get; init; }
}

public sealed record SfddmLossPoint(int Step, double Loss, double OutputLoss, double FeatureLoss, double ImagesPerSecond);

/// <summary>A sample set's scores with the domain classifier.</summary>
public sealed record SfddmScores
{
    public required double Accuracy { get; init; }
    public IReadOnlyList<double> PerClassAccuracy { get; init; } = [];
    public required double FdVsTest { get; init; }
    public required double InceptionScore { get; init; }
    public long Samples { get; init; }
    public double SamplingImagesPerSecond { get; init; }

    public static SfddmScores From(SampleEvaluation eval, double imagesPerSecond) => new()
    {
        Accuracy = eval.Accuracy!.Overall, PerClassAccuracy = eval.Accuracy.PerClass, FdVsTest = eval.FrechetDistance,
        InceptionScore = eval.InceptionScore.Mean, Samples = eval.SampleCount, SamplingImagesPerSecond = imagesPerSecond,
    };
}
