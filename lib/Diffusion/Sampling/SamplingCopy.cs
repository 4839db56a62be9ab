using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Diffusion.Sampling;

/// <summary>
/// A frozen copy of a text-conditioned model's U-Net laid out for fast sampling, with its weights in BFloat16 and/or its
/// convolutions in channels-last layout, behind the original's condition encoder (shared, in float32: a label encoder's
/// one-hot input stays float32). x_t is cast to the copy's dtype at its input and the prediction back to x_t's dtype,
/// so a sampler's walk, its guidance arithmetic and its updates stay in float32, as <see cref="DTypeDenoiser{TCondition}"/>
/// does; the original model is left as it was (training may go on with it).
/// </summary>
public sealed class SamplingCopy : IDenoiser<Tensor>, IDisposable
{
    private readonly TextDiffusionModel model;
    private readonly UNetModel unet;

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

    public Tensor Predict(Tensor xt, Tensor t, Tensor? tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        using var scope = Torch.NewDisposeScope();
        var condition = model.Text.Forward(tokens);
        var x = xt.To(DType);
        if (ChannelsLast) x = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        var output = unet.Forward(x, t, condition.Context.To(DType), condition.Mask);
        return output.To(xt.DType).Contiguous().MoveToOuterScope();
    }

    public void Dispose() => unet.Dispose();
}
