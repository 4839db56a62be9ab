namespace RandCond.Diffusion.UNet;

public enum BlockKind { Input, Residual, Attention, Downsample, Upsample, StageOutput, Middle, OutHidden, Output }

/// <summary>
/// One named feature map of a <see cref="UNetModel"/> forward pass, in execution order. Its captured tensor has
/// shape (B, Channels, Height, Width). ParameterPrefix is the state-dict prefix of the block's own weights
/// (null for stage outputs and the middle output, which only name the last block's result); Macs counts the
/// multiply-accumulates of the block for one image (see <see cref="UNetCost"/>).
/// </summary>
public sealed record BlockInfo(string Name, BlockKind Kind, int Stage, long InChannels, long Channels,
                               long Height, long Width, string? ParameterPrefix, long Macs)
{
    public long[] Shape(long batch) => [batch, Channels, Height, Width];
}
