using RandCond.Experiments;

namespace RandCond.Tests.Labs;

public sealed class SfddmLabTests
{
    [Fact]
    public void Smoke_run_scores_the_student_next_to_the_teacher_at_the_same_steps()
    {
        var (result, table, _) = SfddmLab.Execute(new LabArguments(["--dataset", "mnist", "--scale", "smoke", "--students", "5,2"]), TextWriter.Null);

        Assert.Equal("smoke", result["scale"]!.GetValue<string>());
        var students = result["students"]!.AsArray();
        Assert.Equal([5, 2], students.Select(s => (int)s!["student_steps"]!).ToArray());
        foreach (var s in students)
        {
            Assert.Equal(2, (int)s!["distillation_steps"]!);
            Assert.True((double)s["student"]!["fd_vs_test"]! > 0);
            Assert.True((double)s["teacher_same_steps"]!["fd_vs_test"]! > 0);
            Assert.Equal(999, (int)s["teacher_steps_first_last"]![1]!);
        }
        Assert.Equal(4, table.Rows.Count);
        // Students other than the scale's own ("5") write their own record, named by the list.
        var folder = Path.Combine(RepoPaths.RequireRoot(), ".cache", "smoke-results");
        Assert.True(File.Exists(Path.Combine(folder, "sfddm-mnist-smoke-t5-2-cpu.json")));
        Assert.True(File.Exists(Path.Combine(folder, "sfddm-mnist-smoke-t5-2-cpu-samples.png")));
    }
}
