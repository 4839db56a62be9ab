using RandCond.Tests.Tensors;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion.UNet;

public class UNetTrainingTests
{
    [Fact]
    public void AdamWStepsReduceTheErrorToAFixedTarget()
    {
        Torch.ManualSeed(1);
        using var net = new UNetModel(TinyNets.Config(Conditioning.Text));
        using var encoder = new TextEncoder(TinyNets.TextConfig);
        using var opt = new AdamW(net.NamedParameters().Concat(encoder.NamedParameters()), lr: 3e-3);
        using var x = Torch.Randn([2, 1, 16, 16]);
        using var target = Torch.Randn([2, 1, 16, 16]);
        using var t = Torch.FromArray(new long[] { 100, 700 });
        using var tokens = TinyNets.Tokens();
        var losses = new List<double>();
        for (int step = 0; step < 20; step++)
        {
            using var scope = Torch.NewDisposeScope();
            var text = encoder.Forward(tokens);
            var loss = F.MseLoss(net.Forward(x, t, text.Context, text.Mask), target);
            losses.Add(loss.Item());
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        Assert.True(losses[^1] < 0.6 * losses[0], $"loss went from {losses[0]:F4} to {losses[^1]:F4}");
    }

    [Fact]
    public void GradientsReachTheTextEncoderThroughCrossAttentionButNotItsPadding()
    {
        Torch.ManualSeed(2);
        using var net = new UNetModel(TinyNets.Config(Conditioning.Text) with { ZeroInitOutput = false });
        using var encoder = new TextEncoder(TinyNets.TextConfig);
        using var scope = Torch.NewDisposeScope();
        var text = encoder.Forward(TinyNets.Tokens());
        var y = net.Forward(Torch.Randn([2, 1, 16, 16]), Torch.FromArray(new long[] { 3, 4 }), text.Context, text.Mask);
        y.Square().Mean().Backward();
        var grad = encoder.TokenEmbedding.Weight.Grad!;
        double Row(long id) => grad[id].Abs().Sum().Item();
        foreach (long used in new long[] { 3, 7, 5, 9, 4, 11 }) Assert.True(Row(used) > 0, $"token {used} got no gradient");
        Assert.Equal(0, Row(0));  // padding is masked in the encoder's and the U-Net's attention
        Assert.Equal(0, Row(12)); // unused token
        Assert.True(encoder.PositionEmbedding.Grad!.Abs().Sum().Item() > 0);
    }

    [Fact]
    public void PaddedContextPositionsDoNotChangeTheOutput()
    {
        Torch.ManualSeed(3);
        using var net = new UNetModel(TinyNets.Config(Conditioning.Text) with { ZeroInitOutput = false });
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 3, 4 });
        var context = Torch.Randn([2, 5, 16]);
        var mask = Torch.FromArray(new[] { true, true, true, false, false, true, false, false, false, false }, [2, 5]);
        var other = context.Clone();
        other.Narrow(1, 3, 2).CopyFrom(Torch.Randn([2, 2, 16]));
        var a = net.Forward(x, t, context, mask).ToArray<float>();
        var b = net.Forward(x, t, other, mask).ToArray<float>();
        var unmasked = net.Forward(x, t, other).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, unmasked);
    }

    [Fact]
    public void EvalModeIsDeterministicAndTrainModeAppliesDropout()
    {
        Torch.ManualSeed(4);
        using var net = new UNetModel(TinyNets.Config(Conditioning.Class) with { Dropout = 0.3, ZeroInitOutput = false });
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 3, 4 });
        var labels = Torch.FromArray(new long[] { 1, 10 });
        net.Train();
        Assert.NotEqual(net.Forward(x, t, classLabels: labels).ToArray<float>(), net.Forward(x, t, classLabels: labels).ToArray<float>());
        net.Eval();
        Assert.Equal(net.Forward(x, t, classLabels: labels).ToArray<float>(), net.Forward(x, t, classLabels: labels).ToArray<float>());
    }

    [Fact]
    public void StateDictRoundTripsThroughSafetensors()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rc-unet-").FullName, "unet.safetensors");
        var config = TinyNets.Config(Conditioning.Text) with { ZeroInitOutput = false };
        Torch.ManualSeed(5);
        using var a = new UNetModel(config);
        Torch.ManualSeed(6);
        using var b = new UNetModel(config);
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, 28, 28]);
        var t = Torch.FromArray(new long[] { 3, 4 });
        var context = Torch.Randn([2, 5, 16]);
        var ya = a.Forward(x, t, context).ToArray<float>();
        Assert.NotEqual(ya, b.Forward(x, t, context).ToArray<float>());
        Safetensors.Save(path, a.StateDict());
        using (var loaded = Safetensors.Load(path)) b.LoadStateDict(loaded.Tensors);
        Assert.Equal(ya, b.Forward(x, t, context).ToArray<float>());
    }

    [Fact]
    public void TrainingStepsWithFeatureCaptureLeakNoTensors()
    {
        Torch.ManualSeed(7);
        using var net = new UNetModel(TinyNets.Config(Conditioning.Text));
        using var encoder = new TextEncoder(TinyNets.TextConfig);
        using var opt = new AdamW(net.NamedParameters().Concat(encoder.NamedParameters()), lr: 1e-3);
        using var x = Torch.Randn([2, 1, 12, 12]);
        using var t = Torch.FromArray(new long[] { 100, 700 });
        using var tokens = TinyNets.Tokens();
        using var capture = new FeatureCapture(["down.1.out", "mid", "out.hidden"]);
        void Step()
        {
            using var scope = Torch.NewDisposeScope();
            var text = encoder.Forward(tokens);
            var y = net.Forward(x, t, text.Context, text.Mask, capture: capture);
            var loss = y.Square().Mean() + capture["mid"].Square().Mean() + capture["out.hidden"].Abs().Mean();
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        Step(); // optimizer state and gradients exist from here on
        long live = LiveTensors.Settled();
        for (int i = 0; i < 20; i++) Step();
        Assert.Equal(live, Tensor.LiveCount);
        capture.Clear();
        Assert.Equal(live - 3, Tensor.LiveCount);
    }
}
