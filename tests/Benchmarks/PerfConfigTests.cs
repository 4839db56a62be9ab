using RandCond.Benchmarks;
using RandCond.Tensors;

namespace RandCond.Tests.Benchmarks;

/// <summary>The performance configurations both sides of distill-step and sample run.</summary>
public class PerfConfigTests
{
    [Fact]
    public void Bf16w_with_bf16_is_a_training_configuration_with_a_bf16_teacher_and_both_reach_pytorch()
    {
        var config = PerfConfig.Parse("tf32+bf16+bf16w+graph");
        Assert.True(config.Bf16 && config.Bf16Weights && config.Graph);
        Assert.Equal("tf32+bf16+bf16w", config.PythonName);
        Assert.Contains("teacher on bf16 weights", config.Describe());
        var args = config.PythonArgs().ToList();
        Assert.Equal("bf16", args[args.IndexOf("--autocast") + 1]);
        Assert.Equal("bf16", args[args.IndexOf("--weights") + 1]);
    }

    [Fact]
    public void Ovl_is_a_csharp_only_part_that_puts_the_teacher_on_a_second_stream()
    {
        var config = PerfConfig.Parse("tf32+bf16+bf16w+cl+fnorm+graph+ovl");
        Assert.True(config.OverlappedTeacher);
        Assert.False(PerfConfig.Parse("tf32+bf16+bf16w+cl+fnorm+graph").OverlappedTeacher);
        Assert.Equal("tf32+bf16+bf16w+cl", config.PythonName);
        Assert.DoesNotContain("ovl", string.Join(' ', config.PythonArgs()));
        Assert.Contains("C# teacher on a second stream", config.Describe());
    }

    [Fact]
    public void Students_side_by_side_is_a_csharp_only_part_pair_or_x2_to_x4()
    {
        var config = PerfConfig.Parse("tf32+bf16+bf16w+cl+fnorm+graph+ovl+pair");
        Assert.Equal(2, config.Students);
        Assert.Equal(1, PerfConfig.Parse("tf32+bf16+bf16w+cl+fnorm+graph+ovl").Students);
        Assert.Equal(3, PerfConfig.Parse("tf32+graph+x3").Students);
        Assert.Equal(4, PerfConfig.Parse("x4").Students);
        Assert.Equal("tf32+bf16+bf16w+cl", config.PythonName);
        Assert.DoesNotContain("pair", string.Join(' ', config.PythonArgs()));
        Assert.Contains("2 students side by side (time per student step)", config.Describe());
        foreach (var bad in new[] { "tf32+pairs", "tf32+x5", "tf32+x1", "tf32+x" })
        {
            var e = Assert.ThrowsAny<Exception>(() => PerfConfig.Parse(bad));
            Assert.Contains($"unknown part '{bad[5..]}'", e.Message);
            Assert.Contains("pair or x2..x4)", e.Message);
        }
    }

    [Fact]
    public void Fnorm_is_a_csharp_only_part_that_sets_the_norm_training_path_until_the_switches_are_restored()
    {
        var config = PerfConfig.Parse("tf32+bf16+fnorm+graph");
        Assert.True(config.FusedNorms);
        Assert.Equal("tf32+bf16", config.PythonName);
        Assert.DoesNotContain("fnorm", string.Join(' ', config.PythonArgs()));
        Assert.Contains("fused kernels in training", config.Describe());
        using (PerfConfig.Keep(Torch.NumThreads))
        {
            config.ApplySwitches();
            Assert.Equal(NormTrainingPath.FusedKernels, F.NormTraining);
            PerfConfig.Parse("tf32").ApplySwitches();
            Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
            config.ApplySwitches();
        }
        Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
    }

    [Fact]
    public void An_unknown_part_is_refused_by_name()
    {
        var e = Assert.ThrowsAny<Exception>(() => PerfConfig.Parse("tf32+bf17"));
        Assert.Contains("bf17", e.Message);
    }
}
