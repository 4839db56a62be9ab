using Microsoft.Data.Analysis;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Plotting;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the distillation table.</summary>
public sealed record DistillationTableScale(string Name, int ImagesPerClass, int RealPerClass, int GenerationSteps, int DistillSteps,
                                            int BatchSize, double LearningRate, int SamplesPerClass, int SamplingSteps, double MinutesPerStudent)
{
    public static readonly DistillationTableScale Smoke = new("smoke", 2, 2, 2, 2, 8, 1e-4, 2, 2, 1);
    public static readonly DistillationTableScale Quick = new("quick", 10, 10, 10, 40, 16, 1e-4, 5, 10, 1.5);
    public static readonly DistillationTableScale Paper = new("paper", 1000, 1000, 25, 2000, 256, 1e-4, 300, 25, 0.5);

    public static DistillationTableScale Named(string name) => name switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown scale '{name}' (smoke, quick, paper)"),
    };
}

/// <summary>
/// Paper Table 1 (main distillation) and, with a concept group excluded from D, Table 2 (unseen concepts). The teacher
/// generates D (or D is real images); each block-removed student, initialized from the teacher, is distilled without
/// and with random conditioning; every model is scored on samples of every class: FD against the test set, the
/// Inception-style score and per-condition accuracy, and for an excluded group the same on that group's classes
/// alone; plus parameters, MACs and sampling throughput. Writes results/distillation-table-... (JSON, Markdown, LaTeX).
/// </summary>
public static class DistillationTableLab
{
    public const string Experiment = "distillation-table";

    public static int Run(LabArguments a, TextWriter log)
    {
        Execute(a, log);
        return 0;
    }

