using RandCond.Diffusion.Text;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// What turns a caption's tokens (B, L) into the context (B, L', Width) and mask a Text-conditioned U-Net cross-attends
/// to: a <see cref="Text.TextEncoder"/> (the words) or a <see cref="Label.LabelEncoder"/> (the class the words name).
/// </summary>
public abstract class ConditionEncoder : Module
{
    public abstract ConditionEncoderConfig Config { get; }

    /// <summary>Context width D, the U-Net's <c>ContextDim</c>.</summary>
    public long Width => Config.ContextWidth;

    /// <param name="tokens">Int64 (B, L) caption tokens</param>
    /// <param name="mask">Bool (B, L), true for real tokens, or null</param>
    public abstract TextEncoding Forward(Tensor tokens, Tensor? mask = null);

    /// <summary>Multiply-accumulates per caption of length L.</summary>
    public abstract long Macs(long length);
}

/// <summary>The shape of a <see cref="ConditionEncoder"/>; <see cref="Kind"/> names it in parameter names and teacher files.</summary>
public abstract record ConditionEncoderConfig
{
    /// <summary>"text" or "label": the model's parameter prefix and the teacher file's "conditioning" metadata.</summary>
    public abstract string Kind { get; }

    public abstract int ContextWidth { get; }

    public abstract ConditionEncoder Create(Device? device = null);
}
