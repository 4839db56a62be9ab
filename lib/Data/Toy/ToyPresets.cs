using RandCond.Diffusion;

namespace RandCond.Data.Toy;

/// <summary>Ready-made toy data sets.</summary>
public static class ToyPresets
{
    /// <summary>
    /// Two conditions as in the paper's Fig. 5, well separated at t = 0: A has modes at (-2, 0) and (0, 2),
    /// B at (2, 0) and (0, -2); equal weights, isotropic variance <paramref name="variance"/>, conditions equally likely.
    /// </summary>
    public static ConditionalGaussianMixture2D TwoConditions(double variance = 0.05) => new(
        [
            new GaussianMixture2D(Gaussian2D.Isotropic(-2, 0, variance), Gaussian2D.Isotropic(0, 2, variance)),
            new GaussianMixture2D(Gaussian2D.Isotropic(2, 0, variance), Gaussian2D.Isotropic(0, -2, variance)),
        ],
        names: ["A", "B"]);

    /// <summary>The noise levels of Fig. 5 (T = 1000).</summary>
    public static readonly int[] Figure5Timesteps = [200, 400, 600, 800];

    /// <summary>
    /// The total-variation overlap ∫ min(q_t(x | c0), q_t(x | c1)) of two conditions noised to each t (see
    /// <see cref="DistributionOverlap"/>): how indistinguishable the conditions have become at t.
    /// </summary>
    public static double[] OverlapByTimestep(ConditionalGaussianMixture2D data, NoiseSchedule schedule, IReadOnlyList<int> timesteps,
                                             int first = 0, int second = 1)
    {
        return timesteps.Select(t =>
        {
            double ab = schedule.AlphaBar(t);
            return DistributionOverlap.TotalVariationOverlap(data.Conditions[first].Noised(ab), data.Conditions[second].Noised(ab));
        }).ToArray();
    }
}
