using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Tests.Labs;

public sealed class HeldOutDigitLabTests
{
    [Fact]
    public void Presets_are_named_and_an_unknown_scale_is_refused()
    {
        Assert.Same(HeldOutDigitConfig.Quick, HeldOutDigitConfig.For("quick"));
        Assert.Equal((700, 32, 1e-3, true, 0.0), (HeldOutDigitConfig.Quick.DistillSteps, HeldOutDigitConfig.Quick.BatchSize,
            HeldOutDigitConfig.Quick.LearningRate, HeldOutDigitConfig.Quick.CosineDecay, HeldOutDigitConfig.Quick.TimeBudgetMinutes));
        Assert.Equal((1000, 2500, 256, 200), (HeldOutDigitConfig.Paper.ImagesPerDigit, HeldOutDigitConfig.Paper.DistillSteps,
            HeldOutDigitConfig.Paper.BatchSize, HeldOutDigitConfig.Paper.SamplesPerDigit));
        Assert.Equal("smoke", HeldOutDigitConfig.For("smoke").Scale);
        var e = Assert.Throws<ArgumentException>(() => HeldOutDigitConfig.For("huge"));
        Assert.Contains("'huge'", e.Message);
    }

    [Fact]
    public void Defaults_follow_the_student_and_the_conditioning()
    {
        var quick = HeldOutDigitConfig.Quick;
        Assert.Equal(3, quick.HeldOutDigit);
        Assert.Equal(StudentInit.Teacher, quick.StudentSpec.Init);
        Assert.True(quick.StudentSpec.OwnEncoder);
        Assert.Equal(ReplacementProbability.Exponential().Name, quick.RcReplacement.Name);
        Assert.Equal(ReplacementProbability.Sigmoid().Name, (quick with { Student = "block-removed:random" }).RcReplacement.Name);
        Assert.EndsWith("mnist-quick-teacher.safetensors", quick.TeacherPath);
        Assert.EndsWith("mnist-label-quick-teacher.safetensors", (quick with { Conditioning = "label" }).TeacherPath);
        Assert.EndsWith("mnist-label-teacher.safetensors", (HeldOutDigitConfig.Paper with { Conditioning = "label" }).TeacherPath);
        Assert.Equal(CudaFastPaths.Off, quick.Paths);
        Assert.Equal(CudaFastPaths.All, (quick with { Device = Device.CUDA() }).Paths);
        Assert.Equal(TimeSpan.FromMinutes(2.6), HeldOutDigitConfig.Paper.Options().TimeBudget);
        Assert.Null(quick.Options().TimeBudget);
    }

    [Fact]
    public void The_cli_options_override_the_preset_knob_by_knob()
    {
        var config = new HeldOutDigitCommand().Config([
            "--scale", "paper", "--held-out", "7", "--conditioning", "label", "--steps", "300", "--batch", "64", "--lr", "1e-3",
            "--lr-schedule", "cosine", "--feature-weight", "0.5", "--time-budget-min", "0", "--images-per-digit", "50",
            "--samples-per-digit", "10", "--replacement", "linear", "--student", "block-removed-no-mid:random", "--cuda-graph", "false",
        ]);
        Assert.Equal("paper", config.Scale);
        Assert.Equal((7, "label", 300, 64, 1e-3, true, 0.5, 0.0, 50, 10), (config.HeldOutDigit, config.Conditioning, config.DistillSteps, config.BatchSize,
            config.LearningRate, config.CosineDecay, config.FeatureWeight, config.TimeBudgetMinutes, config.ImagesPerDigit, config.SamplesPerDigit));
        Assert.Equal("linear", config.RcReplacement.Name);
        Assert.Equal("block-removed-no-mid", config.StudentSpec.Name);
        Assert.Equal(HeldOutDigitConfig.Paper.GenerationSteps, config.GenerationSteps);
        var options = config.Options();
        Assert.Equal((300, 64, 1e-3, true, 0.5, false), (options.Steps, options.BatchSize, options.LearningRate, options.CosineDecay, options.Weights.Feature, options.CudaGraph));
    }

