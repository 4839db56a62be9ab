using RandCond.Cli.Lab;
using System.Text.Json.Nodes;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Tests.Labs;

/// <summary>The fast paths a lab takes: on for CUDA, off on the CPU, each switch honoured in the options and sampling the lab builds, and recorded.</summary>
public sealed class CudaFastPathsTests
{
    private static readonly HeldOutDigitConfig Cuda = HeldOutDigitConfig.Paper with { Device = Device.CUDA() };

    [Fact]
    public void Defaults_are_all_on_for_cuda_and_all_off_on_the_cpu()
    {
        Assert.Equal(new CudaFastPaths(true, true, true, true, true, true, true, true, true, true), CudaFastPaths.For(Device.CUDA()));
        Assert.Equal(new CudaFastPaths(false, false, false, false, false), CudaFastPaths.For(Device.CPU));
        Assert.Equal(SamplingPaths.For(Device.CUDA()), CudaFastPaths.For(Device.CUDA()).Sampling);
        Assert.Equal(SamplingPaths.Eager, CudaFastPaths.For(Device.CPU).Sampling);
    }

    [Fact]
    public void A_cuda_lab_distils_with_the_bf16_graph_step_and_the_cpu_lab_with_the_float32_eager_step()
    {
        var cuda = Cuda.Options();
        Assert.True(cuda.CudaGraph);
        Assert.Equal(DType.BFloat16, cuda.Autocast);
        Assert.True(cuda.ChannelsLast);
        Assert.True(cuda.Bf16Teacher);
        var cpu = HeldOutDigitConfig.Paper.Options();
        Assert.False(cpu.CudaGraph);
        Assert.Null(cpu.Autocast);
        Assert.False(cpu.ChannelsLast);
        Assert.False(cpu.Bf16Teacher);
    }

    [Fact]
    public void A_switch_turned_off_in_the_config_is_honoured_in_the_options_and_the_sampling()
    {
        var noBf16Step = Cuda with { FastPaths = CudaFastPaths.For(Device.CUDA()) with { Bf16Step = false } };
        Assert.Null(noBf16Step.Options().Autocast);
        Assert.True(noBf16Step.Options().CudaGraph);
        Assert.True(noBf16Step.Paths.Sampling.Bf16Weights);

        var noGraphs = Cuda with { FastPaths = CudaFastPaths.All with { GraphedSampling = false, GraphedStep = false } };
        Assert.False(noGraphs.Options().CudaGraph);
        Assert.Equal(DType.BFloat16, noGraphs.Options().Autocast);
        Assert.Equal(new SamplingPaths(Graph: false, Bf16Weights: true, ChannelsLast: true), noGraphs.Paths.Sampling);
    }

    [Theory]
    [InlineData(new string[0], true, true, true, true, true, true, true)]
    [InlineData(new[] { "--cuda-graph", "false" }, false, true, true, false, true, true, true)]
    [InlineData(new[] { "--bf16", "false" }, true, false, true, true, false, false, true)]
    [InlineData(new[] { "--channels-last", "false" }, true, true, false, true, true, true, false)]
    [InlineData(new[] { "--bf16-step", "false" }, true, true, true, true, false, true, true)]
    [InlineData(new[] { "--bf16-sampling", "false" }, true, false, true, true, true, true, true)]
    [InlineData(new[] { "--graphed-sampling", "false" }, false, true, true, true, true, true, true)]
    [InlineData(new[] { "--graphed-step", "false", "--cuda-graph", "true" }, true, true, true, false, true, true, true)]
    [InlineData(new[] { "--bf16-teacher-step", "false" }, true, true, true, true, true, false, true)]
    [InlineData(new[] { "--channels-last-step", "false" }, true, true, true, true, true, true, false)]
    [InlineData(new[] { "--channels-last", "false", "--channels-last-step", "true" }, true, true, false, true, true, true, true)]
    public void The_verb_options_turn_each_path_off(string[] options, bool graphedSampling, bool bf16Sampling, bool channelsLast, bool graphedStep,
                                                    bool bf16Step, bool bf16TeacherStep, bool channelsLastStep)
    {
        var config = new HeldOutDigitCommand().Config(["--device", "cuda", "--scale", "paper", .. options]);
        Assert.Equal(new CudaFastPaths(graphedSampling, bf16Sampling, channelsLast, graphedStep, bf16Step, true, bf16TeacherStep, channelsLastStep, true, true), config.Paths);
        Assert.Equal(graphedStep, config.Options().CudaGraph);
        Assert.Equal(bf16Step ? DType.BFloat16 : null, config.Options().Autocast);
        Assert.Equal((bf16TeacherStep, channelsLastStep), (config.Options().Bf16Teacher, config.Options().ChannelsLast));
    }

