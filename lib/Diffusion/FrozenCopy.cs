using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A frozen copy of a text-conditioned model's U-Net with its weights in BFloat16 and/or its convolutions in
/// channels-last layout, behind the original's condition encoder (shared, in float32: a label encoder's one-hot input
/// stays float32). x_t is cast to the copy's dtype at its input and the prediction back to x_t's dtype, so a sampler's
/// walk, its guidance arithmetic and its updates stay in float32; no operator casts a weight on any call. Sampling's fast
/// path runs on it (<see cref="Sampling.SamplingPaths"/>), and so does the distillation step's frozen teacher when asked
/// (<c>DistillationOptions.Bf16Teacher</c>), features included. The original model is left as it was (training may go
/// on with it).
/// </summary>
public sealed class FrozenCopy : INoisePredictor, IDisposable
{
    private readonly TextDiffusionModel model;
    private readonly UNetModel unet;

    public FrozenCopy(TextDiffusionModel model, bool bf16Weights, bool channelsLast)
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

    public Tensor Predict(Tensor xt, Tensor t, Tensor? tokens) => Forward(xt, t, tokens ?? throw new ArgumentNullException(nameof(tokens)));

    /// <summary>The prediction in x_t's dtype and the standard layout; the U-Net's features, offered to <paramref name="capture"/>, stay in the copy's dtype and layout.</summary>
    public Tensor Forward(Tensor xt, Tensor t, Tensor condition, FeatureCapture? capture = null)
    {
        using var scope = Torch.NewDisposeScope();
        var encoded = model.Text.Forward(condition);
        var x = xt.To(DType);
        if (ChannelsLast) x = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        var eps = unet.Forward(x, t, encoded.Context.To(DType), encoded.Mask, capture: capture);
        return eps.To(xt.DType).Contiguous().MoveToOuterScope();
    }

    public void Dispose() => unet.Dispose();
}
