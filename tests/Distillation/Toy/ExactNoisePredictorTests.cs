using RandCond.Data.Toy;
using RandCond.Diffusion;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;
using Xunit.Abstractions;

namespace RandCond.Tests.Distillation.Toy;

/// <summary>
/// The closed-form teacher of the toy distillation, checked against its definition eps*(x_t, t, c) = E[eps | x_t, t, c]
/// by Monte Carlo: for x_0 drawn from condition c, eps = (x_t - sqrt(ab) x_0) / sqrt(1 - ab), weighted by the
/// likelihood N(x_t; sqrt(ab) x_0, (1 - ab) I) of the query point (self-normalized importance sampling). The score's
/// finite-difference check lives in tests/Data/Toy.
/// </summary>
public sealed class ExactNoisePredictorTests(ITestOutputHelper output) : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    private const int Draws = 200_000;

    [Theory]
    [InlineData(0, 40)]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(ConditionalGaussianMixture2D.Unconditional, 800)]
    public void Prediction_is_the_posterior_mean_of_the_noise(long condition, int t)
    {
        using var scope = Torch.NewDisposeScope();
        var data = ToyClosedFormDistillationTests.Data();
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(data, schedule);
        using var g = new Generator(31);
        double ab = schedule.AlphaBar(t), signal = Math.Sqrt(ab), noise = Math.Sqrt(1 - ab);
        // Query points where condition c's noised data lies, so the weights are not degenerate.
        const int queries = 8;
        var x0 = data.Sample(queries, condition, g);
        var xt = x0 * signal + Torch.Randn([queries, 2], g, DType.Float64) * noise;
        var predicted = exact.Predict(xt, Torch.Full([queries], (long)t, DType.Int64), Torch.Full([queries], condition, DType.Int64)).ToArray<double>();

        var draws = data.Sample(Draws, condition, g);                                   // (N, 2)
        var residual = xt.Unsqueeze(1) - (draws * signal).Unsqueeze(0);                  // (Q, N, 2)
        var logWeight = residual.Square().Sum([2]) * (-0.5 / (1 - ab));                 // (Q, N)
        var weight = (logWeight - logWeight.LogSumExp(1, keepDim: true)).Exp();        // normalized per query
        var eps = residual / noise;
        var mean = (weight.Unsqueeze(2) * eps).Sum([1]);                                 // (Q, 2)
        var spread = (weight.Unsqueeze(2).Square() * (eps - mean.Unsqueeze(1)).Square()).Sum([1]).Sqrt();
        var effective = (weight.Sum([1]).Square() / weight.Square().Sum([1])).Min().Item();
        var estimate = mean.ToArray<double>();
        var standardError = spread.ToArray<double>();
        output.WriteLine($"c = {condition}, t = {t}: smallest effective sample size {effective:F0} of {Draws}");
        Assert.True(effective > 100, $"importance weights degenerate (effective sample size {effective:F0}); the check says nothing");
        for (int i = 0; i < predicted.Length; i++)
            Assert.True(Math.Abs(predicted[i] - estimate[i]) <= 5 * standardError[i] + 1e-3,
                $"query {i / 2}, axis {i % 2}: closed form {predicted[i]:F4}, Monte Carlo {estimate[i]:F4} ± {standardError[i]:F4}");

        // The check has power: the prediction of another condition misses the same estimate.
        if (condition == 0)
        {
            var other = exact.Predict(xt, Torch.Full([queries], (long)t, DType.Int64), Torch.Full([queries], 1L, DType.Int64)).ToArray<double>();
            var misses = Enumerable.Range(0, other.Length).Count(i => Math.Abs(other[i] - estimate[i]) > 5 * standardError[i] + 1e-3);
            Assert.True(misses > 0, "the wrong condition's prediction passes the Monte Carlo check too");
        }
    }

    [Fact]
    public void As_a_teacher_it_has_no_features_to_capture()
    {
        var data = ToyClosedFormDistillationTests.Data();
        using var schedule = NoiseSchedule.Linear(1000);
        using var exact = new ExactNoisePredictor(data, schedule);
        using var scope = Torch.NewDisposeScope();
        var xt = Torch.Zeros([2, 2]);
        var t = Torch.Zeros([2], DType.Int64);
        var c = Torch.FromArray(new long[] { 0, -1 });
        using var none = new RandCond.Diffusion.UNet.FeatureCapture([]);
        Assert.Equal(exact.Predict(xt, t, c).ToArray<float>(), exact.Forward(xt, t, c, none).ToArray<float>());
        using var some = new RandCond.Diffusion.UNet.FeatureCapture(["hidden"]);
        var e = Assert.Throws<ArgumentException>(() => exact.Forward(xt, t, c, some));
        Assert.Contains("hidden", e.Message);
    }
}
