using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// A frozen copy of a text-conditioned model's U-Net laid out for fast sampling, with its weights in BFloat16 and/or its
/// convolutions in channels-last layout, behind the original's condition encoder (shared, in float32: a label encoder's
/// one-hot input stays float32). A <see cref="DTypeDenoiser{TCondition}"/> casts x_t to the copy's dtype and the
/// prediction back, so a sampler's walk, its guidance arithmetic and its updates stay in float32; the original model is
/// left as it was (training may go on with it).
/// </summary>
public sealed class SamplingCopy : IDenoiser<Tensor>, IDisposable
{
    private readonly TextDiffusionModel model;
    private readonly UNetModel unet;
    private readonly IDenoiser<Tensor> denoiser;

    public SamplingCopy(TextDiffusionModel model, bool bf16Weights, bool channelsLast)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        DType = bf16Weights ? DType.BFloat16 : DType.Float32;
        ChannelsLast = channelsLast;
        var device = model.UNet.Parameters().First().Data.Device;
        unet = new UNetModel(model.UNet.Config, device);
        try
        {
            unet.LoadStateDict(model.UNet.StateDict());
            unet.Eval();
            unet.RequiresGrad(false);
            if (bf16Weights) unet.To(DType.BFloat16);
            if (channelsLast) unet.To(MemoryFormat.ChannelsLast);
            denoiser = new CopiedUNet(model, unet, DType, channelsLast).InDType(DType);
        }
        catch
        {
            unet.Dispose();
            throw;
        }
    }

    /// <summary>The dtype of the copy's weights (BFloat16 or Float32).</summary>
    public DType DType { get; }
    public bool ChannelsLast { get; }
    public Prediction Prediction => model.Prediction;

    public Tensor Predict(Tensor xt, Tensor t, Tensor? tokens) => denoiser.Predict(xt, t, tokens);

    public void Dispose() => unet.Dispose();

    /// <summary>The copy in its own dtype and layout: the original's encoder, the context cast to the copy's dtype, a contiguous prediction.</summary>
    private sealed class CopiedUNet(TextDiffusionModel model, UNetModel unet, DType dtype, bool channelsLast) : IDenoiser<Tensor>
    {
        public Prediction Prediction => model.Prediction;

        public Tensor Predict(Tensor xt, Tensor t, Tensor? tokens)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            using var scope = Torch.NewDisposeScope();
            var condition = model.Text.Forward(tokens);
            var x = channelsLast ? xt.ToMemoryFormat(MemoryFormat.ChannelsLast) : xt;
            return unet.Forward(x, t, condition.Context.To(dtype), condition.Mask).Contiguous().MoveToOuterScope();
        }
    }
}
