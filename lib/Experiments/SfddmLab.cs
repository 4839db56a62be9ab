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

    private static string Ends(IReadOnlyList<int> indices) =>
        indices.Count <= 6 ? string.Join(", ", indices) : $"{indices[0]}, {indices[1]}, {indices[2]}, ..., {indices[^2]}, {indices[^1]}";
}
