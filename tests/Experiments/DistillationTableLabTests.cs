using RandCond.Cli.Lab;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Plotting;
using RandCond.Diffusion.Sampling;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Tests.Labs;

public sealed class DistillationTableLabTests
{
    [Fact]
    public void Smoke_run_scores_the_teacher_and_both_arms_with_the_excluded_groups_columns()
    {
        var config = DistillationTableConfig.Smoke with
        {
            Students = [StudentSpec.BlockRemovedNoInnermost()], Sources = [ImageSource.Real], Excluded = ConceptGroups.Footwear,
        };
        var reports = new List<IProgressReport>();
        var result = DistillationTableLab.Run(config, Device.CPU, TextWriter.Null, new SynchronousProgress<IProgressReport>(reports.Add));

        // Both arms report every step (the smoke scale logs each one; a reused checkpoint reports its steps as restored),
        // and the teacher and both students each finish a sampling.
        Assert.Equal(2 * config.Sizes.DistillSteps, reports.OfType<DistillationProgress>().Count());
        Assert.Equal(3, reports.OfType<ClassSamplingProgress>().Count(p => p.Step == p.TotalSteps));

        Assert.Equal(["teacher", "block-removed-no-inner", "block-removed-no-inner"], result.Rows.Select(r => r.Model).ToArray());
        Assert.Equal(["", "no", "yes"], result.Rows.Select(r => r.Rc).ToArray());
        foreach (var row in result.Rows)
        {
            Assert.InRange(row.Accuracy, 0, 1);
            Assert.InRange(row.GroupAccuracy!.Value, 0, 1);
            Assert.True(row.Fd > 0);
        }
        Assert.Null(result.TeacherRow.Steps);
        Assert.All(result.StudentRows, r => Assert.Equal(config.Sizes.DistillSteps, r.Steps));
        Assert.True(result.Rows[1].UnetParameters < result.TeacherRow.UnetParameters);
        Assert.True(result.Rows[1].Macs < result.TeacherRow.Macs);
        Assert.Equal("footwear", result.ExcludedGroup);
        Assert.Contains("FD footwear", result.Table().ToMarkdown());
    }

