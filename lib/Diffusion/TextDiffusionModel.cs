using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A text-conditioned diffusion model: a text encoder whose token context a U-Net cross-attends to. The
/// condition is a (B, L) Int64 token tensor; the null caption's tokens give the unconditional prediction.
/// Parameter names: "text.*" and "unet.*".
/// </summary>
public sealed class TextDiffusionModel : Module, IDenoiser<Tensor>
{
    public TextDiffusionModel(TextEncoderConfig text, UNetConfig unet, Device? device = null)
    {
        if (unet.Conditioning != Conditioning.Text || unet.ContextDim != text.Width)
            throw new ArgumentException($"TextDiffusionModel: the U-Net must use Text conditioning with ContextDim = text width {text.Width}");
        Text = Register("text", new TextEncoder(text, device));
        UNet = Register("unet", new UNetModel(unet, device));
    }

    public TextEncoder Text { get; }
    public UNetModel UNet { get; }
    public Prediction Prediction => Prediction.Epsilon;

    public Tensor Predict(Tensor xt, Tensor t, Tensor? tokens) => Forward(xt, t, tokens ?? throw new ArgumentNullException(nameof(tokens)));

    public Tensor Forward(Tensor xt, Tensor t, Tensor tokens, FeatureCapture? capture = null)
    {
        using var scope = Torch.NewDisposeScope();
        var text = Text.Forward(tokens);
        return UNet.Forward(xt, t, text.Context, text.Mask, capture: capture).MoveToOuterScope();
    }
}