    [Fact]
    public void The_cpu_verb_runs_every_path_off_and_refuses_a_graph_or_a_bf16_step_by_name()
    {
        Assert.Equal(CudaFastPaths.Off, new HeldOutDigitCommand().Config("--scale", "smoke").Paths);
        var graph = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--scale", "smoke", "--cuda-graph", "true"));
        Assert.Contains("--graphed-sampling (or --cuda-graph)", graph.Message);
        var bf16Step = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--scale", "smoke", "--bf16", "true"));
        Assert.Contains("--bf16-step (or --bf16)", bf16Step.Message);
        var bf16 = Assert.Throws<ArgumentException>(() => (HeldOutDigitConfig.Smoke with { FastPaths = CudaFastPaths.Off with { Bf16Step = true } }).Validate());
        Assert.Contains("Bf16Step", bf16.Message);
        // bf16 weights for sampling do run on the CPU (libtorch 1.13's CPU convolutions take BFloat16).
        (HeldOutDigitConfig.Smoke with { FastPaths = CudaFastPaths.Off with { Bf16Sampling = true, ChannelsLastSampling = true } }).Validate();
    }

    [Fact]
    public void The_fused_norm_step_is_on_for_cuda_turned_off_by_its_switch_and_refused_on_the_cpu_by_name()
    {
        Assert.True(Cuda.Options().FusedNorms);
        Assert.False(HeldOutDigitConfig.Paper.Options().FusedNorms);
        var off = new HeldOutDigitCommand().Config("--device", "cuda", "--scale", "paper", "--fused-norm-step", "false");
        Assert.Equal(CudaFastPaths.All with { FusedNormStep = false }, off.Paths);
        Assert.False(off.Options().FusedNorms);
        Assert.EndsWith("bf16 autocast, fused norms, bf16 teacher, channels-last, teacher on a second stream; students side by side", Cuda.Paths.ToString());
        var cpu = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--scale", "smoke", "--fused-norm-step", "true"));
        Assert.Contains("--fused-norm-step: the fused normalization kernels run on CUDA only", cpu.Message);
    }

    [Fact]
    public void The_overlapped_teacher_step_follows_its_switch_and_is_refused_on_the_cpu_by_name()
    {
        var on = new HeldOutDigitCommand().Config("--device", "cuda", "--scale", "paper", "--overlapped-teacher-step", "true");
        Assert.True(on.Options().OverlappedTeacher);
        Assert.EndsWith("channels-last, teacher on a second stream; students side by side", on.Paths.ToString());
        Assert.True(Cuda.Options().OverlappedTeacher);
        var off = new HeldOutDigitCommand().Config("--device", "cuda", "--scale", "paper", "--overlapped-teacher-step", "false");
        Assert.False(off.Options().OverlappedTeacher);
        Assert.Equal(CudaFastPaths.All with { OverlappedTeacherStep = false }, off.Paths);
        Assert.False(HeldOutDigitConfig.Paper.Options().OverlappedTeacher);
        var cpu = Assert.Throws<ArgumentException>(() => new HeldOutDigitCommand().Config("--scale", "smoke", "--overlapped-teacher-step", "true"));
        Assert.Contains("--overlapped-teacher-step: a second stream is a CUDA stream", cpu.Message);
    }

    [Fact]
    public void Concurrent_students_follow_their_switch_and_may_be_asked_for_on_the_cpu()
    {
        Assert.True(Cuda.Paths.ConcurrentStudents);
        var off = new HeldOutDigitCommand().Config("--device", "cuda", "--scale", "paper", "--concurrent-students", "false");
        Assert.Equal(CudaFastPaths.All with { ConcurrentStudents = false }, off.Paths);
        Assert.DoesNotContain("students side by side", off.Paths.ToString());
        Assert.False(new HeldOutDigitCommand().Config("--scale", "smoke").Paths.ConcurrentStudents);
        // On the CPU the students take turns: allowed, the same values, no gain.
        var cpu = new HeldOutDigitCommand().Config("--scale", "smoke", "--concurrent-students", "true");
        Assert.Equal(CudaFastPaths.Off with { ConcurrentStudents = true }, cpu.Paths);
    }

    [Fact]
    public void A_record_says_fused_norms_only_where_the_shim_was_built_with_the_kernels()
    {
        var asRun = CudaFastPaths.All.AsRun();
        Assert.Equal(F.FusedNormKernels, asRun.FusedNormStep);
        Assert.Equal(CudaFastPaths.All, asRun with { FusedNormStep = true });
        Assert.Equal(CudaFastPaths.Off, CudaFastPaths.Off.AsRun());
    }

