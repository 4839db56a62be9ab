using RandCond.Nn;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Nn;

public class OptimizerTests
{
    private sealed class Single : Module
    {
        public readonly Parameter W;
        public Single(double[] values) => W = RegisterParameter("w", Torch.FromArray(values));
    }

    [Fact]
    public void AdamWMatchesTheAlgorithmByHand()
    {
        using var m = new Single([1.0, -2.0]);
        using var opt = new AdamW(m, lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5);
        double[] p = [1.0, -2.0], mom = [0, 0], vel = [0, 0];
        for (int step = 1; step <= 3; step++)
        {
            using (var scope = Torch.NewDisposeScope())
            {
                var loss = (m.W.Data.Pow(3) * 0.5).Sum();   // grad = 1.5 w^2
                loss.Backward();
            }
            opt.Step();
            opt.ZeroGrad();
            for (int i = 0; i < 2; i++)
            {
                double g = 1.5 * p[i] * p[i];
                p[i] *= 1 - 0.1 * 0.5;
                mom[i] = 0.9 * mom[i] + 0.1 * g;
                vel[i] = 0.99 * vel[i] + 0.01 * g * g;
                double mh = mom[i] / (1 - Math.Pow(0.9, step)), vh = vel[i] / (1 - Math.Pow(0.99, step));
                p[i] -= 0.1 * mh / (Math.Sqrt(vh) + 1e-8);
            }
        }
        var got = m.W.Data.ToArray<double>();
        for (int i = 0; i < 2; i++) Assert.Equal(p[i], got[i], 12);
        Assert.Equal(3, opt.StepCount);
    }

    [Fact]
    public void AdamWStateRoundTripsAndResumesIdentically()
    {
        double[] init = [0.5, 1.5, -1.0];
        void Steps(Single m, AdamW o, int n)
        {
            for (int k = 0; k < n; k++)
            {
                using (var s = Torch.NewDisposeScope()) m.W.Data.Square().Sum().Backward();
                o.Step();
                o.ZeroGrad();
            }
        }
        using var a = new Single(init);
        using var oa = new AdamW(a, lr: 0.05);
        Steps(a, oa, 6);

        using var b = new Single(init);
        using var ob = new AdamW(b, lr: 0.05);
        Steps(b, ob, 3);
        var (tensors, meta) = ob.StateDict();
        var path = Path.Combine(Directory.CreateTempSubdirectory("rc-opt-").FullName, "opt.safetensors");
        Safetensors.Save(path, tensors, meta);
        using var c = new Single([0, 0, 0]);
        c.LoadStateDict(b.StateDict());
        using var oc = new AdamW(c, lr: 0.05);
        using (var loaded = Safetensors.Load(path)) oc.LoadStateDict(loaded.Tensors, loaded.Metadata);
        Steps(c, oc, 3);
        Assert.Equal(a.W.Data.ToArray<double>(), c.W.Data.ToArray<double>());
    }

    [Fact]
    public void ClipGradNormScalesToTheLimitAndReportsTheNorm()
    {
        using var m = new Single([3.0, 4.0]);
        using (var s = Torch.NewDisposeScope()) (m.W.Data * m.W.Data.Detach()).Sum().Backward(); // grad = w = (3, 4), norm 5
        using var norm = GradClip.ClipGradNorm(m.Parameters(), 1.0);
        Assert.Equal(5.0, norm.Item(), 1e-6);
        using var g = m.W.Grad!;
        var v = g.ToArray<double>();
        Assert.Equal(0.6, v[0], 1e-5);
        Assert.Equal(0.8, v[1], 1e-5);
    }

    [Fact]
    public void EmaFollowsTheRecurrence()
    {
        using var model = new Single([1.0, 2.0]);
        using var avg = new Single([0.0, 0.0]);
        var ema = new Ema(model, avg, decay: 0.9);
        Assert.Equal(new[] { 1.0, 2.0 }, avg.W.Data.ToArray<double>());
        using (Torch.NoGrad()) model.W.Data.FillInPlace(11.0);
        ema.Update();
        var v = avg.W.Data.ToArray<double>();
        Assert.Equal(0.9 * 1 + 0.1 * 11, v[0], 12);
        Assert.Equal(0.9 * 2 + 0.1 * 11, v[1], 12);
        Assert.False(avg.W.RequiresGrad);
    }

    [Fact]
    public void CapturableAdamWFollowsTheSameUpdateFromDeviceScalars()
    {
        using var a = new Single([1.0, -2.0, 0.25]);
        using var b = new Single([1.0, -2.0, 0.25]);
        using var plain = new AdamW(a, lr: 0.1, weightDecay: 0.5);
        using var capturable = new AdamW(b, lr: 0.1, weightDecay: 0.5, capturable: true);
        Assert.True(capturable.Capturable);
        for (int step = 0; step < 5; step++)
        {
            foreach (var (m, o) in new[] { (a, plain), (b, capturable) })
            {
                o.LearningRate = 0.1 / (1 + step);   // a changing rate must reach the device copy
                using (var scope = Torch.NewDisposeScope()) (m.W.Data.Pow(3) * 0.5).Sum().Backward();
                o.Step();
                o.ZeroGrad();
            }
        }
        var (want, got) = (a.W.Data.ToArray<double>(), b.W.Data.ToArray<double>());
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], 12);
        Assert.Equal("5", capturable.StateDict().Metadata["step"]);
    }

    [Fact]
    public void EmaWithADeviceDecayEqualsTheWarmedUpUpdate()
    {
        using var model = new Single([1.0, 2.0]);
        using var avgA = new Single([0.0, 0.0]);
        using var avgB = new Single([0.0, 0.0]);
        var a = new Ema(model, avgA, decay: 0.999);
        var b = new Ema(model, avgB, decay: 0.999);
        using (Torch.NoGrad()) model.W.Data.FillInPlace(7.0);
        a.Update(3);
        using var decay = Torch.Scalar(b.DecayAt(3), DType.Float64);
        b.Update(decay);
        Assert.Equal(4.0 / 13.0, b.DecayAt(3), 12);
        var (want, got) = (avgA.W.Data.ToArray<double>(), avgB.W.Data.ToArray<double>());
        for (int i = 0; i < 2; i++) Assert.Equal(want[i], got[i], 12);
    }

    [Fact]
    public void LearningRateScheduleWarmsUpThenHoldsOrDecaysToZero()
    {
        var constant = new LearningRateSchedule(1.0, 10);
        var cosine = new LearningRateSchedule(1.0, 10, Cosine: true);
        Assert.Equal(0.1, constant.At(0, 100), 12);
        Assert.Equal(1.0, constant.At(9, 100), 12);
        Assert.Equal(1.0, constant.At(99, 100), 12);
        Assert.Equal(0.5, cosine.At(4, 100), 12);
        Assert.Equal(0.5, cosine.At(54, 100), 0.05);
        Assert.Equal(0.0, cosine.At(99, 100), 12);
        Assert.True(cosine.At(30, 100) > cosine.At(60, 100));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.ParseCosine("linear"));
    }
}
