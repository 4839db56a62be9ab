namespace RandCond.Diffusion.UNet;

/// <summary>Multiply-accumulates of one forward pass for one image, in total and by block name.</summary>
public sealed record MacCount(long Total, IReadOnlyDictionary<string, long> ByBlock);

/// <summary>
/// Analytic multiply-accumulate (MAC) counts, per image. Counted: every convolution (Cout * Cin * k * k per
/// output pixel), every linear layer (in * out per token, the time MLP and the residual blocks' time
/// projections included), and the two attention matmuls (q kᵀ and attention · v: Lq * Lk * C each, over all
/// heads). Not counted: normalizations, activations, softmax, additions, biases, resampling by
/// interpolation, embedding lookups and the sinusoidal time features; nor the text encoder.
/// </summary>
public static class UNetCost
{
    public static long Conv(long inChannels, long outChannels, long kernel, long outputPixels) =>
        outChannels * inChannels * kernel * kernel * outputPixels;

    public static long Linear(long inFeatures, long outFeatures, long tokens = 1) => inFeatures * outFeatures * tokens;

    /// <summary>GroupNorm-SiLU-Conv3x3, time projection, GroupNorm-SiLU-Conv3x3, and the 1x1 skip when widths differ.</summary>
    public static long Residual(long inChannels, long outChannels, long timeDim, long pixels) =>
        Conv(inChannels, outChannels, 3, pixels)
        + Linear(timeDim, outChannels)
        + Conv(outChannels, outChannels, 3, pixels)
        + (inChannels != outChannels ? Conv(inChannels, outChannels, 1, pixels) : 0);

    /// <summary>
    /// proj_in; self-attention (q, k, v, out projections and two matmuls over N = H*W tokens); cross-attention
    /// (q and out over N tokens, k and v over the M context tokens of width D, two N x M matmuls);
    /// feed-forward C -> mult*C -> C; proj_out.
    /// </summary>
    public static long Attention(long channels, long tokens, long contextLength, long contextDim, bool self, bool cross,
                                 long feedForwardMultiplier)
    {
        long c = channels, n = tokens;
        long macs = 2 * Linear(c, c, n);
        if (self) macs += 4 * Linear(c, c, n) + 2 * n * n * c;
        if (cross) macs += 2 * Linear(c, c, n) + 2 * Linear(contextDim, c, contextLength) + 2 * n * contextLength * c;
        macs += 2 * Linear(c, feedForwardMultiplier * c, n);
        return macs;
    }

    /// <summary>Sinusoidal features (BaseChannels wide) -> Linear -> SiLU -> Linear, once per image.</summary>
    public static long TimeEmbedding(UNetConfig config) =>
        Linear(config.BaseChannels, config.TimeDim) + Linear(config.TimeDim, config.TimeDim);

    public static MacCount Macs(UNetConfig config, long height, long width, long contextLength = 0)
    {
        var byBlock = new Dictionary<string, long> { ["time"] = TimeEmbedding(config) };
        foreach (var b in UNetLayout.Build(config).Describe(height, width, contextLength))
            if (b.Macs > 0) byBlock[b.Name] = b.Macs;
        return new MacCount(byBlock.Values.Sum(), byBlock);
    }
}
