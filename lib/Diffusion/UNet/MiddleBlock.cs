using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>Residual block (res.0), optional attention block (attn), residual block (res.1) at the lowest resolution.</summary>
public sealed class MiddleBlock : Module
{
    internal MiddleBlock(MiddlePlan plan, UNetConfig config, Device? device)
    {
        long c = plan.Channels;
        Residual = Register("res", new ModuleList<ResidualBlock>(Enumerable.Range(0, 2).Select(_ =>
            new ResidualBlock(c, c, config.TimeDim, config.GroupNormGroups, config.Dropout, device))));
        if (plan.Attention)
            Attention = Register("attn", new AttentionBlock(c, config.AttentionHeads, config.GroupNormGroups,
                plan.SelfAttention, plan.CrossAttention, config.ContextDim, config.FeedForwardMultiplier, device));
    }

    public ModuleList<ResidualBlock> Residual { get; }
    public AttentionBlock? Attention { get; }

    internal Tensor Forward(Tensor h, Tensor timeSilu, Tensor? context, Tensor? contextMask, FeatureCapture? capture)
    {
        h = Residual[0].Forward(h, timeSilu);
        capture?.Offer("mid.res.0", h);
        if (Attention is not null)
        {
            h = Attention.Forward(h, context, contextMask);
            capture?.Offer("mid.attn", h);
        }
        h = Residual[1].Forward(h, timeSilu);
        capture?.Offer("mid.res.1", h);
        capture?.Offer("mid", h);
        return h;
    }
}
