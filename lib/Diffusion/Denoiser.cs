using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A model with its condition already bound: (x_t, t) → prediction of the given kind. This is what samplers
/// call; make one from a lambda, from an <see cref="IDenoiser{TCondition}"/> with <see cref="Bind"/>, or with
/// classifier-free guidance.
/// </summary>
public sealed class Denoiser(Func<Tensor, Tensor, Tensor> predict, Prediction prediction = Prediction.Epsilon)
{
    public Prediction Prediction { get; } = prediction;

    /// <summary>The model's output for x_t (B, ...) at integer timesteps t (B).</summary>
    public Tensor Predict(Tensor xt, Tensor t) => predict(xt, t);

    /// <summary>Binds a condition batch (null: unconditional) to a conditional model.</summary>
    public static Denoiser Bind<TCondition>(IDenoiser<TCondition> model, TCondition? condition) =>
        new((xt, t) => model.Predict(xt, t, condition), model.Prediction);

    /// <summary>The same model with its timesteps rewritten first (e.g. a student step mapped to a teacher step).</summary>
    public Denoiser WithTimesteps(Func<Tensor, Tensor> map) => new((xt, t) =>
    {
        using var scope = Torch.NewDisposeScope();
        return predict(xt, map(t)).MoveToOuterScope();
    }, Prediction);
}
