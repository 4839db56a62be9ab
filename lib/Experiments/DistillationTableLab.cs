using System.Diagnostics;
using System.Globalization;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>The sizes of one scale of the distillation table (also the Fashion-MNIST sizes of the ablations).</summary>
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
/// generates D (or D is real images); each student, initialized from the teacher, is distilled without and with random
/// conditioning; every model is scored on samples of every class: FD against the test set, the Inception-style score
/// and per-condition accuracy, and for an excluded group the same on that group's classes alone; plus parameters, MACs
/// and sampling throughput. The notebooks 04 and 05 run the same building blocks cell by cell.
/// </summary>
public static class DistillationTableLab
{
    public const string Experiment = "distillation-table";

    /// <summary>The distillation-table verb: runs the table and writes its record through <see cref="RepoPaths.ResultsFor"/>.</summary>
    public static DistillationTableResult Execute(DistillationTableConfig config, Device device, TextWriter log)
    {
        var result = Run(config, device, log);
        var path = result.Save(RepoPaths.ResultsFor(config.Scale), config.FileStem(device.IsCuda));
        log.WriteLine($"-> {path} ({result.Seconds / 60:F1} min)");
        return result;
    }

    /// <summary>
    /// Runs the table: opens the bench (teacher, classifier, test statistics, scored group), scores the teacher, then for
    /// each source of D and each student distils both arms and scores them, all sampled from the same noise.
    /// </summary>
    /// <param name="progress">hears of D's generation, each distillation and each sampling (a <see cref="ProgressLine"/>); without it the log gets their lines</param>
    public static DistillationTableResult Run(DistillationTableConfig config, Device device, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var bench = Open(config, device, log);
        log.WriteLine($"{config.Dataset.DisplayName()} distillation, {(config.Excluded is null ? "main table" : $"{config.Excluded.Name} absent from D, present in C")}, {config.Scale} scale on {RunRecord.DeviceName(device)}");
        var rows = new List<DistillationTableRow>();
        var (teacherScores, teacherSamples) = bench.Score("teacher", bench.Teacher, config.Sampling, progress);
        teacherSamples.Dispose();
        rows.Add(DistillationTableRow.Teacher(teacherScores, bench.Teacher.UNet.ParameterCount, bench.Teacher.UNet.Macs(28, 28, bench.ContextLength).Total));
        foreach (var source in config.Sources)
        {
            using var images = ImageSet(bench, config, source, progress);
            var data = new DistillationData(images, config.TextCorpus);
            foreach (var student in config.Students)
            {
                // The student's arms train side by side where the bench's paths say so (DistillationBench.Run over arms).
                var arms = DistillationTableConfig.Arms(student).ToList();
                var results = bench.Run(arms.Select(a => Arm(config, data, student, source, a.RandomConditioning, a.P)).ToList(), config.Sampling, progress, progress);
                try
                {
                    for (int i = 0; i < arms.Count; i++) rows.Add(DistillationTableRow.Student(student.Label, source, arms[i].RandomConditioning, results[i]));
                }
                finally
                {
                    foreach (var result in results) result.Dispose();
                }
            }
        }
        return Result(config, device, bench.Preset, rows, clock.Elapsed);
    }

    /// <summary>The bench of the table: the configured teacher, and the excluded group scored alone.</summary>
    public static DistillationBench Open(DistillationTableConfig config, Device device, TextWriter log)
    {
        var bench = DistillationBench.Open(Experiment, config.Teacher, device, log, config.Excluded, config.FastPaths);
        if (bench.Kind != config.Dataset)
        {
            bench.Dispose();
            throw new ArgumentException($"Dataset: the teacher {config.Teacher} is a {bench.Kind.DisplayName()} teacher, the configuration asks for {config.Dataset.DisplayName()}");
        }
        return bench;
    }

    /// <summary>D from one source for the configuration's image captions (C without the excluded group): generated by the teacher (cached) or real.</summary>
    public static ImageSet ImageSet(DistillationBench bench, DistillationTableConfig config, ImageSource source, IProgress<IProgressReport>? progress = null) => source switch
    {
        ImageSource.Generated => bench.Generate(config.ImageCaptions, config.Recipe(bench.Preset.GuidanceScale), progress),
        _ => bench.Real(config.ImageCaptions, config.Sizes.RealPerClass),
    };

    /// <summary>One arm of the table: its run name, D and C, the student and the options with the arm's p(t).</summary>
    public static DistillationArm Arm(DistillationTableConfig config, DistillationData data, StudentSpec student, ImageSource source, bool randomConditioning,
        ReplacementProbability p) =>
        new(config.ArmName(student, source, randomConditioning), data, student, config.Options(p),
            new() { ["d_source"] = DistillationTableConfig.Name(source), ["excluded"] = config.Excluded?.Name, ["scale"] = config.Scale });

    /// <summary>The typed record of a run of <paramref name="config"/> whose rows are <paramref name="rows"/>.</summary>
    public static DistillationTableResult Result(DistillationTableConfig config, Device device, TeacherPreset preset, IReadOnlyList<DistillationTableRow> rows, TimeSpan elapsed)
    {
        var header = RunRecord.Header(Experiment, device);
        string H(string field) => header[field]!.GetValue<string>();
        var s = config.Sizes;
        var budget = s.MinutesPerStudent > 0 ? $"at most {s.MinutesPerStudent.ToString(CultureInfo.InvariantCulture)} min per student" : "no time budget";
        return new DistillationTableResult(Experiment, H("git_commit"), H("device"), H("libtorch"), H("dotnet"), H("command"), H("date_utc"),
            config.Dataset.Slug(), config.Scale,
            $"generated: {config.Recipe(preset.GuidanceScale)}; real: {s.RealPerClass} training images per class",
            config.CudaGraph,
            $"{s.DistillSteps} steps of {s.BatchSize} ({budget}), lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, output + feature KD, students from the teacher's weights",
            rows, elapsed.TotalSeconds, config.Excluded?.Name) { FastPaths = config.FastPaths.AsRun(), HostMemory = H("host_memory"), Blas = H("blas") };
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
