using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Label;
using RandCond.Diffusion.Sampling;
using RandCond.Distillation;
using RandCond.Tensors;
using RandCond.Tests.Distillation.RandomConditioning;
using Xunit;

namespace RandCond.Tests.Diffusion;

/// <summary>
/// <see cref="GuidedBatchSampler"/> on the CPU: its eager float32 path is the guided walk the labs always ran, a bf16-weight
/// or channels-last copy leaves the model alone and stays close to it, and a CUDA graph is refused off a CUDA device.
/// </summary>
public sealed class GuidedBatchSamplerTests
{
    private static readonly CaptionCorpus Corpus = CaptionCorpus.Full(DatasetKind.Mnist);

    private static (Tensor Noise, Tensor Tokens, Tensor Null) Batch(int n)
    {
        using var generator = new Generator(9);
        var noise = GaussianNoise.Sample([n, 1, 28, 28], DType.Float32, Device.CPU, generator);
        var tokens = Corpus.Encode(RcTestNets.Tokenizer, RcTestNets.CaptionLength).Narrow(0, 0, n);
        return (noise, tokens, RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength).Reshape(-1));
    }

    private static Tensor Sample(TextDiffusionModel model, SamplingPaths paths, Tensor noise, Tensor tokens, Tensor nul)
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var walker = new GuidedBatchSampler(model, new DdimSampler(schedule, 3), nul, 3.0, paths);
        return walker.Sample(noise, tokens);
    }

    [Fact]
    public void The_eager_float32_path_is_the_guided_walk_bit_for_bit()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = RcTestNets.Teacher();
        var (noise, tokens, nul) = Batch(3);
        using var schedule = NoiseSchedule.Linear(1000);
        var expected = new DdimSampler(schedule, 3).Sample(
            ClassifierFreeGuidance.Bind(teacher, tokens, nul.Reshape(1, -1).Expand([3, nul.Size(0)]).Contiguous(), 3.0), noise);

        var actual = Sample(teacher, SamplingPaths.Eager, noise, tokens, nul);

        Assert.True((actual - expected).Abs().Max().Item() == 0, "the eager path changed the images");
    }

    [Fact]
    public void A_bf16_weight_copy_samples_in_float32_close_to_the_model_and_leaves_the_model_as_it_was()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = RcTestNets.Teacher();
        var (noise, tokens, nul) = Batch(4);
        var reference = Sample(teacher, SamplingPaths.Eager, noise, tokens, nul);

        var bf16 = Sample(teacher, new SamplingPaths(Graph: false, Bf16Weights: true, ChannelsLast: true), noise, tokens, nul);

        Assert.Equal(DType.Float32, bf16.DType);
        Assert.Equal(reference.Shape, bf16.Shape);
        double difference = (bf16 - reference).Abs().Mean().Item(), size = reference.Abs().Mean().Item();
        Assert.True(difference > 0, "the bf16 copy sampled exactly the float32 images: it did not run in bf16");
        Assert.True(difference < 0.1 * size, $"bf16 images are {difference:g3} (mean absolute) from float32's, whose mean size is {size:g3}");
        Assert.All(teacher.Parameters(), p => Assert.Equal(DType.Float32, p.Data.DType));
        var again = Sample(teacher, SamplingPaths.Eager, noise, tokens, nul);
        Assert.True((again - reference).Abs().Max().Item() == 0, "sampling through a copy changed the model");
    }

    [Fact]
    public void A_channels_last_copy_samples_what_the_model_samples()
    {
        using var scope = Torch.NewDisposeScope();
        using var teacher = RcTestNets.Teacher();
        var (noise, tokens, nul) = Batch(2);
        var reference = Sample(teacher, SamplingPaths.Eager, noise, tokens, nul);
        var channelsLast = Sample(teacher, new SamplingPaths(false, false, ChannelsLast: true), noise, tokens, nul);
        // Only rounding differs: NHWC convolutions sum in another order, and guidance (x3) and the walk amplify it.
        double largest = (channelsLast - reference).Abs().Max().Item(), mean = (channelsLast - reference).Abs().Mean().Item();
        Assert.True(largest < 5e-3 && mean < 1e-4, $"channels-last images differ from NCHW ones by up to {largest:g3} ({mean:g3} on average)");
    }

    [Fact]
    public void A_label_conditioned_model_samples_through_a_bf16_copy()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(2);
        var label = new LabelEncoderConfig { Classes = 10, Width = 16, ClassOfToken = CaptionClasses.ClassOfToken(RcTestNets.Tokenizer, Corpus) };
        using var model = new TextDiffusionModel(label, RcTestNets.Net);
        model.RequiresGrad(false);
        var (noise, tokens, nul) = Batch(2);
        var reference = Sample(model, SamplingPaths.Eager, noise, tokens, nul);
        var bf16 = Sample(model, new SamplingPaths(false, Bf16Weights: true, ChannelsLast: false), noise, tokens, nul);
        double difference = (bf16 - reference).Abs().Mean().Item();
        Assert.True(difference > 0 && difference < 0.1 * reference.Abs().Mean().Item(), $"label model: bf16 images {difference:g3} from float32's");
    }

    [Fact]
    public void A_cuda_graph_off_a_cuda_device_is_refused_by_name()
    {
        using var teacher = RcTestNets.Teacher();
        using var schedule = NoiseSchedule.Linear(1000);
        using var nul = RcTestNets.Tokenizer.NullTokens(1, RcTestNets.CaptionLength);
        var e = Assert.Throws<ArgumentException>(() => new GuidedBatchSampler(teacher, new DdimSampler(schedule, 2), nul, 3.0, new SamplingPaths(true, false, false)));
        Assert.Contains("SamplingPaths.Graph", e.Message);
    }

    [Fact]
    public void Defaults_are_all_on_for_cuda_and_all_off_on_the_cpu()
    {
        Assert.Equal(new SamplingPaths(true, true, true), SamplingPaths.For(Device.CUDA()));
        Assert.Equal(SamplingPaths.Eager, SamplingPaths.For(Device.CPU));
        Assert.Equal(new SamplingPaths(false, false, false), SamplingPaths.Eager);
    }

    [Fact]
    public void Only_bf16_weights_change_the_cache_key_of_generated_images()
    {
        var captions = Corpus.Excluding(ConceptGroups.Digit(3));
        var recipe = new ImageSetRecipe(PerClass: 3, SamplingSteps: 2);
        string key = GeneratedImageSet.CacheKey("teacher", captions, recipe);
        Assert.Equal(key, GeneratedImageSet.CacheKey("teacher", captions, recipe, SamplingPaths.Eager));
        Assert.Equal(key, GeneratedImageSet.CacheKey("teacher", captions, recipe, new SamplingPaths(Graph: true, Bf16Weights: false, ChannelsLast: true)));
        Assert.NotEqual(key, GeneratedImageSet.CacheKey("teacher", captions, recipe, new SamplingPaths(false, Bf16Weights: true, ChannelsLast: false)));
    }
}
