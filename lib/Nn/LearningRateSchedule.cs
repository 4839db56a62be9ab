namespace RandCond.Nn;

/// <summary>
/// Linear warm-up to the base rate, then either constant or a cosine decay to zero at the last step. The cosine decay
/// matters for short runs: ending at a small rate averages the last steps' noise away much as an EMA does, without its lag.
/// </summary>
public sealed record LearningRateSchedule(double BaseRate, int WarmupSteps, bool Cosine = false)
{
    /// <summary>The rate for step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public double At(int step, int totalSteps)
    {
        double warm = Math.Min(1.0, (step + 1.0) / Math.Max(1, WarmupSteps));
        if (!Cosine || step < WarmupSteps) return BaseRate * warm;
        double progress = Math.Clamp((step - WarmupSteps + 1.0) / Math.Max(1, totalSteps - WarmupSteps), 0, 1);
        return BaseRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Parses "constant" or "cosine".</summary>
    public static bool ParseCosine(string text) => text switch
    {
        "constant" => false,
        "cosine" => true,
        _ => throw new ArgumentException($"unknown learning-rate schedule '{text}' (constant, cosine)"),
    };
}