    [Theory]
    [InlineData(new[] { "--held-out", "10" }, "--held-out: expected 0 to 9; got 10")]
    [InlineData(new[] { "--conditioning", "pixels" }, "--conditioning: Argument 'pixels'")]
    [InlineData(new[] { "--steps", "0" }, "--steps: expected a positive number; got 0")]
    [InlineData(new[] { "--replacement", "cubic" }, "--replacement")]
    [InlineData(new[] { "--lr-schedule", "linear" }, "--lr-schedule")]
    [InlineData(new[] { "--student", "wide" }, "wide")]
    [InlineData(new[] { "--stpes", "10" }, "--stpes")]
    public void Bad_options_are_named(string[] args, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config(args));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void The_committed_paper_record_loads_with_its_numbers()
    {
        var paper = HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json");
        Assert.NotNull(paper);
        Assert.Equal((3, "text", "paper", 1.0), (paper.HeldOutDigit, paper.Conditioning, paper.Scale, paper.TeacherHeldOutAccuracy));
        Assert.Equal((2200, 0.61, 0.96), (paper.NoRc.Steps, paper.NoRc.HeldOutAccuracy, Math.Round(paper.NoRc.SeenAccuracy, 4)));
        Assert.Equal((2200, 0.965, "sigmoid(20, 0.7)"), (paper.Rc.Steps, paper.Rc.HeldOutAccuracy, paper.Rc.Replacement));
        Assert.Equal(0.61, paper.NoRc.PerDigitAccuracy[3]);
        Assert.StartsWith("results/held-out-digit-paper-cuda.json: NVIDIA H100", paper.Provenance);
        Assert.Null(paper.TeacherPerDigitAccuracy);

        var label = HeldOutDigitResult.Recorded("held-out-digit-paper-label-digit5-cuda.json");
        Assert.NotNull(label);
        Assert.Equal((5, "label", true, 0.27, 0.785), (label.HeldOutDigit, label.Conditioning, label.CudaGraph, label.NoRc.HeldOutAccuracy, label.Rc.HeldOutAccuracy));
        Assert.Null(HeldOutDigitResult.Recorded("held-out-digit-no-such-run.json"));
    }

