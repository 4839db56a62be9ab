using RandCond.Diffusion;
using RandCond.Diffusion.Sampling;
using RandCond.Tensors;

namespace RandCond.Distillation.Sfddm;

/// <summary>
/// Sampling a SFDDM student: DDIM over all T' steps of its own schedule (its step t' uses ab'_t', and its network
/// sees t'); <see cref="ClassSampling.EveryClass"/> samples with it, with classifier-free guidance.
/// </summary>
public static class SfddmSampling
{
    /// <summary>DDIM (eta) over every step of the student's schedule, from T' - 1 down to 0; clipX0 bounds each step's x^.</summary>
    public static DdimSampler Sampler(NoiseSchedule studentSchedule, double eta = 0, double? clipX0 = null) =>
        new(studentSchedule, Enumerable.Range(0, studentSchedule.Steps).ToArray(), eta, clipX0);
}
