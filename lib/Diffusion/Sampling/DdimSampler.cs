using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// DDIM (Song et al.): x_prev = sqrt(ab_prev) x_0 + sqrt(1 - ab_prev - sigma^2) eps + sigma z with
/// sigma = eta sqrt((1 - ab_prev)/(1 - ab_t)) sqrt(1 - ab_t/ab_prev). eta = 0 is the deterministic ODE
/// sampler; eta = 1 is DDPM's ancestral sampler on the subsequence.
/// </summary>
public sealed class DdimSampler : Sampler
{
    public DdimSampler(NoiseSchedule schedule, IReadOnlyList<int> timesteps, double eta = 0, double? clipX0 = null)
        : base(schedule, timesteps, clipX0)
    {
        if (!(eta >= 0)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be >= 0");
        Eta = eta;
    }

    /// <summary>DDIM over <paramref name="steps"/> steps with the default (trailing) spacing, <see cref="Timesteps.Uniform"/>.</summary>
    public DdimSampler(NoiseSchedule schedule, int steps, double eta = 0, double? clipX0 = null)
        : this(schedule, RandCond.Diffusion.Timesteps.Uniform(schedule.Steps, steps), eta, clipX0) { }

    public double Eta { get; }

    protected override Tensor Update(Tensor xt, Tensor x0, Tensor eps, double abT, double abPrev, Generator? generator)
    {
        double sigma = Eta * Math.Sqrt((1 - abPrev) / (1 - abT) * (1 - abT / abPrev));
        double direction = Math.Sqrt(Math.Max(1 - abPrev - sigma * sigma, 0));
        var mean = (x0 * Math.Sqrt(abPrev)).Add(eps, direction);
        return sigma > 0 ? mean.Add(Noise(xt, generator), sigma) : mean;
    }
}
