using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>How CoDi predicts the less noisy z_s from the model's estimates at t.</summary>
public enum CoDiPredictor
{
    /// <summary>PREv: z^_s = a_s x^ + s_s eps with the real noise eps that made z_t (the paper's choice; the official code's non-default `epsilon` option).</summary>
    Prev,

    /// <summary>
    /// The plain DDIM step: z^_s = a_s x^ + s_s eps^ with the model's own noise estimate (what the official code's default,
    /// onestepode_sample_eps = v_prediction, computes from its v-network).
    /// </summary>
    Ddim,
}

public static class CoDiPredictors
{
    /// <summary>z^_s (B, C, H, W) from the signal estimate x^, the model's noise estimate eps^ and the real noise eps.</summary>
    /// <param name="s">Int64 (B) target steps</param>
    public static Tensor PredictZs(CoDiPredictor predictor, NoiseSchedule schedule, Tensor x0Hat, Tensor epsHat, Tensor eps, Tensor s) =>
        ForwardProcess.QSample(schedule, x0Hat, s, predictor == CoDiPredictor.Prev ? eps : epsHat);

    /// <summary>"prev" or "ddim".</summary>
    public static string Name(CoDiPredictor predictor) => predictor == CoDiPredictor.Prev ? "prev" : "ddim";
}
