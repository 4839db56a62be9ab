using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>The forward (noising) process q(x_t | x_0).</summary>
public static class ForwardProcess
{
    /// <summary>x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps, for integer timesteps t (B) and x_0, eps of shape (B, ...).</summary>
    public static Tensor QSample(NoiseSchedule schedule, Tensor x0, Tensor t, Tensor eps)
    {
        using var scope = Torch.NewDisposeScope();
        var signal = schedule.SqrtAlphaBar(t, x0);
        var noise = schedule.SqrtOneMinusAlphaBar(t, x0);
        return (signal * x0).AddCMul(noise, eps, 1).MoveToOuterScope();
    }
}
