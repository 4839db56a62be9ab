using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>GroupNorm-SiLU (the "out.hidden" feature map) then Conv3x3 to the output channels (of the grid, before any pixel shuffle).</summary>
public sealed class OutputHead : Module
{
    public OutputHead(long channels, long outChannels, long groups, bool zeroInit, Device? device = null)
    {
        Norm = Register("norm", new GroupNorm(groups, channels, device: device));
        Conv = Register("conv", new Conv2d(channels, outChannels, 3, padding: 1, device: device));
        if (!zeroInit) return;
        Init.Zeros(Conv.Weight);
        Init.Zeros(Conv.Bias!);
    }

    public GroupNorm Norm { get; }
    public Conv2d Conv { get; }

    internal Tensor Forward(Tensor h, FeatureCapture? capture)
    {
        var hidden = Norm.ForwardSilu(h);
        capture?.Offer("out.hidden", hidden);
        return Conv.Forward(hidden);
    }
}