    [Fact]
    public void A_record_writes_back_with_the_same_fields_and_numbers()
    {
        var path = RepoPaths.Results("held-out-digit-paper-label-digit7-cuda.json");
        var original = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var loaded = HeldOutDigitResult.Load(path);
        var copy = Path.Combine(Path.GetTempPath(), $"held-out-digit-{Guid.NewGuid():N}.json");
        try
        {
            loaded.Write(copy);
            var written = JsonNode.Parse(File.ReadAllText(copy))!.AsObject();
            Assert.Equal(original.Select(kv => kv.Key).Order(), written.Select(kv => kv.Key).Order());
            Assert.True(JsonNode.DeepEquals(original["students"], written["students"]));
            Assert.Equal(loaded with { SourceFile = null }, HeldOutDigitResult.Load(copy) with { SourceFile = null }, new ResultComparer());
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Theory]
    [InlineData("held_out_accuracy", "\"high\"", "held_out_accuracy")]
    [InlineData("held_out_accuracy", null, "held_out_accuracy")]
    [InlineData("per_digit_accuracy", "[0.5, 0.5]", "students[1].per_digit_accuracy")]
    [InlineData("seen_accuracy", "1.5", "students[1].seen_accuracy")]
    public void A_bad_record_names_the_file_and_the_field(string field, string? value, string named)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepoPaths.Results("held-out-digit-paper-cuda.json")))!.AsObject();
        var rc = json["students"]![1]!.AsObject();
        if (value is null) rc.Remove(field);
        else rc[field] = JsonNode.Parse(value);
        var path = Path.Combine(Path.GetTempPath(), $"held-out-digit-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => HeldOutDigitResult.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains(named, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tables_and_the_chart_show_each_model()
    {
        var paper = HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json")!;
        var table = paper.Table();
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(0.965, (double)table["held-out digit 3"][2]);
        var labels = new[] { 3, 5, 7 }.Select(d => HeldOutDigitResult.Recorded($"held-out-digit-paper-label-digit{d}-cuda.json")!).ToList();
        var compare = HeldOutDigitResult.Compare([paper, .. labels]);
        Assert.Equal(4, compare.Rows.Count);
        Assert.Equal(labels[2].Rc.HeldOutAccuracy, (double)compare["RC, held-out"][3]);
        Assert.Equal(labels[2].Student, (string)compare["student"][3]);
        Assert.Equal(labels[2].Rc.Replacement, (string)compare["RC p(t)"][3]);
        var own = HeldOutDigitResult.Recorded("held-out-digit-label-encoder-cuda/own-encoder-digit5/held-out-digit-paper-label-digit5-cuda.json")!;
        Assert.EndsWith("(own encoder)", (string)HeldOutDigitResult.Compare([own])["student"][0]);
        var html = Plotly.NET.GenericChart.toChartHTML(paper.PerDigitChart());
        Assert.Contains("3 (held out)", html);
        Assert.Contains("no-RC student", html);
    }

    [Fact]
    public void A_variant_of_a_preset_records_under_its_own_name()
    {
        Assert.Equal("", HeldOutDigitConfig.Paper.RecordVariant());
        Assert.Equal("", (HeldOutDigitConfig.Paper with { HeldOutDigit = 7, Conditioning = "label", TimeBudgetMinutes = 3, Replacement = "sigmoid" }).RecordVariant());
        var own = HeldOutDigitConfig.Paper with { Student = "block-removed:random:own-encoder", Replacement = "exponential", FeatureWeight = 0.1 };
        Assert.Equal("-student-block-removed-random-own-encoder-replacement-exponential-5-feature-weight-0.1", own.RecordVariant());
        Assert.Equal("-steps-2000", (HeldOutDigitConfig.Quick with { DistillSteps = 2000 }).RecordVariant());

        var paper = HeldOutDigitResult.Recorded("held-out-digit-paper-label-digit5-cuda.json")! with { Samples = null };
        var folder = Directory.CreateTempSubdirectory("randcond-variant-").FullName;
        try
        {
            var (_, path) = HeldOutDigitLab.Save(paper, Device.CUDA(), folder, TextWriter.Null, own.RecordVariant());
            Assert.Equal("held-out-digit-paper-label-digit5-student-block-removed-random-own-encoder-replacement-exponential-5-feature-weight-0.1-cuda.json",
                Path.GetFileName(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_reading_follows_the_numbers()
    {
        var paper = HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json")!.Reading();
        Assert.Contains("the RC student 96.5%", paper.Replace(" %", "%"));
        Assert.Contains("no-RC student also draws the digit", paper);
        Assert.DoesNotContain("under-trained", paper);
        var label = HeldOutDigitResult.Recorded("held-out-digit-paper-label-digit5-cuda.json")!.Reading();
        Assert.Contains("short of the paper's effect", label);
        Assert.Contains("under-trained", label);
        var untrainedTeacher = HeldOutDigitResult.Recorded("held-out-digit-paper-cuda.json")! with { TeacherHeldOutAccuracy = 0.2 };
        Assert.Contains("say nothing", untrainedTeacher.Reading());
    }

    // Records hold lists, which records compare by reference.
    private sealed class ResultComparer : IEqualityComparer<HeldOutDigitResult>
    {
        public bool Equals(HeldOutDigitResult? a, HeldOutDigitResult? b) =>
            a is not null && b is not null && System.Text.Json.JsonSerializer.Serialize(a, RecordedRuns.Options) == System.Text.Json.JsonSerializer.Serialize(b, RecordedRuns.Options);

        public int GetHashCode(HeldOutDigitResult r) => r.HeldOutDigit;
    }
}
