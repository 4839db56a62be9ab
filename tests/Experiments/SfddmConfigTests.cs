using RandCond.Cli.Lab;
using RandCond.Data;
using RandCond.Distillation.Sfddm;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Tests.Labs;

/// <summary>The SFDDM config: its presets, overrides with `with`, and the verb's options mapped onto it.</summary>
public sealed class SfddmConfigTests
{
    [Fact]
    public void Presets_differ_in_size_and_For_names_them()
    {
        Assert.Same(SfddmConfig.Smoke, SfddmConfig.For("smoke"));
        Assert.Same(SfddmConfig.Quick, SfddmConfig.For("quick"));
        Assert.Same(SfddmConfig.Paper, SfddmConfig.For("paper"));
        Assert.Equal((2, 4, 2), (SfddmConfig.Smoke.Steps, SfddmConfig.Smoke.BatchSize, SfddmConfig.Smoke.SamplesPerClass));
        Assert.Equal((700, 32, 2e-3, "quick-teacher"), (SfddmConfig.Quick.Steps, SfddmConfig.Quick.BatchSize, SfddmConfig.Quick.LearningRate, SfddmConfig.Quick.TeacherSize));
        Assert.Equal((8000, 128, 6.0, 100), (SfddmConfig.Paper.Steps, SfddmConfig.Paper.BatchSize, SfddmConfig.Paper.TimeBudgetMinutes, SfddmConfig.Paper.SamplesPerClass));
        var e = Assert.Throws<ArgumentException>(() => SfddmConfig.For("huge"));
        Assert.Contains("unknown scale 'huge'", e.Message);
    }

    [Fact]
    public void Overrides_reach_the_distiller_options_and_the_record_name()
    {
        var config = SfddmConfig.Quick with { Students = [20, 5], Steps = 30, IndexList = SfddmIndexList.Leading, ClipX0 = null, CheckpointDir = "/tmp/ck" };
        var options = config.OptionsFor(20);
        Assert.Equal((20, 30, 32, SfddmIndexList.Leading), (options.StudentSteps, options.Steps, options.BatchSize, options.IndexList));
        Assert.Equal(Path.Combine("/tmp/ck", "sfddm-mnist-quick-teacher-quick-leading-20.ckpt2.safetensors"), options.CheckpointPath);
        Assert.Equal(30, options.LogEvery);
        Assert.Null(options.TimeBudget);
        Assert.False(options.CudaGraph);
        Assert.Equal("sfddm-mnist-quick-t20-5-noclip-cpu", config.RecordStem);
        Assert.Equal("sfddm-mnist-quick-cpu", SfddmConfig.Quick.RecordStem);
        Assert.Equal(TimeSpan.FromMinutes(6), SfddmConfig.Paper.OptionsFor(10).TimeBudget);
        Assert.EndsWith(Path.Combine("data", "teachers", "fashion-mnist-teacher.safetensors"), (SfddmConfig.Paper with { Dataset = DatasetKind.FashionMnist }).TeacherPath);
    }

    [Theory]
    [InlineData(new[] { 0 }, "SfddmConfig.Students: 0")]
    [InlineData(new[] { 1001 }, "SfddmConfig.Students: 1001")]
    public void Bad_students_are_named(int[] students, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => (SfddmConfig.Smoke with { Students = students }).Validate());
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_values_are_named()
    {
        Assert.Contains("SamplesPerClass", Assert.Throws<ArgumentException>(() => (SfddmConfig.Smoke with { SamplesPerClass = 0 }).Validate()).Message);
        Assert.Contains("ClipX0", Assert.Throws<ArgumentException>(() => (SfddmConfig.Smoke with { ClipX0 = -1 }).Validate()).Message);
        Assert.Contains("CudaGraph", Assert.Throws<ArgumentException>(() => (SfddmConfig.Smoke with { CudaGraph = true }).Validate()).Message);
        Assert.Contains("Steps", Assert.Throws<ArgumentOutOfRangeException>(() => (SfddmConfig.Smoke with { Steps = 0 }).Validate()).Message);
        Assert.Contains("unknown dataset 'cifar'", Assert.Throws<ArgumentException>(() => SfddmConfig.DatasetNamed("cifar")).Message);
        Assert.Equal(DatasetKind.FashionMnist, SfddmConfig.DatasetNamed("fashion-mnist"));
    }

    [Fact]
    public void The_verbs_options_map_onto_the_config()
    {
        var config = new SfddmCommand().Config(["--dataset", "fashion-mnist", "--scale", "quick", "--students", "50,10", "--steps", "40",
            "--batch", "8", "--lr", "1e-3", "--lr-schedule", "cosine", "--warmup", "5", "--index-list", "leading", "--guidance", "2.5",
            "--clip-x0", "none", "--samples-per-class", "3", "--seed", "7", "--time-budget-min", "1.5"]);
        Assert.Equal(DatasetKind.FashionMnist, config.Dataset);
        Assert.Equal([50, 10], config.Students);
        Assert.Equal((40, 8, 1e-3, true, 5), (config.Steps, config.BatchSize, config.LearningRate, config.CosineDecay, config.WarmupSteps));
        Assert.Equal((SfddmIndexList.Leading, 2.5, (double?)null, 3, 7UL, 1.5),
                     (config.IndexList, config.Guidance, config.ClipX0, config.SamplesPerClass, config.Seed, config.TimeBudgetMinutes));
        Assert.Equal("quick-teacher", config.TeacherSize);
        var defaults = new SfddmCommand().Config("--dataset", "mnist", "--device", "cpu");
        Assert.Equal(SfddmConfig.Paper with { Device = Device.CPU, CudaGraph = false }, defaults with { Students = SfddmConfig.Paper.Students });
        Assert.Equal(SfddmConfig.Paper.Students, defaults.Students);
    }
}
