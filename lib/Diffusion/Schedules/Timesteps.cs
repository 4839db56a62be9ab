namespace RandCond.Diffusion;

/// <summary>
/// Timestep subsequences for sampling, always returned in increasing order (samplers walk them backwards).
/// <see cref="Uniform"/> is the default and uses the "trailing" spacing (Lin et al. 2024, diffusers'
/// timestep_spacing="trailing"): the first sampling step is T-1, the noisiest step, whatever the step count.
/// </summary>
public static class Timesteps
{
    /// <summary>The default spacing: <see cref="Trailing"/>.</summary>
    public static int[] Uniform(int totalSteps, int steps) => Trailing(totalSteps, steps);

    /// <summary>round(T - i T/steps) - 1 for i = steps-1..0: ends at T-1; 1000 steps of T = 1000 give every step.</summary>
    public static int[] Trailing(int totalSteps, int steps)
    {
        Check(totalSteps, steps);
        var result = new int[steps];
        double stride = totalSteps / (double)steps;
        for (int i = 0; i < steps; i++) result[steps - 1 - i] = (int)Math.Round(totalSteps - i * stride, MidpointRounding.ToEven) - 1;
        return result;
    }

    /// <summary>round(linspace(0, T-1, steps)): holds both 0 and T-1.</summary>
    public static int[] Linspace(int totalSteps, int steps)
    {
        Check(totalSteps, steps);
        if (steps == 1) return [totalSteps - 1];
        var result = new int[steps];
        for (int i = 0; i < steps; i++) result[i] = (int)Math.Round(i * (totalSteps - 1) / (double)(steps - 1), MidpointRounding.ToEven);
        return result;
    }

    /// <summary>k * floor(T/steps) for k = 0..steps-1 (DDIM's "leading", SFDDM's c t): starts at 0, ends at T - c, not T-1.</summary>
    public static int[] Leading(int totalSteps, int steps)
    {
        Check(totalSteps, steps);
        int stride = totalSteps / steps;
        var result = new int[steps];
        for (int k = 0; k < steps; k++) result[k] = k * stride;
        return result;
    }

    /// <summary>Throws unless <paramref name="timesteps"/> is non-empty, strictly increasing and inside [0, totalSteps).</summary>
    public static void Validate(IReadOnlyList<int> timesteps, int totalSteps, string name = "timesteps")
    {
        if (timesteps.Count == 0) throw new ArgumentException($"{name}: no timesteps", name);
        for (int i = 0; i < timesteps.Count; i++)
        {
            if (timesteps[i] < 0 || timesteps[i] >= totalSteps)
                throw new ArgumentOutOfRangeException(name, $"{name}[{i}] = {timesteps[i]}, expected a step in [0, {totalSteps})");
            if (i > 0 && timesteps[i] <= timesteps[i - 1])
                throw new ArgumentException($"{name}: expected strictly increasing steps, but [{i - 1}] = {timesteps[i - 1]} and [{i}] = {timesteps[i]}", name);
        }
    }

    private static void Check(int totalSteps, int steps)
    {
        if (steps < 1 || steps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"expected between 1 and T = {totalSteps} sampling steps");
    }
}
