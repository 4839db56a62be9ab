using RandCond.Diffusion.Text;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion.Text;

public class TextEncoderTests
{
    private static TextEncoderConfig Config => new() { VocabSize = 20, MaxLength = 6, Width = 16, Layers = 2, Heads = 2, MlpMultiplier = 2 };

    private static Tensor Tokens() => Torch.FromArray(new long[] { 3, 7, 5, 9, 0, 0, 4, 11, 0, 0, 0, 0 }, [2, 6]);

    [Fact]
    public void ProducesContextAndPaddingMask()
    {
        Torch.ManualSeed(0);
        using var encoder = new TextEncoder(Config);
        using var scope = Torch.NewDisposeScope();
        var text = encoder.Forward(Tokens());
        Assert.Equal(new long[] { 2, 6, 16 }, text.Context.Shape);
        Assert.Equal(new[] { true, true, true, true, false, false, true, true, false, false, false, false }, text.Mask.ToArray<bool>());
        var shorter = encoder.Forward(Tokens().Narrow(1, 0, 4));
        Assert.Equal(new long[] { 2, 4, 16 }, shorter.Context.Shape);
    }

    [Fact]
    public void RealTokensIgnoreWhatIsInThePadding()
    {
        Torch.ManualSeed(1);
        using var encoder = new TextEncoder(Config);
        encoder.Eval();
        using var scope = Torch.NewDisposeScope();
        var mask = Tokens().Ne(0);
        var other = Tokens().Clone();
        other.IndexPutInPlace([mask.LogicalNot()], Torch.FromArray(new long[] { 13 }));
        var a = encoder.Forward(Tokens(), mask).Context.Narrow(1, 0, 2).ToArray<float>();
        var b = encoder.Forward(other, mask).Context.Narrow(1, 0, 2).ToArray<float>();
        Assert.Equal(a, b);
        var unmasked = encoder.Forward(other, Torch.Ones([2, 6], DType.Bool)).Context.Narrow(1, 0, 2).ToArray<float>();
        Assert.NotEqual(a, unmasked);
    }

    [Fact]
    public void AllPaddingTextGivesFiniteContext()
    {
        using var encoder = new TextEncoder(Config);
        using var scope = Torch.NewDisposeScope();
        var text = encoder.Forward(Torch.Zeros([1, 6], DType.Int64));
        Assert.All(text.Context.ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void FreezeStopsGradientsAndDropout()
    {
        using var encoder = new TextEncoder(Config with { Dropout = 0.5 });
        Assert.Same(encoder, encoder.Freeze());
        Assert.All(encoder.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.False(encoder.Training);
        using var scope = Torch.NewDisposeScope();
        var a = encoder.Forward(Tokens()).Context;
        Assert.False(a.RequiresGrad);
        Assert.Equal(a.ToArray<float>(), encoder.Forward(Tokens()).Context.ToArray<float>());
    }

    [Fact]
    public void ParameterCountAndMacsMatchAHandCount()
    {
        using var encoder = new TextEncoder(Config);
        long d = 16, layer = 2 * 2 * d                  // two LayerNorms
                             + 3 * d * d + d * d + d      // q, k, v (no bias), out
                             + d * 2 * d + 2 * d + 2 * d * d + d; // MLP
        Assert.Equal(20 * d + 6 * d + 2 * layer + 2 * d, encoder.ParameterCount);
        long l = 5, macs = 4 * d * d * l + 2 * l * l * d + 2 * 2 * d * d * l;
        Assert.Equal(2 * macs, encoder.Macs(l));
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        using var encoder = new TextEncoder(Config);
        using var scope = Torch.NewDisposeScope();
        Assert.Contains("1 <= L <= 6", Assert.Throws<ArgumentException>(() => encoder.Forward(Torch.Zeros([1, 7], DType.Int64))).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => encoder.Forward(Torch.Zeros([1, 3]))).Message);
        Assert.Contains("TextEncoderConfig.Heads", Assert.Throws<ArgumentException>(() => (Config with { Heads = 3 }).Validate()).Message);
    }
}
