using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// One stage of the down or up path: residual blocks (res.j), each followed by an attention block (attn.j)
/// when the stage has attention, then the resampler (down: stride-2 conv "downsample"; up: nearest x2 and a
/// conv "upsample"). Up stages concatenate a skip from the down path before each residual block.
/// </summary>
public sealed class UNetStage : Module
{
    internal UNetStage(string name, StagePlan plan, bool isUp, UNetConfig config, Device? device)
    {
        (Name, IsUp, StageIndex) = (name, isUp, plan.Stage);
        Residual = Register("res", new ModuleList<ResidualBlock>(plan.BlockInputs.Select(input =>
            new ResidualBlock(input, plan.Channels, config.TimeDim, config.GroupNormGroups, config.Dropout, device))));
        if (plan.Attention)
            Attention = Register("attn", new ModuleList<AttentionBlock>(plan.BlockInputs.Select(_ =>
                new AttentionBlock(plan.Channels, config.AttentionHeads, config.GroupNormGroups, plan.SelfAttention,
                    plan.CrossAttention, config.ContextDim, config.FeedForwardMultiplier, device))));
        if (plan.Resample)
            Resample = Register(isUp ? "upsample" : "downsample",
                new Conv2d(plan.Channels, plan.Channels, 3, stride: isUp ? 1 : 2, padding: 1, device: device));
    }

    /// <summary>"down.s" or "up.s".</summary>
    public string Name { get; }
    public bool IsUp { get; }
    public int StageIndex { get; }
    public ModuleList<ResidualBlock> Residual { get; }
    public ModuleList<AttentionBlock>? Attention { get; }
    public Conv2d? Resample { get; }

    /// <summary>
    /// Runs the stage. A down stage pushes each block's output (and the downsampled map) onto skips; an up
    /// stage pops one skip per residual block. Results live in the caller's dispose scope.
    /// </summary>
    internal Tensor Forward(Tensor h, Tensor timeSilu, Tensor? context, Tensor? contextMask, Stack<Tensor> skips,
                            FeatureCapture? capture)
    {
        for (int j = 0; j < Residual.Count; j++)
        {
            if (IsUp) h = Torch.Cat([h, skips.Pop()], 1);
            h = Residual[j].Forward(h, timeSilu);
            capture?.Offer($"{Name}.res.{j}", h);
            if (Attention is not null)
            {
                h = Attention[j].Forward(h, context, contextMask);
                capture?.Offer($"{Name}.attn.{j}", h);
            }
            if (!IsUp) skips.Push(h);
        }
        if (Resample is not null)
        {
            if (IsUp)
            {
                using var up = F.Interpolate(h, size: [h.Size(2) * 2, h.Size(3) * 2]);
                h = Resample.Forward(up);
                capture?.Offer($"{Name}.upsample", h);
            }
            else
            {
                h = Resample.Forward(h);
                capture?.Offer($"{Name}.downsample", h);
                skips.Push(h);
            }
        }
        capture?.Offer($"{Name}.out", h);
        return h;
    }
}
