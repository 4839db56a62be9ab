using RandCond.Diffusion;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Diffusion;

public class ParameterizationTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private static double MaxAbs(Tensor a, Tensor b)
    {
        using var d = (a - b).Abs().Max();
        return d.Item();
    }

    [Fact]
    public void ConversionsRoundTrip()
    {
        using var s = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(1);
        var x0 = Torch.Randn([64, 3, 4, 4], g, DType.Float64);
        var eps = Torch.Randn([64, 3, 4, 4], g, DType.Float64);
        var t = Torch.Randint(0, 1000, [64], g);
        var xt = ForwardProcess.QSample(s, x0, t, eps);
        var v = Parameterization.VTarget(s, x0, t, eps);

        Assert.True(MaxAbs(Parameterization.X0FromEpsilon(s, xt, t, eps), x0) < 1e-5);
        Assert.True(MaxAbs(Parameterization.EpsilonFromX0(s, xt, t, x0), eps) < 1e-5);
        Assert.True(MaxAbs(Parameterization.EpsilonFromV(s, xt, t, v), eps) < 1e-5);
        Assert.True(MaxAbs(Parameterization.VFromEpsilon(s, xt, t, eps), v) < 1e-5);
        Assert.True(MaxAbs(Parameterization.X0FromV(s, xt, t, v), x0) < 1e-5);
        Assert.True(MaxAbs(Parameterization.VFromX0(s, xt, t, x0), v) < 1e-5);

        // Round trips on arbitrary predictions (not consistent with x_t): eps -> x0 -> eps, v -> eps -> v.
        var anyEps = Torch.Randn([64, 3, 4, 4], g, DType.Float64);
        var back = Parameterization.EpsilonFromX0(s, xt, t, Parameterization.X0FromEpsilon(s, xt, t, anyEps));
        Assert.True(MaxAbs(back, anyEps) < 1e-5);
        var anyV = Torch.Randn([64, 3, 4, 4], g, DType.Float64);
        var backV = Parameterization.VFromEpsilon(s, xt, t, Parameterization.EpsilonFromV(s, xt, t, anyV));
        Assert.True(MaxAbs(backV, anyV) < 1e-5);
        foreach (var from in Enum.GetValues<Prediction>())
            foreach (var to in Enum.GetValues<Prediction>())
            {
                var y = from switch { Prediction.Epsilon => eps, Prediction.V => v, _ => x0 };
                var want = to switch { Prediction.Epsilon => eps, Prediction.V => v, _ => x0 };
                Assert.True(MaxAbs(Parameterization.Convert(s, from, to, xt, t, y), want) < 1e-5, $"{from} -> {to}");
            }
    }

    [Fact]
    public void QSampleHasTheForwardMarginal()
    {
        using var s = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(2);
        const int n = 200_000;
        var x0 = Torch.Full([n, 1], 1.5, DType.Float64);
        var t = Torch.Full([n], 500, DType.Int64);
        var xt = ForwardProcess.QSample(s, x0, t, Torch.Randn([n, 1], g, DType.Float64));
        double ab = s.AlphaBars[500];
        // Standard errors: sqrt((1-ab)/n) ~ 0.002 for the mean, about 0.3% relative for the variance.
        Assert.Equal(Math.Sqrt(ab) * 1.5, xt.Mean().Item(), 1e-2);
        Assert.InRange(xt.Var().Item() / (1 - ab), 0.985, 1.015);

        // Each row uses its own t.
        var rows = Torch.FromArray(new long[] { 0, 10, 999 });
        var ones = Torch.Ones([3, 2], DType.Float64);
        var noiseless = ForwardProcess.QSample(s, ones, rows, Torch.ZerosLike(ones)).ToArray<double>();
        Assert.Equal(Math.Sqrt(s.AlphaBars[10]), noiseless[2], 14);
        Assert.Equal(Math.Sqrt(s.AlphaBars[999]), noiseless[5], 14);
        var pure = ForwardProcess.QSample(s, Torch.ZerosLike(ones), rows, ones).ToArray<double>();
        Assert.Equal(Math.Sqrt(1 - s.AlphaBars[0]), pure[0], 14);
    }
}
