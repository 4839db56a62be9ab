using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A conditional noise predictor eps(x_t, t, c) whose intermediate features can be handed out by name: what
/// distillation asks of a teacher and of a student. The condition is one tensor per batch, whatever the model reads:
/// caption tokens (B, L) for <see cref="TextDiffusionModel"/>, class ids (B) for a label model or the closed-form
/// <see cref="ExactNoisePredictor"/>. A model without named features ignores an empty capture and rejects one that
/// asks for names.
/// </summary>
public interface INoisePredictor : IDenoiser<Tensor>
{
    /// <summary>The predicted noise for x_t (B, ...) at integer timesteps t (B) under <paramref name="condition"/> (B, ...).</summary>
    /// <param name="capture">where to put the named features it requests (see <see cref="FeatureCapture.Offer"/>), or null</param>
    Tensor Forward(Tensor xt, Tensor t, Tensor condition, FeatureCapture? capture = null);
}
