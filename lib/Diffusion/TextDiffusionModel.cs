using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A caption-conditioned diffusion model: a condition encoder (the caption's words through a text encoder, or the class
/// they name through a label encoder) whose context a U-Net cross-attends to. The condition is a (B, L) Int64 token
/// tensor; the null caption's tokens give the unconditional prediction. Parameter names: "text.*" or "label.*"
/// (<see cref="ConditionEncoderConfig.Kind"/>), and "unet.*".
/// </summary>
public sealed class TextDiffusionModel : Module, INoisePredictor
{
    public TextDiffusionModel(ConditionEncoderConfig condition, UNetConfig unet, Device? device = null)
    {
        if (unet.Conditioning != Conditioning.Text || unet.ContextDim != condition.ContextWidth)
            throw new ArgumentException($"TextDiffusionModel: the U-Net must use Text conditioning with ContextDim = the {condition.Kind} encoder's width {condition.ContextWidth}");
        Text = Register(condition.Kind, condition.Create(device));
        UNet = Register("unet", new UNetModel(unet, device));
    }

    /// <summary>The condition encoder (a text or a label encoder).</summary>
    public ConditionEncoder Text { get; }
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
