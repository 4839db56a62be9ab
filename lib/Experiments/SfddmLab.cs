using System.Globalization;
using RandCond.Data;
using RandCond.Distillation.Sfddm;
using RandCond.Nn;
using RandCond.Plotting;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// sfddm: for each student step count T', distils the committed teacher into a randomly initialized student of its
/// architecture with SFDDM (resumable, one checkpoint per T'), samples it with DDIM over its T' steps and guidance,
/// and scores it with the domain classifier (FD against the test set, per-condition accuracy, Inception-style
/// score) next to the teacher sampled with DDIM over the same teacher steps index(0..T'-1), from the same noise and
/// captions. Writes the record (<see cref="SfddmResult"/>) after every student, a table and a grid of one sample per
/// class and row, into <see cref="RepoPaths.ResultsFor"/> the scale.
/// </summary>
public static class SfddmLab
{
    /// <summary>The CLI verb: maps its options onto <see cref="SfddmConfig"/> and runs it.</summary>
    public static int Run(LabArguments a, TextWriter log)
    {
        Run(FromArguments(a), log);
        return 0;
    }

    /// <summary>The verb's options (defaults from the --scale preset) as a config; throws, naming the option, on a bad one.</summary>
    public static SfddmConfig FromArguments(LabArguments a)
    {
        var dataset = a.Dataset();
        var device = a.Device();
        var preset = SfddmConfig.For(a.String("scale", "paper"));
        var config = preset with
        {
            Dataset = dataset, Device = device,
            Students = ParseList(a.Optional("students")) ?? preset.Students,
            IndexList = SfddmSchedule.Parse(a.String("index-list", "ends-at-last")),
            Steps = a.Int("steps", preset.Steps), BatchSize = a.Int("batch", preset.BatchSize), LearningRate = a.Double("lr", preset.LearningRate),
            WarmupSteps = a.Int("warmup", preset.WarmupSteps), CosineDecay = LearningRateSchedule.ParseCosine(a.String("lr-schedule", "constant")),
            TimeBudgetMinutes = a.Double("time-budget-min", preset.TimeBudgetMinutes), CudaGraph = a.CudaGraph(device),
            Seed = (ulong)a.Int("seed", (int)preset.Seed), LogEvery = a.Optional("log-every") is null ? null : a.Int("log-every", 100),
            CheckpointEvery = a.Int("checkpoint-every", preset.CheckpointEvery), SamplesPerClass = a.Int("samples-per-class", preset.SamplesPerClass),
            Guidance = a.Optional("guidance") is not null ? a.Double("guidance", 0) : null,
            ClipX0 = SamplingClip.Parse(a),
            Teacher = a.Optional("teacher"), TeacherSize = a.String("size", preset.TeacherSize),
            Classifier = a.Optional("classifier"), CheckpointDir = a.Optional("checkpoint-dir"),
        };
        a.CheckAllUsed();
        if (config.SamplesPerClass < 1) throw new ArgumentException("--samples-per-class must be at least 1");
        foreach (var steps in config.Students)
            if (steps > TeacherPreset.TimeSteps) throw new ArgumentException($"--students: {steps} is more than the teacher's T = {TeacherPreset.TimeSteps}");
        return config;
    }

    /// <summary>
    /// Runs the experiment of <paramref name="config"/>; progress gets every training report (null: they are written
    /// to the log). Returns the result, also written with its table and sample grid.
    /// </summary>
    public static SfddmResult Run(SfddmConfig config, TextWriter log, IProgress<IProgressReport>? progress = null)
    {
        using var bench = SfddmBench.Open(config);
        var folder = RepoPaths.ResultsFor(config.Scale);
        var resultPath = Path.Combine(folder, config.RecordStem + ".json");
        var gridPath = Path.Combine(folder, config.RecordStem + "-samples.png");
        log.WriteLine($"SFDDM on {config.Dataset.Slug()}: teacher {bench.Teacher.ParameterCount / 1e6:F2} M parameters, students T' = {string.Join(", ", config.Students)} " +
                      $"({SfddmSchedule.Name(config.IndexList)}), {config.Steps} steps of {config.BatchSize} on {RunRecord.DeviceName(config.Device)}");
        var report = progress ?? new SynchronousProgress<IProgressReport>(p =>
        {
            if (p is not SfddmProgress { Restored: true }) log.WriteLine($"  {p}");
        });
        var rows = new List<SfddmStudentRow>();
        var grid = new SfddmSampleGrid();
        SfddmResult? result = null;
        foreach (int steps in config.Students)
        {
            using var student = bench.NewStudent(steps);
            using (var schedule = bench.StudentSchedule(steps))
                log.WriteLine($"T' = {steps}: teacher steps {Ends(schedule.ParentIndices!)}; checkpoint {config.OptionsFor(steps).CheckpointPath}");
            var training = bench.Distill(student, steps, report);
            using var samples = bench.Sample(student, steps);
            var row = bench.Score(training, samples);
            rows.Add(row);
            grid.Add(samples);
            grid.Image().SavePng(gridPath);
            result = bench.Result(rows, Path.GetFileName(gridPath));
            ResultFiles.Write(resultPath, result.ToJson());
            result.Table().Save(Path.Combine(folder, config.RecordStem + ".md"));
            log.WriteLine($"  student T' = {steps}: accuracy {row.Student.Accuracy:P2}, FD {row.Student.FdVsTest:F3}; teacher DDIM {steps}: " +
                          $"accuracy {row.TeacherSameSteps.Accuracy:P2}, FD {row.TeacherSameSteps.FdVsTest:F3} (real floor {result.FdFloorRealTrainVsTest:F3})");
        }
        log.WriteLine($"-> {resultPath}, {gridPath}");
        return result!;
    }

    private static int[]? ParseList(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = parts.Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v
            : throw new ArgumentException($"--students: '{p}' is not a positive step count (expected a list such as 100,50,20,10,5)")).ToArray();
        if (values.Length == 0) throw new ArgumentException("--students: no step counts given");
        return values;
    }

    private static string Ends(IReadOnlyList<int> indices) =>
        indices.Count <= 6 ? string.Join(", ", indices) : $"{indices[0]}, {indices[1]}, {indices[2]}, ..., {indices[^2]}, {indices[^1]}";
}
