using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;
using Xunit;
using Xunit.Abstractions;

namespace RandCond.Tests.Data.Toy;

public class ToyMixtureTests(ITestOutputHelper output) : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    [Fact]
    public void SamplingReproducesTheMixture()
    {
        var mixture = new GaussianMixture2D([1, 3], [new Gaussian2D(-1, 0, 0.2, 0.1, 0.05), Gaussian2D.Isotropic(2, 1, 0.05)]);
        Assert.Equal(0.25, mixture.Weights[0], 15);
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(9);
        var (points, components) = mixture.Sample(20_000, g);
        Assert.Equal(new long[] { 20_000, 2 }, points.Shape);
        Assert.Equal(DType.Float64, points.DType);
        var failures = MixtureFit.Failures(points, mixture);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.InRange(components.To(DType.Float64).Mean().Item(), 0.74, 0.76);
        using var sameSeed = new Generator(9);
        Assert.Equal(points.ToArray<double>(), mixture.Sample(20_000, sameSeed).Points.ToArray<double>());
    }

    [Fact]
    public void ScoreIsTheGradientOfTheLogDensityAndIntegratesToOne()
    {
        using var scope = Torch.NewDisposeScope();
        var data = ToyPresets.TwoConditions();
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(data, schedule);
        using var g = new Generator(10);
        var x = Torch.Randn([64, 2], g, DType.Float64) * 2;
        var t = Torch.Randint(0, 1000, [64], g);
        var labels = Torch.Randint(-1, 2, [64], g);
        var score = exact.Score(x, t, labels).ToArray<double>();
        const double h = 1e-5;
        for (int axis = 0; axis < 2; axis++)
        {
            var step = Torch.Zeros([64, 2], DType.Float64);
            step.Select(1, axis).FillInPlace(h);
            var up = exact.LogDensity(x + step, t, labels).ToArray<double>();
            var down = exact.LogDensity(x - step, t, labels).ToArray<double>();
            for (int i = 0; i < 64; i++)
                Assert.Equal((up[i] - down[i]) / (2 * h), score[2 * i + axis], 1e-4);
        }
        // eps* = -sqrt(1 - ab) score.
        var eps = exact.Predict(x, t, labels);
        var ab = schedule.AlphaBar(t, x);
        Assert.True((eps + (1 - ab).Sqrt() * exact.Score(x, t, labels)).Abs().Max().Item() < 1e-12);
        // Far from every mode the log-sum-exp keeps things finite.
        var far = Torch.Full([2, 2], 60.0, DType.Float64);
        var farEps = exact.Predict(far, Torch.FromArray(new long[] { 0, 0 }), Torch.FromArray(new long[] { 0, 1 }));
        Assert.True(farEps.Abs().Max().Item() is > 0 and < double.PositiveInfinity);

        // The per-step tables agree with the closed-form noised mixture.
        var at = Torch.Full([64], 321L, DType.Int64);
        var direct = data.Marginal().Noised(schedule.AlphaBar(321));
        Assert.True((exact.Score(x, at, null) - direct.Score(x)).Abs().Max().Item() < 1e-10);
        Assert.True((exact.LogDensity(x, at, null) - direct.LogDensity(x)).Abs().Max().Item() < 1e-10);

        Assert.Equal(1.0, DistributionOverlap.Mass(data.Conditions[0]), 1e-3);
        Assert.Equal(1.0, DistributionOverlap.Mass(data.Marginal().Noised(schedule.AlphaBar(500))), 1e-3);
    }

    [Fact]
    public void NoisedMixtureMatchesNoisedSamples()
    {
        using var scope = Torch.NewDisposeScope();
        using var schedule = NoiseSchedule.Linear(1000);
        var data = ToyPresets.TwoConditions();
        using var g = new Generator(11);
        var x0 = data.Sample(20_000, ConditionalGaussianMixture2D.Unconditional, g);
        var t = Torch.Full([20_000], 150L, DType.Int64);
        var xt = ForwardProcess.QSample(schedule, x0, t, Torch.Randn([20_000, 2], g, DType.Float64));
        var failures = MixtureFit.Failures(xt, data.Marginal().Noised(schedule.AlphaBar(150)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void OverlapGrowsWithNoiseFromDisjointToIdentical()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        var data = ToyPresets.TwoConditions();
        int[] ts = [0, 100, .. ToyPresets.Figure5Timesteps, 999];
        var overlap = ToyPresets.OverlapByTimestep(data, schedule, ts);
        for (int i = 0; i < ts.Length; i++) output.WriteLine($"t = {ts[i]}: overlap {overlap[i]:F4}");
        Assert.True(overlap[0] < 0.01, $"overlap at t = 0 is {overlap[0]}");
        Assert.True(overlap[^1] > 0.99, $"overlap at t = 999 is {overlap[^1]}");
        for (int i = 1; i < ts.Length; i++)
            Assert.True(overlap[i] > overlap[i - 1], $"overlap at t = {ts[i]} ({overlap[i]}) is not above t = {ts[i - 1]} ({overlap[i - 1]})");
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new GaussianMixture2D(new Gaussian2D(0, 0, 1, 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianMixture2D([1, -1], [Gaussian2D.Isotropic(0, 0, 1), Gaussian2D.Isotropic(1, 0, 1)]));
        var data = ToyPresets.TwoConditions();
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var exact = new ExactNoisePredictor(data, schedule);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            exact.Predict(Torch.Zeros([2, 2], DType.Float64), Torch.Zeros([2], DType.Int64), Torch.FromArray(new long[] { 0, 2 })));
        Assert.Throws<ArgumentException>(() => exact.Predict(Torch.Zeros([2, 3], DType.Float64), Torch.Zeros([2], DType.Int64), null));
    }
}
