using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.Text;

/// <summary>Pre-LayerNorm transformer layer: x + SelfAttention(LN(x)) with the padding mask, then x + MLP(LN(x)).</summary>
public sealed class TransformerLayer : Module
{
    public TransformerLayer(long width, long heads, long mlpMultiplier, double dropout, Device? device = null)
    {
        AttentionNorm = Register("ln1", new LayerNorm(width, device: device));
        Attention = Register("attn", new MultiHeadAttention(width, width, heads, device));
        MlpNorm = Register("ln2", new LayerNorm(width, device: device));
        Mlp = Register("mlp", new Sequential(
            new Linear(width, mlpMultiplier * width, device: device),
            new GELU(),
            new Linear(mlpMultiplier * width, width, device: device)));
        Dropout = Register("dropout", new Dropout(dropout));
    }

    public LayerNorm AttentionNorm { get; }
    public MultiHeadAttention Attention { get; }
    public LayerNorm MlpNorm { get; }
    public Sequential Mlp { get; }
    public Dropout Dropout { get; }

    /// <param name="x">(B, L, Width)</param>
    /// <param name="mask">Bool (B, L), true for real tokens</param>
    public Tensor Forward(Tensor x, Tensor mask)
    {
        using var scope = Torch.NewDisposeScope();
        // Each norm's output feeds only linears (the attention's projections, the MLP's first layer).
        var h = x + Dropout.Forward(Attention.Forward(AttentionNorm.Forward(x, lowPrecisionOutput: true), keyMask: mask));
        h = h + Dropout.Forward(Mlp.Forward(MlpNorm.Forward(h, lowPrecisionOutput: true)));
        return h.MoveToOuterScope();
    }
}
