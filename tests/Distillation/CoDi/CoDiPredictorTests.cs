using RandCond.Diffusion;
using RandCond.Distillation.CoDi;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>
/// PREv against a model that can be written down: for data that is a single point x, the exact noise predictor is
/// eps^(z_t, t) = (z_t - a_t x) / s_t, so its signal estimate is x itself and PREv's z^_s = a_s x^ + s_s eps must be the
/// forward process at s with the same noise. The DDIM predictor uses the model's noise instead, which a biased model
/// gets wrong while PREv does not depend on it.
/// </summary>
public class CoDiPredictorTests
{
    [Theory]
    [InlineData(20, 0)]
    [InlineData(520, 500)]
    [InlineData(999, 979)]
    public void Prev_of_the_perfect_model_of_a_point_is_the_forward_process_at_s(int t, int s)
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var gen = new Generator(5);
        var point = Torch.Rand([1, 1, 4, 4], gen) * 2 - 1;
        var x = point.Expand(3, 1, 4, 4);
        var eps = Torch.Randn([3, 1, 4, 4], gen);
        var tt = Torch.Full([3], t, DType.Int64);
        var ss = Torch.Full([3], s, DType.Int64);
        var zt = ForwardProcess.QSample(schedule, x, tt, eps);
        var perfectEps = (zt - x * Math.Sqrt(schedule.AlphaBar(t))) / Math.Sqrt(1 - schedule.AlphaBar(t));
        var x0Hat = Parameterization.X0FromEpsilon(schedule, zt, tt, perfectEps);

        var zs = CoDiPredictors.PredictZs(CoDiPredictor.Prev, schedule, x0Hat, perfectEps, eps, ss);

        var expected = ForwardProcess.QSample(schedule, x, ss, eps);
        Assert.True((zs - expected).Abs().Max().Item() < 1e-4, $"PREv differs from q(z_s | x) by {(zs - expected).Abs().Max().Item()}");
        var byHand = x * Math.Sqrt(schedule.AlphaBar(s)) + eps * Math.Sqrt(1 - schedule.AlphaBar(s));
        Assert.True((zs - byHand).Abs().Max().Item() < 1e-4);
    }

    [Fact]
    public void Prev_takes_the_real_noise_and_Ddim_the_models()
    {
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        using var gen = new Generator(6);
        var x0Hat = Torch.Randn([2, 1, 4, 4], gen);
        var eps = Torch.Randn([2, 1, 4, 4], gen);
        var wrongEps = eps + 0.5;
        var s = Torch.Full([2], 300, DType.Int64);
        var prev = CoDiPredictors.PredictZs(CoDiPredictor.Prev, schedule, x0Hat, wrongEps, eps, s);
        var ddim = CoDiPredictors.PredictZs(CoDiPredictor.Ddim, schedule, x0Hat, wrongEps, eps, s);
        Assert.Equal(ForwardProcess.QSample(schedule, x0Hat, s, eps).ToArray<float>(), prev.ToArray<float>());
        Assert.Equal(ForwardProcess.QSample(schedule, x0Hat, s, wrongEps).ToArray<float>(), ddim.ToArray<float>());
    }
}
