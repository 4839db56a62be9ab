using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// Conversions between the eps, v and x_0 predictions at (x_t, t). With a = sqrt(ab_t), s = sqrt(1 - ab_t):
/// x_t = a x_0 + s eps, v = a eps - s x_0, hence x_0 = (x_t - s eps)/a = a x_t - s v and
/// eps = (x_t - a x_0)/s = s x_t + a v, v = (eps - s x_t)/a = (a x_t - x_0)/s (using a^2 + s^2 = 1). Timesteps t are integers (B); tensors are (B, ...).
/// </summary>
public static class Parameterization
{
    public static Tensor X0FromEpsilon(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor eps) =>
        Combine(schedule, xt, t, eps, (a, s, x, p) => (x - s * p) / a);

    public static Tensor EpsilonFromX0(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor x0) =>
        Combine(schedule, xt, t, x0, (a, s, x, p) => (x - a * p) / s);

    public static Tensor EpsilonFromV(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor v) =>
        Combine(schedule, xt, t, v, (a, s, x, p) => s * x + a * p);

    public static Tensor VFromEpsilon(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor eps) =>
        Combine(schedule, xt, t, eps, (a, s, x, p) => (p - s * x) / a);

    public static Tensor X0FromV(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor v) =>
        Combine(schedule, xt, t, v, (a, s, x, p) => a * x - s * p);

    public static Tensor VFromX0(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor x0) =>
        Combine(schedule, xt, t, x0, (a, s, x, p) => (a * x - p) / s);

    /// <summary>The v target for training: v = sqrt(ab_t) eps - sqrt(1 - ab_t) x_0.</summary>
    public static Tensor VTarget(NoiseSchedule schedule, Tensor x0, Tensor t, Tensor eps)
    {
        using var scope = Torch.NewDisposeScope();
        var a = schedule.SqrtAlphaBar(t, x0);
        var s = schedule.SqrtOneMinusAlphaBar(t, x0);
        return (a * eps - s * x0).MoveToOuterScope();
    }

    /// <summary>Any prediction converted to another kind.</summary>
    public static Tensor Convert(NoiseSchedule schedule, Prediction from, Prediction to, Tensor xt, Tensor t, Tensor output)
    {
        if (from == to) return output.Alias();
        return (from, to) switch
        {
            (Prediction.Epsilon, Prediction.X0) => X0FromEpsilon(schedule, xt, t, output),
            (Prediction.Epsilon, Prediction.V) => VFromEpsilon(schedule, xt, t, output),
            (Prediction.X0, Prediction.Epsilon) => EpsilonFromX0(schedule, xt, t, output),
            (Prediction.X0, Prediction.V) => VFromX0(schedule, xt, t, output),
            (Prediction.V, Prediction.Epsilon) => EpsilonFromV(schedule, xt, t, output),
            (Prediction.V, Prediction.X0) => X0FromV(schedule, xt, t, output),
            _ => throw new ArgumentOutOfRangeException(nameof(from), $"no conversion from {from} to {to}"),
        };
    }

    private static Tensor Combine(NoiseSchedule schedule, Tensor xt, Tensor t, Tensor y, Func<Tensor, Tensor, Tensor, Tensor, Tensor> f)
    {
        if (!xt.Shape.SequenceEqual(y.Shape))
            throw new ArgumentException($"Parameterization: x_t is {xt.Describe()} but the prediction is {y.Describe()}; expected equal shapes");
        using var scope = Torch.NewDisposeScope();
        var a = schedule.SqrtAlphaBar(t, xt);
        var s = schedule.SqrtOneMinusAlphaBar(t, xt);
        return f(a, s, xt, y).MoveToOuterScope();
    }
}
