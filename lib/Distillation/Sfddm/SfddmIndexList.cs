namespace RandCond.Distillation.Sfddm;

/// <summary>Which teacher steps the student's T' steps are (the student's step t' is the teacher's step index(t')).</summary>
public enum SfddmIndexList
{
    /// <summary>
    /// round(t' (T - 1) / (T' - 1)) (<see cref="RandCond.Diffusion.Timesteps.Linspace"/>): starts at 0 and ends at T - 1,
    /// evenly spaced by (T - 1)/(T' - 1) instead of c (T = 1000, T' = 5: 0, 250, 500, 749, 999). The default, because sampling starts from
    /// pure noise, which only the teacher's last step T - 1 describes: under <see cref="Leading"/> the student would
    /// be trained for its noisiest step at a noise level well below that (T' = 5: step 800) and then asked to denoise
    /// pure noise with it (the pitfall in METHOD-NOTES.md).
    /// </summary>
    EndsAtLastStep,

    /// <summary>
    /// c t' with c = floor(T / T') (<see cref="RandCond.Diffusion.Timesteps.Leading"/>), the paper's list: starts at 0
    /// and ends at T - c, not T - 1.
    /// </summary>
    Leading,
}
