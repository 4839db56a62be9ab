using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// A stand-alone copy of a U-Net's encoder (its input conv "in" and down path "down", parameter names as in the
/// <see cref="UNetModel"/>), made by <see cref="UNetModel.CopyEncoder"/>. It runs on another input with the U-Net's
/// time embedding and context and returns features that match <see cref="UNetEncoding.Features"/> one to one.
/// </summary>
public sealed class UNetEncoder : Module
{
    internal UNetEncoder(UNetConfig config, UNetLayout layout, Device? device)
    {
        Config = config;
        Input = Register("in", new Conv2d(config.GridInChannels, config.StageChannels(0), 3, padding: 1, device: device));
        Down = Register("down", new ModuleList<UNetStage>(layout.Down.Select(p => new UNetStage($"down.{p.Stage}", p, false, config, device))));
    }

    public UNetConfig Config { get; }
    public Conv2d Input { get; }
    public ModuleList<UNetStage> Down { get; }

    /// <param name="x">(B, InChannels, H, W), the shape the U-Net takes</param>
    /// <param name="timeSilu">the U-Net's activated time embedding (<see cref="UNetEncoding.TimeSilu"/>)</param>
    /// <returns>The encoder's skip features in push order, in the caller's dispose scope.</returns>
    public IReadOnlyList<Tensor> Forward(Tensor x, Tensor timeSilu, Tensor? context = null, Tensor? contextMask = null)
    {
        using var scope = Torch.NewDisposeScope();
        var features = Run(Input, Down.Items, Config.PatchSize, x, timeSilu, context, contextMask, null);
        foreach (var f in features) f.MoveToOuterScope();
        return features;
    }

    /// <summary>The encoder pass shared by <see cref="UNetModel"/> and its copies; results in the current scope.</summary>
    internal static List<Tensor> Run(Conv2d input, IEnumerable<UNetStage> down, int patchSize, Tensor x, Tensor timeSilu,
                                     Tensor? context, Tensor? contextMask, FeatureCapture? capture)
    {
        x = patchSize > 1 ? F.PixelUnshuffle(x, patchSize) : x;
        // A network laid out channels-last takes its input so, strides included: a one-channel x_t with NCHW strides counts
        // as channels-last to at::contiguous but as NCHW to cuDNN, whose first convolution would then return NCHW maps, and
        // every add, norm and copy after it would mix the layouts.
        if (input.Weight.Data.SuggestedMemoryFormat == MemoryFormat.ChannelsLast) x = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        var h = input.Forward(x);
        capture?.Offer("in", h);
        var skips = new Stack<Tensor>();
        skips.Push(h);
        foreach (var stage in down)
            h = stage.Forward(h, timeSilu, context, contextMask, skips, capture);
        var features = skips.ToList();
        features.Reverse();
        return features;
    }
}
