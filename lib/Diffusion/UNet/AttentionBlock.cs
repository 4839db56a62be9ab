using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// A spatial transformer over the H*W positions of a feature map (as Stable Diffusion's): GroupNorm, proj_in,
/// then pre-LayerNorm residual sublayers — self-attention, cross-attention to the text context (with its
/// padding mask), feed-forward (GELU) — then proj_out, added to the input.
/// </summary>
public sealed class AttentionBlock : Module
{
    public AttentionBlock(long channels, long heads, long groups, bool self, bool cross, long contextDim,
                          long feedForwardMultiplier, Device? device = null)
    {
        if (!self && !cross) throw new ArgumentException("AttentionBlock: needs self-attention, cross-attention or both");
        Channels = channels;
        Norm = Register("norm", new GroupNorm(groups, channels, device: device));
        ProjIn = Register("proj_in", new Linear(channels, channels, device: device));
        if (self)
        {
            SelfNorm = Register("self_norm", new LayerNorm(channels, device: device));
            SelfAttention = Register("self_attn", new MultiHeadAttention(channels, channels, heads, device));
        }
        if (cross)
        {
            CrossNorm = Register("cross_norm", new LayerNorm(channels, device: device));
            CrossAttention = Register("cross_attn", new MultiHeadAttention(channels, contextDim, heads, device));
        }
        FeedForwardNorm = Register("ff_norm", new LayerNorm(channels, device: device));
        FeedForward = Register("ff", new Sequential(
            new Linear(channels, feedForwardMultiplier * channels, device: device),
            new GELU(),
            new Linear(feedForwardMultiplier * channels, channels, device: device)));
        ProjOut = Register("proj_out", new Linear(channels, channels, device: device));
    }

    public long Channels { get; }
    public GroupNorm Norm { get; }
    public Linear ProjIn { get; }
    public LayerNorm? SelfNorm { get; }
    public MultiHeadAttention? SelfAttention { get; }
    public LayerNorm? CrossNorm { get; }
    public MultiHeadAttention? CrossAttention { get; }
    public LayerNorm FeedForwardNorm { get; }
    public Sequential FeedForward { get; }
    public Linear ProjOut { get; }

    /// <param name="x">(B, C, H, W)</param>
    /// <param name="context">(B, L, D) text tokens; required when the block cross-attends, ignored otherwise</param>
    /// <param name="contextMask">Bool (B, L), true for real tokens; null when nothing is padding</param>
    public Tensor Forward(Tensor x, Tensor? context, Tensor? contextMask)
    {
        using var scope = Torch.NewDisposeScope();
        var shape = x.Shape;
        long b = shape[0], c = shape[1], n = shape[2] * shape[3];
        // (B, C, H, W) -> (B, HW, C): a view of a channels-last map, one copy of an NCHW one; back as a channels-last view.
        var h = ProjIn.Forward(Norm.Forward(x, lowPrecisionOutput: true).Permute(0, 2, 3, 1).Reshape(b, n, c));
        if (SelfAttention is not null) h = h + SelfAttention.Forward(SelfNorm!.Forward(h, lowPrecisionOutput: true));
        if (CrossAttention is not null)
        {
            if (context is null) throw new ArgumentException("AttentionBlock: this block cross-attends and needs a text context");
            h = h + CrossAttention.Forward(CrossNorm!.Forward(h, lowPrecisionOutput: true), context, contextMask);
        }
        h = h + FeedForward.Forward(FeedForwardNorm.Forward(h, lowPrecisionOutput: true));
        h = ProjOut.Forward(h).Reshape(b, shape[2], shape[3], c).Permute(0, 3, 1, 2);
        return (x + h).MoveToOuterScope();
    }
}
