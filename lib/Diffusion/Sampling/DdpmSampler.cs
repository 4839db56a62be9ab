using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// DDPM ancestral sampling (Ho et al.): x_prev ~ q(x_prev | x_t, x_0 = model's estimate), the posterior with
/// mean [sqrt(ab_prev) beta / (1 - ab_t)] x_0 + [sqrt(alpha) (1 - ab_prev) / (1 - ab_t)] x_t and variance
/// beta (1 - ab_prev)/(1 - ab_t), where alpha = ab_t/ab_prev and beta = 1 - alpha. Over every step these
/// are the schedule's own alpha_t and beta_t; over a subsequence they are the ones of the skipped span,
/// which is exactly DDIM with eta = 1. The last step returns the mean (x_0 estimate) without noise.
/// </summary>
public sealed class DdpmSampler : Sampler
{
    public DdpmSampler(NoiseSchedule schedule, IReadOnlyList<int> timesteps, double? clipX0 = null)
        : base(schedule, timesteps, clipX0) { }

    /// <summary>DDPM over <paramref name="steps"/> steps (default: all T) with the trailing spacing, <see cref="Timesteps.Uniform"/>.</summary>
    public DdpmSampler(NoiseSchedule schedule, int? steps = null, double? clipX0 = null)
        : this(schedule, RandCond.Diffusion.Timesteps.Uniform(schedule.Steps, steps ?? schedule.Steps), clipX0) { }

    protected override Tensor Update(Tensor xt, Tensor x0, Tensor eps, double abT, double abPrev, Generator? generator)
    {
        double alpha = abT / abPrev, beta = 1 - alpha;
        double x0Weight = Math.Sqrt(abPrev) * beta / (1 - abT);
        double xtWeight = Math.Sqrt(alpha) * (1 - abPrev) / (1 - abT);
        double variance = beta * (1 - abPrev) / (1 - abT);
        var mean = (x0 * x0Weight).Add(xt, xtWeight);
        return variance > 0 ? mean.Add(Noise(xt, generator), Math.Sqrt(variance)) : mean;
    }
}
