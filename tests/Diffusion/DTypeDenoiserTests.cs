using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;
using RandCond.Tests.Diffusion.UNet;
using Xunit;

namespace RandCond.Tests.Diffusion;

/// <summary>A BFloat16 copy of a model behind <see cref="DTypeDenoiserExtensions.InDType"/>: float32 in and out, bf16 inside.</summary>
public class DTypeDenoiserTests
{
    private static TextDiffusionModel Tiny()
    {
        Torch.ManualSeed(3);
        var model = new TextDiffusionModel(TinyNets.TextConfig, TinyNets.Config(Conditioning.Text) with { ZeroInitOutput = false });
        model.RequiresGrad(false);
        return model;
    }

    [Fact]
    public void A_bf16_copy_takes_and_returns_float32_and_stays_close_to_the_float32_model()
    {
        using var scope = Torch.NewDisposeScope();
        using var model = Tiny();
        using var copy = Tiny();
        copy.To(DType.BFloat16);
        Assert.All(copy.Parameters(), p => Assert.Equal(DType.BFloat16, p.Data.DType));
        Torch.ManualSeed(4);
        var xt = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 10, 700 }, [2]);
        var tokens = TinyNets.Tokens();

        var expected = model.Predict(xt, t, tokens);
        var actual = copy.InDType(DType.BFloat16).Predict(xt, t, tokens);

        Assert.Equal(DType.Float32, actual.DType);
        // bf16 keeps 8 significant bits, compounded over a few dozen layers: this random net reads 6 % (RMS), the trained
        // Fashion-MNIST teacher 2-3 % (PyTorch, the same comparison).
        double error = (actual - expected).Square().Mean().Sqrt().Item(), size = expected.Square().Mean().Sqrt().Item();
        Assert.True(error > 0, "the bf16 copy returned the float32 model's output exactly: it did not run in bf16");
        Assert.True(error < 0.1 * size, $"bf16 prediction is {error:g3} (RMS) from float32's, whose RMS is {size:g3}");
    }

    [Fact]
    public void Guided_ddim_sampling_through_a_bf16_copy_keeps_its_walk_in_float32()
    {
        using var scope = Torch.NewDisposeScope();
        using var copy = Tiny();
        copy.To(DType.BFloat16);
        using var schedule = NoiseSchedule.Linear(1000);
        var tokens = TinyNets.Tokens();
        var nullTokens = Torch.Zeros([2, 6], DType.Int64);
        var guided = ClassifierFreeGuidance.Bind(copy.InDType(DType.BFloat16), tokens, nullTokens, 3.0);
        Torch.ManualSeed(5);
        var images = new DdimSampler(schedule, 3).Sample(guided, Torch.Randn([2, 1, 28, 28]));
        Assert.Equal(DType.Float32, images.DType);
        double largest = images.Abs().Max().Item();
        Assert.True(double.IsFinite(largest), "bf16 sampling produced non-finite pixels");
    }

    [Fact]
    public void A_non_floating_dtype_is_refused_by_name()
    {
        using var model = Tiny();
        var e = Assert.Throws<ArgumentException>(() => model.InDType(DType.Int64));
        Assert.Contains("Int64", e.Message);
    }
}
