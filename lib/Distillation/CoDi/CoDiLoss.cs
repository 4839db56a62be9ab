using RandCond.Diffusion;
using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// One batch's CoDi loss and its two terms (scalar tensors; Total carries the student's graph). Consistency and Guidance
/// are the terms as they enter the loss (weighted over t, before the GuidanceWeight factor); RawGuidance is the plain
/// mean ||x - x^||^2, comparable across t and options.
/// </summary>
public sealed record CoDiLossTerms(Tensor Total, Tensor Consistency, Tensor Guidance, Tensor RawGuidance);

/// <summary>
/// The CoDi loss (DESIGN.md section 4) for one step pair t &gt; s shared by the batch: z_t = a_t x + s_t eps; the student
/// predicts eps^ at (z_t, t, c) and so x^ = (z_t - s_t eps^) / a_t; the predictor makes z^_s from the estimate at t of the
/// EMA target or of the student (<see cref="CoDiZsSource"/>; no gradient either way); the EMA target predicts eps^_EMA at
/// (z^_s, s, c), hence x^_EMA, without gradient. L = consistency + w guidance with
/// <list type="bullet">
/// <item>consistency = g(t) mean (x^_EMA - x^)^2 (<see cref="CoDiConsistencySpace.X"/>) or mean (eps^_EMA - eps^)^2 (<see cref="CoDiConsistencySpace.Epsilon"/>),</item>
/// <item>guidance = g(t) mean (x - x^)^2, the conditional guidance (w = 0 switches it off),</item>
/// </list>
/// g(t) = ab_t or 1 (<see cref="CoDiXLossWeighting"/>). The x-space terms are evaluated in their equivalent eps form
/// (x_a - x^ = (s_t/a_t)(eps^ - eps_a) at the same z_t), which keeps the 1/a_t of the noisiest steps out of float32.
/// </summary>
public static class CoDiLoss
{
    /// <param name="x0">(B, C, H, W) ground-truth images</param>
    /// <param name="condition">(B, C, H, W) their condition images</param>
    /// <param name="eps">(B, C, H, W) the noise of z_t</param>
    /// <param name="options">Predictor, GuidanceWeight, ConsistencySpace, XLossWeighting and ZsSource are read (defaults when null)</param>
    public static CoDiLossTerms Compute(CoDiModel student, CoDiModel target, NoiseSchedule schedule, Tensor x0, Tensor condition,
                                        int t, int s, Tensor eps, CoDiOptions? options = null)
    {
        options ??= new CoDiOptions();
        if (!(s >= 0 && s < t && t < schedule.Steps))
            throw new ArgumentException($"CoDiLoss: need 0 <= s < t < T = {schedule.Steps}; got t = {t}, s = {s}");
        using var scope = Torch.NewDisposeScope();
        long batch = x0.Size(0);
        var tt = Torch.Full([batch], t, DType.Int64, x0.Device);
        var ss = Torch.Full([batch], s, DType.Int64, x0.Device);
        var zt = ForwardProcess.QSample(schedule, x0, tt, eps);
        var epsTheta = student.Forward(zt, tt, condition);
        Tensor consistencyTarget;
        using (Torch.NoGrad())
        {
            var (x0Hat, epsHat) = options.ZsSource == CoDiZsSource.Online
                ? (Parameterization.X0FromEpsilon(schedule, zt, tt, epsTheta.Detach()), epsTheta.Detach())
                : Estimate(target, schedule, zt, tt, condition);
            var zs = CoDiPredictors.PredictZs(options.Predictor, schedule, x0Hat, epsHat, eps, ss);
            var targetEps = target.Forward(zs, ss, condition);
            consistencyTarget = options.ConsistencySpace == CoDiConsistencySpace.Epsilon
                ? targetEps
                : Parameterization.EpsilonFromX0(schedule, zt, tt, Parameterization.X0FromEpsilon(schedule, zs, ss, targetEps));
        }
        double abT = schedule.AlphaBar(t);
        // g(t) (s_t/a_t)^2: the factor that turns an eps-MSE at z_t into the weighted x-MSE.
        double xWeight = (options.XLossWeighting == CoDiXLossWeighting.AlphaBar ? abT : 1) * (1 - abT) / abT;
        var consistency = options.ConsistencySpace == CoDiConsistencySpace.Epsilon
            ? F.MseLoss(epsTheta, consistencyTarget)
            : F.MseLoss(epsTheta, consistencyTarget) * xWeight;
        var epsMse = F.MseLoss(epsTheta, eps);
        var guidance = epsMse * xWeight;
        var rawGuidance = epsMse.Detach() * ((1 - abT) / abT);
        var total = options.GuidanceWeight == 0 ? consistency * 1.0 : consistency + guidance * options.GuidanceWeight;
        return new CoDiLossTerms(total.MoveToOuterScope(), consistency.MoveToOuterScope(), guidance.MoveToOuterScope(), rawGuidance.MoveToOuterScope());
    }

    private static (Tensor X0, Tensor Eps) Estimate(CoDiModel model, NoiseSchedule schedule, Tensor zt, Tensor t, Tensor condition)
    {
        var eps = model.Forward(zt, t, condition);
        return (Parameterization.X0FromEpsilon(schedule, zt, t, eps), eps);
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
