using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>One batch's CoDi loss and its two terms (scalar tensors; Total carries the student's graph).</summary>
public sealed record CoDiLossTerms(Tensor Total, Tensor Consistency, Tensor Guidance);

/// <summary>
/// The CoDi loss (DESIGN.md section 4) for one step pair t &gt; s shared by the batch: z_t = a_t x + s_t eps; the student
/// predicts eps^ at (z_t, t, c) and so x^ = (z_t - s_t eps^) / a_t; the predictor makes z^_s from x^ (stop-gradient);
/// the EMA target predicts eps^_EMA at (z^_s, s, c) without gradient. L = mean (eps^_EMA - eps^)^2 + w mean (x - x^)^2,
/// the second term being the conditional guidance (w = 0 switches it off).
/// </summary>
public static class CoDiLoss
{
    /// <param name="x0">(B, C, H, W) ground-truth images</param>
    /// <param name="condition">(B, C, H, W) their condition images</param>
    /// <param name="eps">(B, C, H, W) the noise of z_t</param>
    public static CoDiLossTerms Compute(CoDiModel student, CoDiModel target, NoiseSchedule schedule, Tensor x0, Tensor condition,
                                        int t, int s, Tensor eps, CoDiPredictor predictor = CoDiPredictor.Prev, double guidanceWeight = 1)
    {
        if (!(s >= 0 && s < t && t < schedule.Steps))
            throw new ArgumentException($"CoDiLoss: need 0 <= s < t < T = {schedule.Steps}; got t = {t}, s = {s}");
        using var scope = Torch.NewDisposeScope();
        long batch = x0.Size(0);
        var tt = Torch.Full([batch], t, DType.Int64, x0.Device);
        var ss = Torch.Full([batch], s, DType.Int64, x0.Device);
        var zt = ForwardProcess.QSample(schedule, x0, tt, eps);
        var epsTheta = student.Forward(zt, tt, condition);
        var x0Theta = Parameterization.X0FromEpsilon(schedule, zt, tt, epsTheta);
        Tensor targetEps;
        using (Torch.NoGrad())
        {
            var zs = CoDiPredictors.PredictZs(predictor, schedule, x0Theta.Detach(), epsTheta.Detach(), eps, ss);
            targetEps = target.Forward(zs, ss, condition);
        }
        var consistency = F.MseLoss(epsTheta, targetEps);
        var guidance = F.MseLoss(x0Theta, x0);
        var total = guidanceWeight == 0 ? consistency * 1.0 : consistency + guidance * guidanceWeight;
        return new CoDiLossTerms(total.MoveToOuterScope(), consistency.MoveToOuterScope(), guidance.MoveToOuterScope());
    }

    /// <summary>
    /// The ordinary conditional fine-tuning loss (the baseline): mean (eps - eps^(z_t, t, c))^2 with one t per sample.
    /// </summary>
    /// <param name="t">Int64 (B) steps</param>
    public static Tensor Denoising(CoDiModel model, NoiseSchedule schedule, Tensor x0, Tensor condition, Tensor t, Tensor eps)
    {
        using var scope = Torch.NewDisposeScope();
        var zt = ForwardProcess.QSample(schedule, x0, t, eps);
        return F.MseLoss(model.Forward(zt, t, condition), eps).MoveToOuterScope();
    }
}
