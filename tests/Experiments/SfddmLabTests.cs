using RandCond.Distillation.Sfddm;
using RandCond.Experiments;
using RandCond.Training;

namespace RandCond.Tests.Labs;

public sealed class SfddmLabTests
{
    [Fact]
    public void Smoke_run_scores_the_student_next_to_the_teacher_at_the_same_steps()
    {
        var reports = new List<IProgressReport>();
        var result = SfddmLab.Run(SfddmConfig.Smoke with { Students = [5, 2] }, TextWriter.Null, new SynchronousProgress<IProgressReport>(reports.Add));

        Assert.Equal("smoke", result.Scale);
        Assert.Equal("mnist", result.Dataset);
        Assert.Equal([5, 2], result.Students.Select(s => s.StudentSteps));
        foreach (var s in result.Students)
        {
            Assert.Equal(2, s.DistillationSteps);
            Assert.True(s.Student.FdVsTest > 0);
            Assert.True(s.TeacherSameSteps.FdVsTest > 0);
            Assert.Equal(999, s.TeacherStepsFirstLast[1]);
        }
        Assert.Contains(reports, r => r.Snapshot.Step == 2 && r.Snapshot.Total == 2);
        Assert.Equal(2, result.Table().Rows.Count);
        // Students other than the scale's own ("5") write their own record, named by the list, and it loads back.
        var folder = Path.Combine(RepoPaths.RequireRoot(), ".cache", "smoke-results");
        var loaded = SfddmResult.Load(Path.Combine(folder, "sfddm-mnist-smoke-t5-2-cpu.json"));
        Assert.Equal(result.Students[1].Student.FdVsTest, loaded.Students[1].Student.FdVsTest);
        Assert.True(File.Exists(Path.Combine(folder, "sfddm-mnist-smoke-t5-2-cpu-samples.png")));
    }

    [Fact]
    public void One_batch_noises_the_student_exactly_as_the_teacher_at_its_steps()
    {
        using var bench = SfddmBench.Open(SfddmConfig.Smoke);
        using var student = bench.NewStudent(5);
        var preview = bench.Preview(student, 5);

        Assert.Equal(10, preview.Rows.Count);
        var indices = SfddmSchedule.Indices(1000, 5);
        foreach (var row in preview.Rows)
        {
            Assert.Equal(indices[row.StudentStep], row.TeacherStep);
            Assert.Equal(bench.Schedule.AlphaBar(row.TeacherStep), row.AlphaBar, 12);
        }
        Assert.Equal([0, 4], new[] { preview.Rows[0].StudentStep, preview.Rows[^1].StudentStep });
        Assert.True(preview.MaxAbsDifference < 1e-5, $"x't' differs from the teacher's x by {preview.MaxAbsDifference}");
        Assert.True(preview.OutputLoss > 0 && preview.FeatureLoss > 0);
        Assert.Equal(preview.OutputLoss + preview.FeatureLoss, preview.Loss, 5);
        Assert.Equal(10, preview.Table().Rows.Count);
    }
}
