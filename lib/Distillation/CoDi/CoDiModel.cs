using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// An unconditional diffusion U-Net adapted to an image condition (CoDi, Mei et al. 2024): a copy of the U-Net's encoder
/// (input conv and down path, "cond.*") encodes the condition image c with the backbone's time embedding, and every
/// feature map the backbone's encoder hands its decoder becomes h' = (1 - mu_i) h_i(z_t) + mu_i h_cond,i(c), one learned
/// scalar mu_i per map ("mu", starting at 0, so the adapted model starts as the backbone exactly).
/// <para>The backbone ("backbone.*") is a text-conditioned <see cref="TextDiffusionModel"/> always evaluated with the null
/// caption: the RandCond teachers were trained with 10 % null-caption dropout, so with null tokens they are the
/// project's unconditional model of the data. Its text encoder only ever sees that caption and is never trained.</para>
/// Predicts epsilon; the condition of <see cref="Predict"/> is the condition image (B, C, H, W), shaped like x_t.
/// </summary>
public sealed class CoDiModel : Module, IDenoiser<Tensor>
{
    private readonly Tensor nullTokens;

    /// <param name="backbone">the unconditional network, owned by this model from now on</param>
    /// <param name="nullTokens">Int64 (L) or (1, L): the null caption's tokens</param>
    public CoDiModel(TextDiffusionModel backbone, Tensor nullTokens)
    {
        Backbone = Register("backbone", backbone);
        ConditionEncoder = Register("cond", backbone.UNet.CopyEncoder());
        var device = backbone.UNet.Input.Weight.Data.Device;
        Mu = RegisterParameter("mu", Torch.Zeros([backbone.UNet.EncoderFeatureCount], device: device));
        Backbone.Text.RequiresGrad(false);
        this.nullTokens = nullTokens.Reshape(1, -1).To(device).DetachFromDisposeScope();
    }

    public TextDiffusionModel Backbone { get; }
    public UNetEncoder ConditionEncoder { get; }

    /// <summary>One mixing weight per encoder feature map handed to the decoder.</summary>
    public Parameter Mu { get; }

    public Prediction Prediction => Prediction.Epsilon;

    public Tensor Predict(Tensor xt, Tensor t, Tensor? condition) => Forward(xt, t, condition ?? throw new ArgumentNullException(nameof(condition), "CoDiModel needs a condition image"));

    /// <param name="xt">(B, C, H, W) noisy images</param>
    /// <param name="t">timesteps (B) or a scalar</param>
    /// <param name="condition">(B, C, H, W) condition images (e.g. upsampled low-resolution or masked images)</param>
    public Tensor Forward(Tensor xt, Tensor t, Tensor condition)
    {
        if (!condition.Shape.SequenceEqual(xt.Shape))
            throw new ArgumentException($"CoDiModel.Forward condition: expected the shape of x_t {xt.Describe()}; got {condition.Describe()}");
        using var scope = Torch.NewDisposeScope();
        var text = Backbone.Text.Forward(nullTokens.Expand(xt.Size(0), nullTokens.Size(1)));
        var unet = Backbone.UNet;
        var encoding = unet.Encode(xt, t, text.Context, text.Mask);
        var conditionFeatures = ConditionEncoder.Forward(condition, encoding.TimeSilu, text.Context, text.Mask);
        var mixed = new Tensor[encoding.Features.Count];
        for (int i = 0; i < mixed.Length; i++)
        {
            var mu = Mu.Data.Select(0, i);
            mixed[i] = encoding.Features[i] * (1 - mu) + conditionFeatures[i] * mu;
        }
        return unet.Decode(encoding with { Features = mixed }, text.Context, text.Mask).MoveToOuterScope();
    }

    /// <summary>
    /// The parameters a training run updates: the conditional encoder and mu only (parameter-efficient), or the U-Net too
    /// (never the text encoder, which sees only the null caption).
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters(bool parameterEfficient) =>
        NamedParameters().Where(p => parameterEfficient
            ? p.Name.StartsWith("cond.", StringComparison.Ordinal) || p.Name == "mu"
            : !p.Name.StartsWith("backbone.text.", StringComparison.Ordinal)).ToArray();

    /// <summary>A new model of the same architecture and weights (e.g. the EMA target), on the same device.</summary>
    public CoDiModel Clone()
    {
        var device = Mu.Data.Device;
        var copy = new CoDiModel(new TextDiffusionModel(Backbone.Text.Config, Backbone.UNet.Config, device), nullTokens);
        copy.LoadStateDict(StateDict());
        return copy;
    }

    public override void Dispose()
    {
        nullTokens.Dispose();
        base.Dispose();
    }
}
