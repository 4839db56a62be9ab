using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion.UNet;

public class UNetShapeTests
{
    [Theory]
    [InlineData(Conditioning.Text, 28)]
    [InlineData(Conditioning.Class, 28)]
    [InlineData(Conditioning.None, 28)]
    [InlineData(Conditioning.Text, 32)]
    [InlineData(Conditioning.Class, 32)]
    [InlineData(Conditioning.None, 32)]
    public void OutputHasTheInputShape(Conditioning conditioning, long size)
    {
        Torch.ManualSeed(0);
        var config = TinyNets.Config(conditioning) with { ZeroInitOutput = false };
        using var net = new UNetModel(config);
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, size, size]);
        var t = Torch.FromArray(new long[] { 10, 900 });
        Tensor y;
        switch (conditioning)
        {
            case Conditioning.Text:
                using (var encoder = new TextEncoder(TinyNets.TextConfig))
                {
                    var text = encoder.Forward(TinyNets.Tokens());
                    y = net.Forward(x, t, text.Context, text.Mask);
                }
                break;
            case Conditioning.Class:
                y = net.Forward(x, t, classLabels: Torch.FromArray(new long[] { 3, config.NullClass }));
                break;
            default:
                y = net.Forward(x, t);
                break;
        }
        Assert.Equal(new long[] { 2, 1, size, size }, y.Shape);
        Assert.True(y.Abs().Sum().Item() > 0);
        Assert.False(double.IsNaN(y.Sum().Item()));
    }

    [Fact]
    public void EveryNamedBlockIsCapturedWithItsDocumentedShape()
    {
        Torch.ManualSeed(0);
        var config = TinyNets.Config(Conditioning.Text);
        using var net = new UNetModel(config);
        using var encoder = new TextEncoder(TinyNets.TextConfig);
        using var scope = Torch.NewDisposeScope();
        var text = encoder.Forward(TinyNets.Tokens());
        using var capture = FeatureCapture.All();
        var y = net.Forward(Torch.Randn([2, 1, 28, 28]), Torch.FromArray(new long[] { 1, 2 }), text.Context, text.Mask, capture: capture);

        var blocks = net.Describe(28, 28, 6);
        Assert.Equal(blocks.Select(b => b.Name), net.BlockNames);
        Assert.Equal(blocks.Select(b => b.Name).OrderBy(n => n), capture.Features.Keys.OrderBy(n => n));
        foreach (var b in blocks)
            Assert.True(b.Shape(2).SequenceEqual(capture[b.Name].Shape), $"{b.Name}: documented [{string.Join(", ", b.Shape(2))}], captured {capture[b.Name].Describe()}");
        Assert.Equal(y.ToArray<float>(), capture["out"].ToArray<float>());
        Assert.Equal(new long[] { 2, 8, 28, 28 }, capture["out.hidden"].Shape);
        Assert.Equal(new long[] { 2, 16, 7, 7 }, capture["mid"].Shape);
        Assert.Equal(new long[] { 2, 16, 14, 14 }, capture["up.2.out"].Shape); // after its upsample 7 -> 14
        Assert.Equal(new long[] { 2, 16, 7, 7 }, capture["down.1.out"].Shape); // after its downsample 14 -> 7
    }

    [Fact]
    public void CaptureKeepsOnlyRequestedNamesAndRejectsUnknownOnes()
    {
        Torch.ManualSeed(0);
        using var net = new UNetModel(TinyNets.Config(Conditioning.None));
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([1, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 5 });
        using var capture = new FeatureCapture(["down.0.out", "out.hidden"]);
        net.Forward(x, t, capture: capture);
        Assert.Equal(new[] { "down.0.out", "out.hidden" }, capture.Features.Keys.OrderBy(k => k));
        Assert.True(capture["down.0.out"].RequiresGrad);

        using var bad = new FeatureCapture(["down.0.res.1"]);
        var e = Assert.Throws<ArgumentException>(() => net.Forward(x, t, capture: bad));
        Assert.Contains("unknown block names down.0.res.1", e.Message);
    }

    [Fact]
    public void WrongConditioningInputsAreRejectedClearly()
    {
        using var text = new UNetModel(TinyNets.Config(Conditioning.Text));
        using var cls = new UNetModel(TinyNets.Config(Conditioning.Class));
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 1, 2 });
        Assert.Contains("Text conditioning needs (2, L, 16)", Assert.Throws<ArgumentException>(() => text.Forward(x, t)).Message);
        Assert.Contains("Class conditioning needs Int64 (2)", Assert.Throws<ArgumentException>(() => cls.Forward(x, t)).Message);
        Assert.Contains("text context was given", Assert.Throws<ArgumentException>(() =>
            cls.Forward(x, t, Torch.Zeros([2, 3, 16]), classLabels: Torch.FromArray(new long[] { 1, 2 }))).Message);
        Assert.Contains("multiples of 4", Assert.Throws<ArgumentException>(() =>
            cls.Forward(Torch.Randn([2, 1, 30, 30]), t, classLabels: Torch.FromArray(new long[] { 1, 2 }))).Message);
    }

    [Fact]
    public void ConfigErrorsNameTheField()
    {
        var config = TinyNets.Config(Conditioning.None);
        Assert.Contains("UNetConfig.GroupNormGroups", Assert.Throws<ArgumentException>(() => (config with { GroupNormGroups = 3 }).Validate()).Message);
        Assert.Contains("UNetConfig.BlocksPerStage", Assert.Throws<ArgumentException>(() => (config with { BlocksPerStage = [1, 1] }).Validate()).Message);
        Assert.Contains("UNetConfig.ContextDim", Assert.Throws<ArgumentException>(() => (config with { Conditioning = Conditioning.Text }).Validate()).Message);
        Assert.Contains("UNetConfig.AttentionHeads", Assert.Throws<ArgumentException>(() => (config with { AttentionHeads = 3 }).Validate()).Message);
    }
}