    [Fact]
    public void A_saved_result_loads_back_equal_and_writes_its_tables_beside_it()
    {
        var rows = new[]
        {
            new DistillationTableRow("teacher", "", "", 1.5, 5.8, 0.99, 2_345_537, 383_499_008, 395.5),
            new DistillationTableRow("block-removed", "generated", "no", 2.5, 5.1, 0.9, 1_569_441, 254_852_608, 600, Steps: 40),
        };
        var result = new DistillationTableResult(DistillationTableLab.Experiment, "abc", "CPU", "1.13.1", "10.0", "test", "2026-12-04T00:00:00Z",
            "fashion-mnist", "quick", "generated: 10 per class", false, "40 steps", rows, 12.5);
        var folder = Path.Combine(Path.GetTempPath(), $"distillation-table-{Guid.NewGuid():N}");
        try
        {
            var path = result.Save(folder, "table");
            var loaded = DistillationTableResult.Load(path);
            Assert.Equal(result, loaded with { Rows = result.Rows });
            Assert.Equal(rows, loaded.Rows);
            Assert.DoesNotContain("group_fd", File.ReadAllText(path));
            Assert.Contains("| block-removed | generated | no |", File.ReadAllText(Path.Combine(folder, "table.md")));
            Assert.True(File.Exists(Path.Combine(folder, "table.tex")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_committed_paper_records_load_with_their_numbers()
    {
        var main = DistillationTableResult.Recorded("distillation-table-fashion-mnist-paper-cuda.json");
        var raw = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.Results("distillation-table-fashion-mnist-paper-cuda.json")))!["rows"]!.AsArray();
        Assert.Equal(raw.Count, main.Rows.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            Assert.Equal(raw[i]!["model"]!.GetValue<string>(), main.Rows[i].Model);
            Assert.Equal(raw[i]!["fd"]!.GetValue<double>(), main.Rows[i].Fd);
            Assert.Equal(raw[i]!["macs"]!.GetValue<long>(), main.Rows[i].Macs);
        }
        Assert.Equal(1.4668654015497964, main.TeacherRow.Fd);
        Assert.Null(main.ExcludedGroup);
        Assert.Equal(["block-removed", "block-removed-no-mid", "block-removed-no-inner"], main.StudentRows.Select(r => r.Model).Distinct().ToArray());
        Assert.Equal(["generated", "real"], main.StudentRows.Select(r => r.D).Distinct().ToArray());
        Assert.Contains("NVIDIA", main.Provenance);

        var unseen = DistillationTableResult.Recorded("distillation-table-fashion-mnist-without-footwear-paper-cuda.json");
        Assert.Equal("footwear", unseen.ExcludedGroup);
        Assert.All(unseen.Rows, r => Assert.NotNull(r.GroupFd));
        var table = unseen.Table();
        Assert.Equal(unseen.Rows.Count, table.Rows.Count);
        Assert.Equal(unseen.Rows[2].GroupFd, (double)table["FD footwear"][2]);
        Assert.NotNull(unseen.FdChart());
        Assert.NotNull(unseen.AccuracyChart());
    }

    [Fact]
    public void A_bad_record_names_the_file_and_the_field()
    {
        var good = File.ReadAllText(RepoPaths.Results("distillation-table-fashion-mnist-paper-cuda.json"));
        var path = Path.Combine(Path.GetTempPath(), $"bad-table-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, good.Replace("\"fd\": 1.4668654015497964", "\"fd\": \"low\""));
            var wrongType = Assert.Throws<InvalidDataException>(() => DistillationTableResult.Load(path));
            Assert.Contains(path, wrongType.Message);
            Assert.Contains("fd", wrongType.Message);

            File.WriteAllText(path, good.Replace("\"inception_score\": 5.805156882565644,", ""));
            var missing = Assert.Throws<InvalidDataException>(() => DistillationTableResult.Load(path));
            Assert.Contains(path, missing.Message);
            Assert.Contains("inception_score", missing.Message);

            File.WriteAllText(path, good.Replace("\"experiment\": \"distillation-table\"", "\"experiment\": \"sfddm\""));
            var other = Assert.Throws<InvalidDataException>(() => DistillationTableResult.Load(path));
            Assert.Contains("experiment", other.Message);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Contains("no-such-table.json", Assert.Throws<FileNotFoundException>(() => DistillationTableResult.Recorded("no-such-table.json")).Message);
    }

    [Fact]
    public void Presets_and_overrides_map_onto_the_config()
    {
        Assert.Equal(DistillationTableScale.Quick, DistillationTableConfig.For("quick").Sizes);
        Assert.Equal(DistillationTableScale.Paper, DistillationTableConfig.For("paper").Sizes);
        Assert.Equal(["block-removed", "block-removed-no-mid", "block-removed-no-inner"], DistillationTableConfig.Smoke.Students.Select(s => s.Name).ToArray());
        Assert.Equal([ImageSource.Generated, ImageSource.Real], DistillationTableConfig.Quick.Sources);
        Assert.Null(DistillationTableConfig.Quick.Excluded);
        Assert.Contains("huge", Assert.Throws<ArgumentException>(() => DistillationTableConfig.For("huge")).Message);

        var config = new DistillationTableCommand().Config(
        [
            "--scale", "paper", "--steps", "600", "--time-budget-min", "0", "--students", "block-removed-no-mid", "--sources", "real", "--exclude", "footwear",
        ]);
        Assert.Equal(600, config.Sizes.DistillSteps);
        Assert.Equal(0, config.Sizes.MinutesPerStudent);
        Assert.Equal(DistillationTableScale.Paper.BatchSize, config.Sizes.BatchSize);
        Assert.Equal(["block-removed-no-mid"], config.Students.Select(s => s.Name).ToArray());
        Assert.Equal([ImageSource.Real], config.Sources);
        Assert.Equal(ConceptGroups.Footwear, config.Excluded);
        Assert.False(config.CudaGraph);
        Assert.Equal(7, config.ImageCaptions.Classes.Count);
        Assert.Equal(10, config.TextCorpus.Classes.Count);
        Assert.Null(config.Options(ReplacementProbability.Off).TimeBudget);
        Assert.Equal("distillation-table-fashion-mnist-without-footwear-paper-cpu", config.FileStem(cuda: false));
        Assert.Equal("fashion-mnist-paper-footwear-block-removed-no-mid-real-rc-yes", config.ArmName(config.Students[0], ImageSource.Real, true));
    }

    [Fact]
    public void Unknown_sources_groups_and_bad_configs_are_named()
    {
        var source = Assert.Throws<ArgumentException>(() => new DistillationTableCommand().Config("--sources", "synthetic"));
        Assert.Contains("--sources", source.Message);
        Assert.Contains("synthetic", source.Message);
        var group = Assert.Throws<ArgumentException>(() => new DistillationTableCommand().Config("--exclude", "hats"));
        Assert.Contains("--exclude: Fashion-MNIST has no concept group 'hats'", group.Message);
        var typo = Assert.Throws<ArgumentException>(() => new DistillationTableCommand().Config("--stpes", "3"));
        Assert.Contains("--stpes", typo.Message);
        var mnistGroup = Assert.Throws<ArgumentException>(() => (DistillationTableConfig.Smoke with { Excluded = ConceptGroups.Digit(3) }).Validate());
        Assert.Contains("Excluded", mnistGroup.Message);
        var noStudents = Assert.Throws<ArgumentException>(() => (DistillationTableConfig.Smoke with { Students = [] }).Validate());
        Assert.Contains("Students", noStudents.Message);
        var zeroSteps = Assert.Throws<ArgumentException>(() => (DistillationTableConfig.Smoke with { Sizes = DistillationTableScale.Smoke with { DistillSteps = 0 } }).Validate());
        Assert.Contains("Sizes", zeroSteps.Message);
    }
}
