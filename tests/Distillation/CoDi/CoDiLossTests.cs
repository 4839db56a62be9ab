using RandCond.Distillation.CoDi;
using RandCond.Tensors;
using RandCond.Diffusion;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>
/// The CoDi loss against its formula worked out by hand from the two nets' outputs, for every consistency space, x-loss
/// weighting and source of z^_s; the default weighting at a known noisy t; and the gradient scale that weighting buys.
/// </summary>
public class CoDiLossTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    [Theory]
    [InlineData(CoDiPredictor.Prev, 1.0, CoDiConsistencySpace.X, CoDiXLossWeighting.AlphaBar, CoDiZsSource.Target, 640)]
    [InlineData(CoDiPredictor.Prev, 0.5, CoDiConsistencySpace.X, CoDiXLossWeighting.Uniform, CoDiZsSource.Online, 640)]
    [InlineData(CoDiPredictor.Prev, 1.0, CoDiConsistencySpace.Epsilon, CoDiXLossWeighting.Uniform, CoDiZsSource.Online, 640)]
    [InlineData(CoDiPredictor.Ddim, 0.0, CoDiConsistencySpace.Epsilon, CoDiXLossWeighting.AlphaBar, CoDiZsSource.Target, 640)]
    [InlineData(CoDiPredictor.Ddim, 1.0, CoDiConsistencySpace.X, CoDiXLossWeighting.AlphaBar, CoDiZsSource.Online, 300)]
    public void Loss_matches_a_hand_computation(CoDiPredictor predictor, double weight, CoDiConsistencySpace space,
                                                CoDiXLossWeighting weighting, CoDiZsSource zsSource, int t)
    {
        var (teacher, student) = CoDiTestNets.Fresh(7);
        using var _t = teacher;
        using var _s = student;
        CoDiTestNets.SetMu(student, 0.3);
        using var target = student.Clone();
        CoDiTestNets.SetMu(target, 0.1);
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var (x0, condition, eps) = CoDiTestNets.Batch(3);
        int s = t - 20;
        var options = new CoDiOptions { Predictor = predictor, GuidanceWeight = weight, ConsistencySpace = space, XLossWeighting = weighting, ZsSource = zsSource };

        var terms = CoDiLoss.Compute(student, target, schedule, x0, condition, t, s, eps, options);

        double at = Math.Sqrt(schedule.AlphaBar(t)), st = Math.Sqrt(1 - schedule.AlphaBar(t));
        double as_ = Math.Sqrt(schedule.AlphaBar(s)), ss = Math.Sqrt(1 - schedule.AlphaBar(s));
        float[] x = x0.ToArray<float>(), e = eps.ToArray<float>();
        var zt = x.Select((v, i) => at * v + st * e[i]).ToArray();
        float[] Run(CoDiModel m, double[] z, int step)
        {
            using var _ = Torch.NoGrad();
            return m.Forward(Torch.FromArray(z.Select(v => (float)v).ToArray(), x0.Shape), Torch.Full([3], step, DType.Int64), condition).ToArray<float>();
        }
        var epsHat = Run(student, zt, t);
        var xHat = zt.Select((v, i) => (v - st * epsHat[i]) / at).ToArray();
        var zsEps = zsSource == CoDiZsSource.Online ? epsHat : Run(target, zt, t);
        var zsX = zt.Select((v, i) => (v - st * zsEps[i]) / at).ToArray();
        var zs = zsX.Select((v, i) => as_ * v + ss * (predictor == CoDiPredictor.Prev ? e[i] : zsEps[i])).ToArray();
        var targetEps = Run(target, zs, s);
        var targetX = zs.Select((v, i) => (v - ss * targetEps[i]) / as_).ToArray();
        double g = weighting == CoDiXLossWeighting.AlphaBar ? schedule.AlphaBar(t) : 1;
        double consistency = space == CoDiConsistencySpace.Epsilon
            ? epsHat.Select((v, i) => Math.Pow(v - targetEps[i], 2)).Average()
            : g * xHat.Select((v, i) => Math.Pow(v - targetX[i], 2)).Average();
        double rawGuidance = xHat.Select((v, i) => Math.Pow(x[i] - v, 2)).Average();

        Assert.Equal(consistency, terms.Consistency.Item(), Tolerance(consistency));
        Assert.Equal(rawGuidance, terms.RawGuidance.Item(), Tolerance(rawGuidance));
        Assert.Equal(g * rawGuidance, terms.Guidance.Item(), Tolerance(g * rawGuidance));
        Assert.Equal(consistency + weight * g * rawGuidance, terms.Total.Item(), Tolerance(consistency + weight * g * rawGuidance));
        Assert.True(consistency > 1e-6, "the student and its target must differ for the test to mean anything");
    }

    private static int Tolerance(double value) => Math.Max(0, 4 - (int)Math.Ceiling(Math.Log10(Math.Max(value, 1e-12))));

    [Fact]
    public void Default_weighting_makes_the_guidance_ab_t_times_the_x_error_and_equal_to_the_noise_error_at_the_noisiest_step()
    {
        var (teacher, model) = CoDiTestNets.Fresh(12);
        using var _t = teacher;
        using var _m = model;
        using var target = model.Clone();
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var (x0, condition, eps) = CoDiTestNets.Batch(4);
        const int t = 999;

        var terms = CoDiLoss.Compute(model, target, schedule, x0, condition, t, t - 20, eps);

        double ab = schedule.AlphaBar(t);
        Assert.Equal(ab * terms.RawGuidance.Item(), terms.Guidance.Item(), 1e-6);
        var tt = Torch.Full([4], t, DType.Int64);
        var epsMse = F.MseLoss(model.Forward(ForwardProcess.QSample(schedule, x0, tt, eps), tt, condition), eps).Item();
        // ab_t |x - x^|^2 = (1 - ab_t) |eps - eps^|^2: at t = 999 that is the plain noise error, while the raw x error is 2.5e4 times it.
        Assert.Equal((1 - ab) * epsMse, terms.Guidance.Item(), 1e-6);
        Assert.True(terms.RawGuidance.Item() > 1e4 * terms.Guidance.Item(), $"raw {terms.RawGuidance.Item()} vs weighted {terms.Guidance.Item()}");
    }

    [Theory]
    [InlineData(CoDiXLossWeighting.AlphaBar, 0.0, 1.0)]
    [InlineData(CoDiXLossWeighting.Uniform, 1e3, double.PositiveInfinity)]
    public void Guidance_gradient_at_the_noisiest_step_is_bounded_by_the_noise_error_only_when_weighted(CoDiXLossWeighting weighting, double low, double high)
    {
        var (teacher, model) = CoDiTestNets.Fresh(13);
        using var _t = teacher;
        using var _m = model;
        using var target = model.Clone();
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var (x0, condition, eps) = CoDiTestNets.Batch(4);
        const int t = 999;
        var weightParam = model.Backbone.UNet.Input.Weight;

        var terms = CoDiLoss.Compute(model, target, schedule, x0, condition, t, t - 20, eps,
                                     new CoDiOptions { XLossWeighting = weighting });
        terms.Guidance.Backward();
        var guidanceGrad = weightParam.Grad!.Norm().Item();
        weightParam.Grad = null;
        var tt = Torch.Full([4], t, DType.Int64);
        F.MseLoss(model.Forward(ForwardProcess.QSample(schedule, x0, tt, eps), tt, condition), eps).Backward();
        var denoisingGrad = weightParam.Grad!.Norm().Item();

        double ratio = guidanceGrad / denoisingGrad;
        Assert.InRange(ratio, low, high);
    }

    [Fact]
    public void Steps_out_of_order_are_refused()
    {
        var (teacher, model) = CoDiTestNets.Fresh(8);
        using var _t = teacher;
        using var _m = model;
        using var schedule = NoiseSchedule.Linear(1000);
        using var scope = Torch.NewDisposeScope();
        var (x0, condition, eps) = CoDiTestNets.Batch(1);
        Assert.Throws<ArgumentException>(() => CoDiLoss.Compute(model, model, schedule, x0, condition, 10, 10, eps));
        Assert.Throws<ArgumentException>(() => CoDiLoss.Compute(model, model, schedule, x0, condition, 1000, 980, eps));
    }
}
