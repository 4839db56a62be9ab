using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// GroupNorm-SiLU-Conv3x3, plus a projection of the (already SiLU-activated) time embedding, then
/// GroupNorm-SiLU-Dropout-Conv3x3, added to the input (through a 1x1 conv when the width changes).
/// </summary>
public sealed class ResidualBlock : Module
{
    public ResidualBlock(long inChannels, long outChannels, long timeDim, long groups, double dropout, Device? device = null)
    {
        (InChannels, OutChannels) = (inChannels, outChannels);
        Norm1 = Register("norm1", new GroupNorm(groups, inChannels, device: device));
        Conv1 = Register("conv1", new Conv2d(inChannels, outChannels, 3, padding: 1, device: device));
        TimeProj = Register("time_proj", new Linear(timeDim, outChannels, device: device));
        Norm2 = Register("norm2", new GroupNorm(groups, outChannels, device: device));
        Dropout = Register("dropout", new Dropout(dropout));
        Conv2 = Register("conv2", new Conv2d(outChannels, outChannels, 3, padding: 1, device: device));
        if (inChannels != outChannels)
            Skip = Register("skip", new Conv2d(inChannels, outChannels, 1, device: device));
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public GroupNorm Norm1 { get; }
    public Conv2d Conv1 { get; }
    public Linear TimeProj { get; }
    public GroupNorm Norm2 { get; }
    public Dropout Dropout { get; }
    public Conv2d Conv2 { get; }
    public Conv2d? Skip { get; }

    /// <param name="x">(B, InChannels, H, W)</param>
    /// <param name="timeSilu">SiLU of the time embedding, (B, timeDim)</param>
    public Tensor Forward(Tensor x, Tensor timeSilu)
    {
        using var scope = Torch.NewDisposeScope();
        // conv1's bias and the time embedding are one per-channel shift, which the second norm adds to h (in its own
        // kernel where it is fused): no broadcast add over the feature map for either. Each norm's output goes straight
        // into a convolution (dropout, where active, would scale it first), so under autocast it may leave in bf16.
        var h = Conv1.ForwardWithoutBias(Norm1.ForwardSilu(x, lowPrecisionOutput: true));
        var shift = TimeProj.Forward(timeSilu);
        if (Conv1.Bias is not null) shift = shift + Conv1.Bias.Data;
        // The skip joins in conv2's bias pass.
        var skip = Skip is null ? x : Skip.Forward(x);
        return Conv2.Forward(Dropout.Forward(Norm2.ForwardSilu(h, shift, lowPrecisionOutput: !Dropout.Active)), skip).MoveToOuterScope();
    }
}
