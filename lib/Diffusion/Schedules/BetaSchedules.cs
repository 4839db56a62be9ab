namespace RandCond.Diffusion;

/// <summary>The beta sequences of the usual variance-preserving schedules (beta_t for t = 0..T-1).</summary>
public static class BetaSchedules
{
    /// <summary>DDPM (Ho et al.): betas linear from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static double[] Linear(int steps, double start = 1e-4, double end = 0.02)
    {
        CheckSteps(steps);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = start + (end - start) * Fraction(t, steps);
        return betas;
    }

    /// <summary>Stable Diffusion's "scaled_linear": linear in sqrt(beta) from sqrt(start) to sqrt(end).</summary>
    public static double[] ScaledLinear(int steps, double start = 0.00085, double end = 0.012)
    {
        CheckSteps(steps);
        double a = Math.Sqrt(start), b = Math.Sqrt(end);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            double s = a + (b - a) * Fraction(t, steps);
            betas[t] = s * s;
        }
        return betas;
    }

    /// <summary>
    /// Nichol and Dhariwal's cosine schedule: ab(t) = f(t)/f(0) with f(t) = cos^2(((t/T) + s)/(1 + s) * pi/2),
    /// beta_t = 1 - ab(t+1)/ab(t), clipped at <paramref name="maxBeta"/> so the last steps stay finite.
    /// </summary>
    public static double[] Cosine(int steps, double offset = 0.008, double maxBeta = 0.999)
    {
        CheckSteps(steps);
        double F(int t)
        {
            double c = Math.Cos((t / (double)steps + offset) / (1 + offset) * Math.PI / 2);
            return c * c;
        }
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = Math.Min(1 - F(t + 1) / F(t), maxBeta);
        return betas;
    }

    private static double Fraction(int t, int steps) => steps == 1 ? 0 : t / (double)(steps - 1);

    private static void CheckSteps(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a schedule needs at least one step");
    }
}
