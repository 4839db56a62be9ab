using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Distillation;
using RandCond.Experiments;

namespace RandCond.Tests.Labs;

public sealed class AblationsLabTests
{
    [Fact]
    public void Students_trained_side_by_side_score_as_those_trained_one_after_the_other()
    {
        // Five settings go in twos (2 + 2 + 1); on the CPU the side-by-side students take turns, so every value must match.
        // A step count of its own gives this test checkpoints of its own; each run starts without them.
        var config = AblationConfig.Smoke with { Study = AblationStudy.FamilyRandom, Steps = 3 };
        var folder = RepoPaths.Cache("checkpoints");
        Directory.CreateDirectory(folder);
        var before = Directory.GetFiles(folder).ToHashSet();
        var serial = AblationsLab.Run(config with { FastPaths = CudaFastPaths.Off }, TextWriter.Null);
        foreach (var made in Directory.GetFiles(folder, "ablations-smoke-*").Where(f => !before.Contains(f))) File.Delete(made);
        var log = new StringWriter();
        var together = AblationsLab.Run(config with { FastPaths = CudaFastPaths.Off with { ConcurrentStudents = true } }, log);
        foreach (var made in Directory.GetFiles(folder, "ablations-smoke-*").Where(f => !before.Contains(f))) File.Delete(made);

        Assert.Equal(serial.Rows.Select(r => (r.Arm, r.Steps, r.FinalLoss, r.Fd, r.Accuracy)), together.Rows.Select(r => (r.Arm, r.Steps, r.FinalLoss, r.Fd, r.Accuracy)));
        Assert.All(together.Rows, r => Assert.Equal(3, r.Steps));
        // The progress lines of students trained together name their run; the fifth trains alone.
        var progress = log.ToString().Split('\n').Select(l => l.TrimStart()).Where(l => l.Contains("step 3/3 ")).ToList();
        Assert.Equal(5, progress.Count);
        Assert.Equal(4, progress.Where(l => l.StartsWith("smoke-", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).Distinct().Count());
    }

    [Theory]
    [InlineData(AblationStudy.FamilyRandom, 5)]
    [InlineData(AblationStudy.FamilyTeacher, 2)]
    [InlineData(AblationStudy.Images, 4)]
    [InlineData(AblationStudy.Captions, 2)]
    public void Smoke_run_writes_one_row_per_setting_with_finite_scores_and_a_record_that_loads_back(AblationStudy study, int settings)
    {
        // family-teacher runs two of the families to keep the test short; family-random checks the default five.
        var config = AblationConfig.Smoke with { Study = study };
        if (study == AblationStudy.FamilyTeacher) config = config with { Families = [ReplacementProbability.Off, ReplacementProbability.Exponential()] };
        var stem = Path.Combine(RepoPaths.ResultsFor("smoke"), $"ablation-{study.Slug()}-smoke-cpu");
        foreach (var ext in new[] { ".json", ".md", ".tex", ".html", ".png" }) File.Delete(stem + ext);

        var result = AblationsLab.Run(config, TextWriter.Null);

        Assert.Equal(settings, result.Rows.Count);
        Assert.Equal(settings + 1, result.Table().Rows.Count);   // the teacher first
        foreach (var row in result.Rows)
        {
            double?[] read = study == AblationStudy.FamilyTeacher ? [row.Fd, row.Accuracy, row.GroupFd, row.GroupAccuracy] : [row.Fd, row.HeldOutAccuracy, row.SeenAccuracy];
            Assert.All(read, v => Assert.True(v is { } x && double.IsFinite(x), $"{study}: {row.Arm} has a non-finite score"));
            Assert.InRange(row.Accuracy, 0, 1);
        }
        Assert.Equal("ablations", result.Experiment);
        Assert.Equal(study.Slug(), result.Study);
        foreach (var ext in new[] { ".json", ".md", ".tex", ".html", ".png" })
            Assert.True(File.Exists(stem + ext), $"{study} did not write {stem + ext}");
        var loaded = AblationResult.Load(stem + ".json");
        Assert.Equal(result.Rows.Select(r => (r.Arm, r.Fd, r.Steps)), loaded.Rows.Select(r => (r.Arm, r.Fd, r.Steps)));

        switch (study)
        {
            case AblationStudy.FamilyRandom:
                Assert.Equal(["constant(0)", "linear", "exponential(5)", "sigmoid(20, 0.7)", "constant(0.5)"], result.Rows.Select(r => r.Replacement).ToArray());
                break;
            case AblationStudy.FamilyTeacher:
                Assert.Equal(["constant(0)", "exponential(5)"], result.Rows.Select(r => r.Replacement).ToArray());
                Assert.All(result.Rows, r => Assert.Equal(14L, r.ImageSetSize));   // seven classes without footwear
                break;
            case AblationStudy.Images:
                Assert.Equal([1, 1, 2, 2], result.Rows.Select(r => r.ImagesPerClass).ToArray());
                Assert.Equal([9L, 9L, 18L, 18L], result.Rows.Select(r => r.ImageSetSize).ToArray());   // nine seen digits
                Assert.Equal([0.0, 0.0], result.Rows.Where((_, i) => i % 2 == 0).Select(r => r.ReplacementMean).ToArray());
                break;
            case AblationStudy.Captions:
                Assert.Equal([10, 20], result.Rows.Select(r => r.TextCorpusSize).ToArray());
                break;
        }
    }

    [Fact]
    public void Presets_carry_their_scales_sizes_and_overrides_reach_the_distillation_options()
    {
        var quick = AblationConfig.For("quick");
        Assert.Equal("quick", quick.Scale.Name);
        Assert.Equal(AblationScale.Quick.ImageSizes.ToArray(), quick.ImageSizes.ToArray());
        Assert.Equal(AblationScale.Quick.CaptionSizes.ToArray(), quick.CaptionSizes.ToArray());
        Assert.Equal(AblationScale.Quick.Digit.DistillSteps, quick.Options.Steps);
        Assert.Equal("paper", AblationConfig.Paper.Scale.Name);
        Assert.Equal(AblationScale.Paper.Digit.DistillSteps, AblationConfig.Paper.Options.Steps);
        Assert.Equal("smoke", AblationConfig.Smoke.Scale.Name);
        Assert.Contains("huge", Assert.Throws<ArgumentException>(() => AblationConfig.For("huge")).Message);

        var changed = quick with { Steps = 7, TimeBudgetMinutes = 0.5 };
        Assert.Equal(7, changed.Options.Steps);
        Assert.Equal(TimeSpan.FromMinutes(0.5), changed.Options.TimeBudget);
        Assert.False(changed.Options.CudaGraph);

        var teacher = quick with { Study = AblationStudy.FamilyTeacher, Steps = 9 };
        Assert.Equal(DatasetKind.FashionMnist, teacher.Dataset);
        Assert.Equal("footwear", teacher.Group.Name);
        Assert.Equal(StudentInit.Teacher, teacher.Student.Init);
        Assert.Equal(9, teacher.Options.Steps);
        Assert.Equal(AblationScale.Quick.Fashion.ImagesPerClass, teacher.GeneratedPerClass);
        Assert.Equal(StudentInit.Random, quick.Student.Init);

        var images = quick with { Study = AblationStudy.Images, ImageSizes = [5, 20] };
        Assert.Equal(["5 per class, no RC", "5 per class, RC", "20 per class, no RC", "20 per class, RC"], images.Settings().Select(s => s.Label).ToArray());
        var captions = quick with { Study = AblationStudy.Captions, HeldOutDigit = 7 };
        Assert.Equal([10, 50, 280], captions.Settings().Select(s => s.CaptionCount!.Value).ToArray());
        Assert.Equal("digit 7", captions.Group.Name);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_knob()
    {
        var quick = AblationConfig.Quick with { Study = AblationStudy.Images };
        Assert.Contains("ImageSizes", Assert.Throws<ArgumentException>(() => (quick with { ImageSizes = [5, 10_000] }).Settings()).Message);
        Assert.Contains("CaptionSizes", Assert.Throws<ArgumentException>(() => (quick with { Study = AblationStudy.Captions, CaptionSizes = [15] }).Settings()).Message);
        Assert.Equal(5, (quick with { Study = AblationStudy.FamilyTeacher, ImageSizes = [10_000] }).Settings().Count);   // sizes of D matter to the images study alone
        Assert.Contains("Steps", Assert.Throws<ArgumentException>(() => (quick with { Steps = 0 }).Settings()).Message);
        Assert.Contains("hats", Assert.Throws<ArgumentException>(() => (quick with { Study = AblationStudy.FamilyTeacher, ExcludedGroup = "hats" }).Settings()).Message);
    }

    [Fact]
    public void The_verbs_options_map_onto_the_config()
    {
        var config = new AblationsCommand().Config("--study", "captions", "--scale", "paper", "--caption-sizes", "10,20", "--held-out", "5",
                                                     "--steps", "12", "--time-budget-min", "0.25", "--families", "off,sigmoid");
        Assert.Equal(AblationStudy.Captions, config.Study);
        Assert.Equal("paper", config.Scale.Name);
        Assert.Equal([10, 20], config.CaptionSizes.ToArray());
        Assert.Equal(AblationScale.Paper.ImageSizes.ToArray(), config.ImageSizes.ToArray());
        Assert.Equal(5, config.HeldOutDigit);
        Assert.Equal(12, config.Options.Steps);
        Assert.Equal(TimeSpan.FromMinutes(0.25), config.Options.TimeBudget);
        Assert.Equal(["constant(0)", "sigmoid(20, 0.7)"], config.Families.Select(f => f.Name).ToArray());
        Assert.Contains("--image-sizes", Assert.Throws<ArgumentException>(() =>
            new AblationsCommand().Config("--study", "images", "--image-sizes", "5,x")).Message);
    }

    [Fact]
    public void Unknown_or_missing_study_names_the_known_ones()
    {
        foreach (var args in new[] { new[] { "--study", "widths" }, new[] { "--scale", "smoke" } })
        {
            var error = Assert.Throws<ArgumentException>(() => new AblationsCommand().Config(args));
            foreach (var known in AblationStudies.All) Assert.Contains(known.Slug(), error.Message);
        }
        var stderr = new StringWriter();
        Assert.Equal(2, LabCommands.Run(["ablations", "--study", "widths"], TextWriter.Null, stderr));
        Assert.Contains("widths", stderr.ToString());
        Assert.Contains("family-teacher", stderr.ToString());
    }

    public static TheoryData<string> CommittedRecords()
    {
        var names = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(RepoPaths.Results(), "ablation-*.json").Order()) names.Add(Path.GetFileName(path));
        return names;
    }

    [Theory]
    [MemberData(nameof(CommittedRecords))]
    public void A_committed_record_loads_as_the_type_with_the_numbers_it_holds(string fileName)
    {
        var raw = JsonNode.Parse(File.ReadAllText(RepoPaths.Results(fileName)))!.AsObject();
        var result = AblationResult.Recorded(fileName);

        Assert.Equal((string)raw["study"]!, result.Study);
        Assert.Equal((string)raw["device"]!, result.Device);
        Assert.Equal((double)raw["teacher_scores"]!["fd"]!, result.TeacherScores.Fd);
        var rows = raw["rows"]!.AsArray();
        Assert.Equal(rows.Count, result.Rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal((string)rows[i]!["arm"]!, result.Rows[i].Arm);
            Assert.Equal((double)rows[i]!["fd"]!, result.Rows[i].Fd);
            Assert.Equal((int)rows[i]!["steps"]!, result.Rows[i].Steps);
            Assert.Equal((int)rows[i]!["text_corpus_size"]!, result.Rows[i].TextCorpusSize);
            Assert.Equal((double?)rows[i]!["held_out_accuracy"], result.Rows[i].HeldOutAccuracy);
            Assert.Equal((double?)rows[i]!["group_fd"], result.Rows[i].GroupFd);
        }
        Assert.Equal(rows.Count + 1, result.Table().Rows.Count);
        Assert.NotNull(result.Chart());
    }

    [Fact]
    public void The_recorded_paper_scale_family_random_study_reads_as_written()
    {
        var result = AblationResult.Recorded("ablation-family-random-paper-cuda.json");
        Assert.Equal(AblationStudy.FamilyRandom, result.Kind);
        Assert.Equal("NVIDIA H100 80GB HBM3", result.Device);
        Assert.Equal(["off", "linear", "exponential", "sigmoid", "constant:0.5"], result.Rows.Select(r => r.Arm).ToArray());
        Assert.Equal(0.325, result.Rows[0].HeldOutAccuracy);
        Assert.Equal(810, result.Rows[0].Steps);
        Assert.Equal(1.0, result.TeacherScores.HeldOutAccuracy);
    }

    [Fact]
    public void A_bad_record_names_the_file_and_the_field()
    {
        var good = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("ablation-images-paper-cuda.json")))!.AsObject();
        var folder = Directory.CreateTempSubdirectory("ablation-record-");
        try
        {
            string Bad(string name, Action<JsonObject> spoil)
            {
                var json = good.DeepClone().AsObject();
                spoil(json);
                var path = Path.Combine(folder.FullName, name);
                File.WriteAllText(path, json.ToJsonString());
                return path;
            }
            var wrongType = Bad("wrong-type.json", j => j["rows"]![1]!["fd"] = "far");
            var error = Assert.Throws<InvalidDataException>(() => AblationResult.Load(wrongType)).Message;
            Assert.Contains(wrongType, error);
            Assert.Contains("rows[1].fd", error);

            var missing = Bad("missing.json", j => j["rows"]![0]!.AsObject().Remove("steps"));
            error = Assert.Throws<InvalidDataException>(() => AblationResult.Load(missing)).Message;
            Assert.Contains(missing, error);
            Assert.Contains("steps", error);

            var unread = Bad("unread.json", j => j["rows"]![2]!.AsObject().Remove("held_out_accuracy"));
            error = Assert.Throws<InvalidDataException>(() => AblationResult.Load(unread)).Message;
            Assert.Contains(unread, error);
            Assert.Contains("rows[2].held_out_accuracy", error);

            var study = Bad("study.json", j => j["study"] = "widths");
            error = Assert.Throws<InvalidDataException>(() => AblationResult.Load(study)).Message;
            Assert.Contains("study", error);
            Assert.Contains("widths", error);

            var absent = Path.Combine(folder.FullName, "absent.json");
            Assert.Contains(absent, Assert.Throws<FileNotFoundException>(() => AblationResult.Load(absent)).Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(280)]
    public void Caption_subsets_have_the_size_asked_are_balanced_and_keep_the_held_out_digits_captions(int size)
    {
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        var subset = BalancedCaptions.Subset(full, size);

        Assert.Equal(size, subset.Count);
        Assert.All(Enumerable.Range(0, 10), digit => Assert.Equal(size / 10, subset.CaptionsOf(digit).Count));
        Assert.True(full.Covers(subset));
        var three = subset.CaptionsOf(3);
        Assert.NotEmpty(three);
        Assert.All(three, caption => Assert.Contains(caption, full.CaptionsOf(3)));
        var smaller = BalancedCaptions.Subset(full, 10);
        Assert.True(subset.Covers(smaller));   // nested: a larger subset holds every smaller one
    }

    [Fact]
    public void Caption_subsets_of_impossible_sizes_are_refused()
    {
        var full = CaptionCorpus.Full(DatasetKind.Mnist);
        Assert.Contains("multiple", Assert.Throws<ArgumentException>(() => BalancedCaptions.Subset(full, 15)).Message);
        Assert.Contains("per class", Assert.Throws<ArgumentException>(() => BalancedCaptions.Subset(full, 290)).Message);
    }
}