    public static (JsonObject Result, DataFrame Table) Execute(LabArguments a, TextWriter log)
    {
        var device = a.Device();
        var kind = a.Dataset("fashion-mnist");
        var scale = DistillationTableScale.Named(a.String("scale", "quick"));
        scale = scale with { MinutesPerStudent = a.Double("time-budget-min", scale.MinutesPerStudent), DistillSteps = a.Int("steps", scale.DistillSteps) };
        var specs = a.String("students", "block-removed,block-removed-no-mid,block-removed-no-inner").Split(',').Select(StudentSpec.Parse).ToArray();
        var sources = a.String("sources", "generated,real").Split(',');
        if (sources.Any(s => s is not ("generated" or "real"))) throw new ArgumentException($"--sources: each must be 'generated' or 'real', got '{string.Join(",", sources)}'");
        var excluded = a.Optional("exclude") is { } name ? ConceptGroups.Named(kind, name) : null;
        var teacherPath = a.String("teacher", RepoPaths.Data("teachers", $"{kind.Slug()}-teacher.safetensors"));
        bool cudaGraph = a.CudaGraph(device);
        a.CheckAllUsed();
        var clock = Stopwatch.StartNew();

        using var bench = DistillationBench.Open(Experiment, teacherPath, device, log, excluded);
        var preset = bench.Preset;
        var full = CaptionCorpus.Full(kind);
        var dCaptions = excluded is null ? full : full.Excluding(excluded);
        string what = excluded is null ? "main table" : $"unseen concepts ({excluded.Name} absent from D, present in C)";
        log.WriteLine($"{kind.DisplayName()} distillation, {what}, {scale.Name} scale on {RunRecord.DeviceName(device)}");

        var columns = new List<(string, Type)> { ("model", typeof(string)), ("D", typeof(string)), ("RC", typeof(string)), ("FD", typeof(double)), ("IS", typeof(double)), ("accuracy", typeof(double)) };
        var style = new TableStyle().Column("FD", "0.00", Better.Lower).Column("IS", "0.00", Better.Higher).Column("accuracy", "0.0%", Better.Higher)
            .Column("U-Net params (M)", "0.00").Column("MACs (M)", "0").Column("img/s", "0");
        if (excluded is not null)
        {
            columns.AddRange([($"FD {excluded.Name}", typeof(double)), ($"accuracy {excluded.Name}", typeof(double))]);
            style.Column($"FD {excluded.Name}", "0.00", Better.Lower).Column($"accuracy {excluded.Name}", "0.0%", Better.Higher);
        }
        columns.AddRange([("U-Net params (M)", typeof(double)), ("MACs (M)", typeof(double)), ("img/s", typeof(double))]);
        var table = DataFrames.Empty([.. columns]).WithStyle(style);
        var rows = new JsonArray();
        var plan = Sampling(scale);

        void AddRow(string model, string source, string rc, ModelScores s, long parameters, long macs)
        {
            var cells = new List<object?> { model, source, rc, s.FrechetDistance, s.InceptionScore, s.Accuracy };
            if (excluded is not null) cells.AddRange([s.GroupFrechetDistance!.Value, s.GroupAccuracy!.Value]);
            cells.AddRange([parameters / 1e6, macs / 1e6, s.ImagesPerSecond]);
            table.AddRow(cells.ToArray());
            var row = new JsonObject
            {
                ["model"] = model, ["d"] = source, ["rc"] = rc, ["fd"] = s.FrechetDistance, ["inception_score"] = s.InceptionScore,
                ["accuracy"] = s.Accuracy, ["unet_parameters"] = parameters, ["macs"] = macs, ["images_per_second"] = s.ImagesPerSecond,
            };
            if (excluded is not null) { row["group_fd"] = s.GroupFrechetDistance; row["group_accuracy"] = s.GroupAccuracy; }
            rows.Add(row);
        }

        var (teacherScores, teacherSamples) = bench.Score("teacher", bench.Teacher, plan);
        teacherSamples.Dispose();
        AddRow("teacher", "", "", teacherScores, bench.Teacher.UNet.ParameterCount, bench.Teacher.UNet.Macs(28, 28, bench.ContextLength).Total);
        var recipe = new ImageSetRecipe(scale.ImagesPerClass, scale.GenerationSteps, preset.GuidanceScale);
        foreach (var source in sources)
        {
            using var images = source == "generated" ? bench.Generate(dCaptions, recipe) : bench.Real(dCaptions, scale.RealPerClass);
            var data = new DistillationData(images, full);
            foreach (var spec in specs)
                foreach (var (arm, p) in new[] { ("no", ReplacementProbability.Off), ("yes", ReplacementProbability.DefaultFor(spec.Init == StudentInit.Teacher)) })
                {
                    var runName = $"{kind.Slug()}-{scale.Name}-{excluded?.Name ?? "all"}-{spec.Name}-{source}-rc-{arm}".Replace(' ', '-');
                    using var result = bench.Run(new DistillationArm(runName, data, spec, Options(scale) with { Replacement = p, CudaGraph = cudaGraph },
                        new JsonObject { ["d_source"] = source, ["excluded"] = excluded?.Name, ["scale"] = scale.Name }), plan);
                    AddRow(spec.Label, source, arm, result.Scores, result.UNetParameters, result.Macs);
                }
        }

        string slug = $"distillation-table-{kind.Slug()}{(excluded is null ? "" : "-without-" + excluded.Name.Replace(' ', '-'))}-{scale.Name}-{(device.IsCuda ? "cuda" : "cpu")}";
        var folder = RepoPaths.ResultsFor(scale.Name);
        style.WithCaption($"{kind.DisplayName()} {what}, {scale.Name} scale ({RunRecord.DeviceName(device)}); FD and accuracy from {scale.SamplesPerClass} samples per class, DDIM {scale.SamplingSteps} steps, guidance {preset.GuidanceScale}");
        table.Save(Path.Combine(folder, slug + ".md"));
        table.Save(Path.Combine(folder, slug + ".tex"));
        var json = RunRecord.Header(Experiment, device);
        json["dataset"] = kind.Slug();
        json["scale"] = scale.Name;
        json["excluded_group"] = excluded?.Name;
        json["image_set"] = $"generated: {recipe}; real: {scale.RealPerClass} training images per class";
        json["cuda_graph"] = cudaGraph;
        json["distillation"] = $"{scale.DistillSteps} steps of {scale.BatchSize} ({(scale.MinutesPerStudent > 0 ? $"at most {scale.MinutesPerStudent.ToString(CultureInfo.InvariantCulture)} min per student" : "no time budget")}), lr {scale.LearningRate}, output + feature KD, students from the teacher's weights";
        json["rows"] = rows;
        json["seconds"] = clock.Elapsed.TotalSeconds;
        var path = ResultFiles.Write(Path.Combine(folder, slug + ".json"), json);
        log.WriteLine($"-> {path} ({clock.Elapsed.TotalMinutes:F1} min)");
        return (json, table);
    }

    /// <summary>How every model of the table is sampled for scoring (the same noise and captions for each).</summary>
    public static SamplingPlan Sampling(DistillationTableScale scale) => new(scale.SamplesPerClass, scale.SamplingSteps, Seed: 4321);

    /// <summary>The distillation options every student of the table shares (the arms differ only in p(t)); students start from the teacher's weights.</summary>
    public static DistillationOptions Options(DistillationTableScale scale) => new()
    {
        Steps = scale.DistillSteps, BatchSize = scale.BatchSize, LearningRate = scale.LearningRate,
        WarmupSteps = Math.Min(100, scale.DistillSteps / 10 + 1), LogEvery = Math.Max(1, Math.Min(100, scale.DistillSteps / 10)),
        Seed = 17, TimeBudget = scale.MinutesPerStudent > 0 ? TimeSpan.FromMinutes(scale.MinutesPerStudent) : null,
    };
}