    [Fact]
    public void The_bf16_teacher_and_channels_last_step_are_on_for_cuda_and_may_be_asked_for_on_the_cpu()
    {
        Assert.True(Cuda.Options().Bf16Teacher);
        Assert.True(Cuda.Options().ChannelsLast);
        var off = new HeldOutDigitCommand().Config("--device", "cuda", "--scale", "paper", "--bf16-teacher-step", "false", "--channels-last-step", "false");
        Assert.Equal(CudaFastPaths.All with { Bf16TeacherStep = false, ChannelsLastStep = false }, off.Paths);
        Assert.False(off.Options().Bf16Teacher);
        Assert.False(off.Options().ChannelsLast);
        Assert.EndsWith("bf16 autocast, fused norms, teacher on a second stream; students side by side", off.Paths.ToString());
        // Both run on the CPU too (the teacher's BFloat16 copy as sampling's does): a CPU lab may ask for them.
        var cpu = new HeldOutDigitCommand().Config("--scale", "smoke", "--bf16-teacher-step", "true", "--channels-last-step", "true");
        Assert.Equal(CudaFastPaths.Off with { Bf16TeacherStep = true, ChannelsLastStep = true }, cpu.Paths);
    }

    [Fact]
    public void The_ablation_studies_take_the_same_paths_and_switches()
    {
        var cuda = new AblationsCommand().Config("--study", "images", "--scale", "paper", "--device", "cuda");
        Assert.Equal(CudaFastPaths.All, cuda.Paths);
        Assert.Equal((true, DType.BFloat16), (cuda.Options.CudaGraph, cuda.Options.Autocast));
        var noBf16Step = new AblationsCommand().Config("--study", "family-teacher", "--scale", "paper", "--device", "cuda", "--bf16-step", "false");
        Assert.Equal((true, (DType?)null), (noBf16Step.Options.CudaGraph, noBf16Step.Options.Autocast));
        Assert.True(noBf16Step.Paths.Bf16Sampling);
        var cpu = AblationConfig.Quick;
        Assert.Equal(CudaFastPaths.Off, cpu.Paths);
        Assert.Equal((false, (DType?)null), (cpu.Options.CudaGraph, cpu.Options.Autocast));
    }

    [Fact]
    public void The_distillation_table_takes_the_paths_of_its_verb_and_cuda_graph_is_shorthand_for_all()
    {
        var cuda = new DistillationTableCommand().Config("--scale", "paper", "--device", "cuda");
        Assert.Equal(CudaFastPaths.All, cuda.FastPaths);
        Assert.Equal((true, DType.BFloat16), (cuda.Options(ReplacementProbability.Off).CudaGraph, cuda.Options(ReplacementProbability.Off).Autocast));
        var noBf16 = new DistillationTableCommand().Config("--scale", "paper", "--device", "cuda", "--bf16", "false");
        Assert.Equal(CudaFastPaths.All with { Bf16Sampling = false, Bf16Step = false, Bf16TeacherStep = false }, noBf16.FastPaths);
        Assert.Null(noBf16.Options(ReplacementProbability.Off).Autocast);

        Assert.Equal(CudaFastPaths.Off, DistillationTableConfig.Quick.FastPaths);
        Assert.Equal(CudaFastPaths.All, (DistillationTableConfig.Quick with { CudaGraph = true }).FastPaths);
        Assert.True((DistillationTableConfig.Quick with { CudaGraph = true }).CudaGraph);
        Assert.Equal(CudaFastPaths.Off, (DistillationTableConfig.Quick with { CudaGraph = false }).FastPaths);
    }

    [Fact]
    public void A_record_says_which_paths_ran_and_records_without_them_still_load()
    {
        var path = RepoPaths.Results("held-out-digit-paper-label-digit7-cuda.json");
        var loaded = HeldOutDigitResult.Load(path);
        Assert.Null(loaded.FastPaths);
        Assert.Null(loaded.StepPrecision);
        var check = new StepPrecisionCheck("rc", 256, 0.5, 0.501, 0.4, 0.4004, 0.1, 0.1006, 0.006, StepPrecisionCheck.DefaultTolerance);
        var copy = Path.Combine(Path.GetTempPath(), $"held-out-digit-{Guid.NewGuid():N}.json");
        try
        {
            (loaded with { FastPaths = CudaFastPaths.All with { Bf16Step = false }, StepPrecision = check }).Write(copy);
            var json = JsonNode.Parse(File.ReadAllText(copy))!.AsObject();
            Assert.False((bool)json["fast_paths"]!["bf16_step"]!);
            Assert.True((bool)json["fast_paths"]!["graphed_sampling"]!);
            var back = HeldOutDigitResult.Load(copy);
            Assert.Equal(CudaFastPaths.All with { Bf16Step = false }, back.FastPaths);
            Assert.Equal(check, back.StepPrecision);
            Assert.True(back.StepPrecision!.Tracks);
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
