using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// Classifier-free guidance (Ho and Salimans): out = out_uncond + w (out_cond - out_uncond), with the
/// conditional and the null-condition halves evaluated in one batched call of the model. Guiding the raw
/// output is the same as guiding eps for v and x_0 models too, since at fixed (x_t, t) the conversions are
/// affine in the output with weights summing to one. w = 1 is the conditional model, w = 0 the unconditional.
/// </summary>
public static class ClassifierFreeGuidance
{
    /// <summary>Guidance for a model whose condition batch is a tensor (labels, tokens, embeddings): rows are concatenated.</summary>
    public static Denoiser Bind(IDenoiser<Tensor> model, Tensor condition, Tensor nullCondition, double scale) =>
        Bind(model, condition, nullCondition, scale, (a, b) => Torch.Cat([a, b]));

    /// <summary>Guidance for any condition type; <paramref name="concat"/> joins two condition batches row-wise (conditional first).</summary>
    public static Denoiser Bind<TCondition>(IDenoiser<TCondition> model, TCondition condition, TCondition nullCondition,
                                            double scale, Func<TCondition, TCondition, TCondition> concat)
    {
        return new Denoiser((xt, t) =>
        {
            using var scope = Torch.NewDisposeScope();
            long batch = xt.Size(0);
            var output = model.Predict(Torch.Cat([xt, xt]), Torch.Cat([t, t]), concat(condition, nullCondition));
            if (output.Size(0) != 2 * batch)
                throw new InvalidOperationException($"ClassifierFreeGuidance: the model returned {output.Describe()} for a batch of {2 * batch}");
            var conditional = output.Narrow(0, 0, batch);
            var unconditional = output.Narrow(0, batch, batch);
            return unconditional.Add(conditional - unconditional, scale).MoveToOuterScope();
        }, model.Prediction);
    }
}
