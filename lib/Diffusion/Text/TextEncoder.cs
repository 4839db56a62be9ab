using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.Text;

/// <summary>
/// A small transformer text encoder: token embedding + learned positional embedding, pre-LayerNorm layers
/// (self-attention that ignores padding, GELU MLP), final LayerNorm. Produces the (B, L, Width) context and
/// padding mask a Text-conditioned U-Net cross-attends to. Trained with the teacher, then <see cref="Freeze"/>d.
/// Parameter names: token_embedding.weight, position_embedding, layers.i.{ln1, attn.to_q/to_k/to_v/to_out,
/// ln2, mlp.0, mlp.2}, final_ln.
/// </summary>
public sealed class TextEncoder : ConditionEncoder
{
    public TextEncoder(TextEncoderConfig config, Device? device = null)
    {
        config.Validate();
        Config = config;
        TokenEmbedding = Register("token_embedding", new Embedding(config.VocabSize, config.Width, device));
        Init.Normal(TokenEmbedding.Weight, std: 0.02);
        PositionEmbedding = RegisterParameter("position_embedding", Torch.Empty([config.MaxLength, config.Width], device: device));
        Init.Normal(PositionEmbedding, std: 0.01);
        Layers = Register("layers", new ModuleList<TransformerLayer>(Enumerable.Range(0, config.Layers).Select(_ =>
            new TransformerLayer(config.Width, config.Heads, config.MlpMultiplier, config.Dropout, device))));
        FinalNorm = Register("final_ln", new LayerNorm(config.Width, device: device));
    }

    public override TextEncoderConfig Config { get; }
    public Embedding TokenEmbedding { get; }
    public Parameter PositionEmbedding { get; }
    public ModuleList<TransformerLayer> Layers { get; }
    public LayerNorm FinalNorm { get; }

    /// <summary>Stops training the encoder: no gradients to its parameters, eval mode (no dropout).</summary>
    public TextEncoder Freeze()
    {
        RequiresGrad(false);
        Eval();
        return this;
    }

    /// <param name="tokens">Int64 (B, L), L &lt;= MaxLength</param>
    /// <param name="mask">Bool (B, L), true for real tokens; null derives it as tokens != PadToken</param>
    public override TextEncoding Forward(Tensor tokens, Tensor? mask = null)
    {
        var shape = tokens.Shape;
        if (tokens.DType != DType.Int64 || shape.Length != 2 || shape[1] < 1 || shape[1] > Config.MaxLength)
            throw new ArgumentException($"TextEncoder.Forward tokens: expected Int64 (B, L) with 1 <= L <= {Config.MaxLength}; got {tokens.Describe()}");
        if (mask is not null && (mask.DType != DType.Bool || !mask.Shape.SequenceEqual(shape)))
            throw new ArgumentException($"TextEncoder.Forward mask: expected Bool ({shape[0]}, {shape[1]}), true for real tokens; got {mask.Describe()}");
        using var scope = Torch.NewDisposeScope();
        var keep = mask?.Alias() ?? tokens.Ne(Config.PadToken);
        var h = TokenEmbedding.Forward(tokens) + PositionEmbedding.Data.Narrow(0, 0, shape[1]);
        foreach (var layer in Layers.Items) h = layer.Forward(h, keep);
        var context = FinalNorm.Forward(h);
        return new TextEncoding(context.MoveToOuterScope(), keep.MoveToOuterScope());
    }

    /// <summary>Multiply-accumulates per text of length L (linear layers and attention matmuls, as <see cref="RandCond.Diffusion.UNet.UNetCost"/>).</summary>
    public override long Macs(long length)
    {
        long d = Config.Width, l = length;
        long perLayer = 4 * d * d * l + 2 * l * l * d + 2 * Config.MlpMultiplier * d * d * l;
        return Config.Layers * perLayer;
    }
}
