using RandCond.Experiments;
using RandCond.Plotting;

namespace RandCond.Tests.Labs;

public sealed class DistillationTableLabTests
{
    [Fact]
    public void Smoke_run_scores_the_teacher_and_both_arms_with_the_excluded_groups_columns()
    {
        var (result, table) = DistillationTableLab.Execute(new LabArguments(
        [
            "--dataset", "fashion-mnist", "--scale", "smoke", "--students", "block-removed-no-inner", "--sources", "real", "--exclude", "footwear",
        ]), TextWriter.Null);

        var rows = result["rows"]!.AsArray();
        Assert.Equal(["teacher", "block-removed-no-inner", "block-removed-no-inner"], rows.Select(r => r!["model"]!.GetValue<string>()).ToArray());
        Assert.Equal(["", "no", "yes"], rows.Select(r => r!["rc"]!.GetValue<string>()).ToArray());
        foreach (var row in rows)
        {
            Assert.InRange((double)row!["accuracy"]!, 0, 1);
            Assert.InRange((double)row["group_accuracy"]!, 0, 1);
            Assert.True((double)row["fd"]! > 0);
        }
        Assert.True((long)rows[1]!["unet_parameters"]! < (long)rows[0]!["unet_parameters"]!);
        Assert.True((long)rows[1]!["macs"]! < (long)rows[0]!["macs"]!);
        Assert.Equal("footwear", result["excluded_group"]!.GetValue<string>());
        Assert.Contains("FD footwear", table.ToMarkdown());
        Assert.True(File.Exists(Path.Combine(RepoPaths.RequireRoot(), ".cache", "smoke-results", "distillation-table-fashion-mnist-without-footwear-smoke-cpu.json")));
    }

    [Fact]
    public void Unknown_sources_and_groups_are_named()
    {
        var source = Assert.Throws<ArgumentException>(() => DistillationTableLab.Execute(new LabArguments(["--dataset", "fashion-mnist", "--sources", "synthetic"]), TextWriter.Null));
        Assert.Contains("synthetic", source.Message);
        var group = Assert.Throws<ArgumentException>(() => DistillationTableLab.Execute(new LabArguments(["--dataset", "fashion-mnist", "--exclude", "hats"]), TextWriter.Null));
        Assert.Contains("hats", group.Message);
    }
}
