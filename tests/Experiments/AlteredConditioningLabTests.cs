using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Experiments;
using RandCond.Metrics;
using RandCond.Tensors;

// Not RandCond.Tests.Experiments: that namespace would hide RandCond.Experiments from tests that write "Experiments.X".
namespace RandCond.Tests.Labs;

public class AlteredConditioningLabTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(4)]
    [InlineData(50)]
    public void The_steps_from_t_are_the_grid_below_t_then_t_itself(int gridSteps)
    {
        var grid = Timesteps.Uniform(1000, gridSteps);
        foreach (int t in new[] { 0, 1, 49, 50, 100, 537, 998, 999 })
        {
            var steps = AlteredConditioningLab.SamplingTimesteps(t, gridSteps);

            Assert.Equal(t, steps[^1]);
            Timesteps.Validate(steps, 1000);
            Assert.Equal(grid.Where(s => s < t), steps[..^1]);
            Assert.InRange(steps.Length, gridSteps * t / 1000, gridSteps * t / 1000 + 1);
        }
        Assert.Equal(grid, AlteredConditioningLab.SamplingTimesteps(999, gridSteps));
        Assert.Equal([0], AlteredConditioningLab.SamplingTimesteps(0, gridSteps));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlteredConditioningLab.SamplingTimesteps(1000, gridSteps));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlteredConditioningLab.SamplingTimesteps(-1, gridSteps));
    }

    [Fact]
    public void From_t_0_the_image_comes_back_unchanged_whatever_the_caption()
    {
        var (teacher, tokenizer, preset, _) = TeacherFile.Load(RepoPaths.Data("teachers", "mnist-teacher.safetensors"));
        using var _t = teacher;
        var (classifier, _) = ClassifierCheckpoint.Load(RepoPaths.Data("classifiers", ClassifierLab.FileName(DatasetKind.Mnist)));
        using var _c = classifier;
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, RandCond.Data.PixelRange.MinusOneOne);
        using var schedule = preset.Schedule();
        using var scope = Torch.NewDisposeScope();
        var x0 = test.Images.Narrow(0, 0, 6);
        var labels = test.Labels.Narrow(0, 0, 6);
        var other = (labels + 5) % 10;
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        using var gen = new Generator(3);
        var tokens = corpus.Encode(tokenizer, preset.MaxCaptionLength).IndexSelect(0, corpus.SampleForLabels(other, gen));
        var nul = tokenizer.NullTokens(6, preset.MaxCaptionLength);
        var eps = Torch.Randn([6, 1, 28, 28], gen);

        var result = AlteredConditioningLab.Denoise(teacher, schedule, x0, eps, tokens, nul, t: 0, gridSteps: 20, guidance: preset.GuidanceScale);

        // x_0 noised to t = 0 carries noise of std sqrt(1 - ab_0) = 0.01; the one DDIM step removes the model's estimate of it.
        double maxDiff = (result - x0).Abs().Max().Item();
        Assert.True(maxDiff < 0.1, $"the result differs from the input by up to {maxDiff}");
        using var outputs = ClassifierOutputs.Collect(classifier, result);
        Assert.Equal(labels.ToArray<long>(), outputs.Logits.ArgMax(1).ToArray<long>());
        // Guided towards another digit with more noise, the same images do change.
        var changed = AlteredConditioningLab.Denoise(teacher, schedule, x0, eps, tokens, nul, t: 999, gridSteps: 4, guidance: preset.GuidanceScale);
        Assert.True((changed - x0).Abs().Max().Item() > 0.5);
    }

    [Fact]
    public void The_smoke_run_writes_a_fraction_pair_per_t_outside_results()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = LabCommands.Run(["altered-conditioning", "--scale", "smoke"], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        var path = Path.Combine(RepoPaths.RequireRoot(), ".cache", "smoke-results", "altered-conditioning-smoke-cpu.json");
        Assert.Contains(path, stdout.ToString());
        Assert.False(File.Exists(RepoPaths.Results("altered-conditioning-smoke-cpu.json")));
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("altered-conditioning", (string?)json["experiment"]);
        Assert.Equal("smoke", (string?)json["scale"]);
        var rows = json["rows"]!.AsArray();
        Assert.Equal(AlteredConditioningConfig.Smoke.Timesteps, rows.Select(r => (int)r!["t"]!));
        foreach (var row in rows)
        {
            double b = (double)row!["follows_new_condition"]!, a = (double)row["keeps_original_class"]!;
            Assert.InRange(b, 0, 1);
            Assert.InRange(a, 0, 1);
            Assert.InRange(a + b, 0, 1);
            Assert.Equal(AlteredConditioningConfig.Smoke.Images, (int)row["images"]!);
        }
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "altered-conditioning-smoke-examples.png")));
    }
}
