using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;
using RandCond.Tests.Diffusion.UNet;
using Xunit;

namespace RandCond.Tests.Diffusion;

/// <summary><see cref="FrozenCopy"/>: the copy predicts what the model does, in x_t's dtype and the standard layout.</summary>
public class FrozenCopyTests
{
    private static TextDiffusionModel Tiny()
    {
        Torch.ManualSeed(5);
        var model = new TextDiffusionModel(TinyNets.TextConfig, TinyNets.Config(Conditioning.Text) with { ZeroInitOutput = false });
        model.RequiresGrad(false);
        model.Eval();
        return model;
    }

    [Theory]
    [InlineData(false, false, 1e-6)]
    [InlineData(false, true, 1e-5)]
    [InlineData(true, true, 0.1)]
    public void The_copy_predicts_the_models_noise_in_float32_and_a_contiguous_layout(bool bf16, bool channelsLast, double tolerance)
    {
        using var scope = Torch.NewDisposeScope();
        using var model = Tiny();
        using var copy = new FrozenCopy(model, bf16, channelsLast);
        Assert.Equal(bf16 ? DType.BFloat16 : DType.Float32, copy.DType);
        Torch.ManualSeed(6);
        var xt = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 10, 600 }, [2]);
        var tokens = Torch.FromArray(new long[] { 1, 2, 3, 0, 0, 0, 4, 5, 0, 0, 0, 0 }, [2, 6]);
        var reference = model.Predict(xt, t, tokens);
        var predicted = copy.Predict(xt, t, tokens);
        Assert.Equal(DType.Float32, predicted.DType);
        Assert.True(predicted.IsContiguous(), "the copy's prediction is not contiguous");
        double difference = (predicted - reference).Abs().Max().Item(), size = reference.Abs().Mean().Item();
        Assert.True(difference <= tolerance * Math.Max(1, size), $"the copy's prediction is {difference:g3} from the model's (mean size {size:g3})");
        if (bf16) Assert.True(difference > 0, "the bf16 copy predicted exactly float32's: it did not run in bf16");
        Assert.All(model.Parameters(), p => Assert.Equal(DType.Float32, p.Data.DType));
    }

    [Fact]
    public void The_copy_offers_the_same_features_as_the_model_in_its_own_dtype()
    {
        using var scope = Torch.NewDisposeScope();
        using var model = Tiny();
        using var copy = new FrozenCopy(model, bf16Weights: false, channelsLast: false);
        using var bf16 = new FrozenCopy(model, bf16Weights: true, channelsLast: true);
        Torch.ManualSeed(6);
        var xt = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 10, 600 }, [2]);
        var tokens = Torch.FromArray(new long[] { 1, 2, 3, 0, 0, 0, 4, 5, 0, 0, 0, 0 }, [2, 6]);
        string[] names = ["mid", "in"];
        using var fromModel = new FeatureCapture(names);
        using var fromCopy = new FeatureCapture(names);
        using var fromBf16 = new FeatureCapture(names);
        model.Forward(xt, t, tokens, fromModel);
        copy.Forward(xt, t, tokens, fromCopy);
        bf16.Forward(xt, t, tokens, fromBf16);
        foreach (var name in names)
        {
            Assert.True((fromModel[name] - fromCopy[name]).Abs().Max().Item() < 1e-5, $"feature {name} differs in the float32 copy");
            Assert.Equal(DType.BFloat16, fromBf16[name].DType);
        }
    }
}
