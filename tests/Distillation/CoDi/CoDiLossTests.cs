using RandCond.Distillation.CoDi;
using RandCond.Tensors;
using RandCond.Diffusion;
using RandCond.Tests.Diffusion;

namespace RandCond.Tests.Distillation.CoDi;

/// <summary>The CoDi loss against the formula of DESIGN.md worked out step by step with the two nets' outputs.</summary>
public class CoDiLossTests : IDisposable
{
    private readonly SingleThreaded threads = new();

    public void Dispose() => threads.Dispose();

    [Theory]
    [InlineData(CoDiPredictor.Prev, 1.0)]
    [InlineData(CoDiPredictor.Prev, 0.5)]
    [InlineData(CoDiPredictor.Ddim, 0.0)]
    public void Loss_matches_a_hand_computation(CoDiPredictor predictor, double weight)
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
        const int t = 640, s = 620;

        var terms = CoDiLoss.Compute(student, target, schedule, x0, condition, t, s, eps, predictor, weight);

        double at = Math.Sqrt(schedule.AlphaBar(t)), st = Math.Sqrt(1 - schedule.AlphaBar(t));
        double as_ = Math.Sqrt(schedule.AlphaBar(s)), ss = Math.Sqrt(1 - schedule.AlphaBar(s));
        float[] x = x0.ToArray<float>(), e = eps.ToArray<float>();
        var zt = x.Select((v, i) => at * v + st * e[i]).ToArray();
        var ztTensor = Torch.FromArray(zt.Select(v => (float)v).ToArray(), x0.Shape);
        float[] epsHat;
        using (Torch.NoGrad()) epsHat = student.Forward(ztTensor, Torch.Full([3], t, DType.Int64), condition).ToArray<float>();
        var xHat = zt.Select((v, i) => (v - st * epsHat[i]) / at).ToArray();
        var zs = xHat.Select((v, i) => as_ * v + ss * (predictor == CoDiPredictor.Prev ? e[i] : epsHat[i])).ToArray();
        float[] targetEps;
        using (Torch.NoGrad())
            targetEps = target.Forward(Torch.FromArray(zs.Select(v => (float)v).ToArray(), x0.Shape), Torch.Full([3], s, DType.Int64), condition).ToArray<float>();
        double consistency = epsHat.Select((v, i) => Math.Pow(v - targetEps[i], 2)).Average();
        double guidance = xHat.Select((v, i) => Math.Pow(x[i] - v, 2)).Average();

        Assert.Equal(consistency, terms.Consistency.Item(), 1e-5);
        Assert.Equal(guidance, terms.Guidance.Item(), 1e-4);
        Assert.Equal(consistency + weight * guidance, terms.Total.Item(), 1e-4);
        Assert.True(consistency > 1e-6, "the student and its target must differ for the test to mean anything");
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
