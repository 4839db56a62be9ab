using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A conditional denoising model: a U-Net with text tokens (TCondition = token tensor), a class-label model
/// (label tensor), the closed-form toy predictor (condition-index tensor), or anything else. The condition
/// is a batch matching x_t; null asks for the unconditional prediction where the model has one. Samplers
/// take a <see cref="Denoiser"/>: bind the condition with <see cref="Denoiser.Bind"/>, or guide with
/// <see cref="Sampling.ClassifierFreeGuidance"/>.
/// </summary>
public interface IDenoiser<in TCondition>
{
    /// <summary>What <see cref="Predict"/> returns.</summary>
    Prediction Prediction { get; }

    /// <summary>The prediction for noisy samples x_t (B, ...) at integer timesteps t (B).</summary>
    Tensor Predict(Tensor xt, Tensor t, TCondition? condition);
}
