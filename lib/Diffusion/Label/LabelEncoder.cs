using RandCond.Diffusion.Text;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.Label;

/// <summary>
/// Class-label conditioning, as the authors' MNIST code does it: the label as a one-hot vector over the classes and the
/// null label, through an MLP (Linear, SiLU, Linear) to a single context token the U-Net cross-attends to. The label is
/// the class the caption's words name (the buffer <c>class_of_token</c>, a fixed table, not trained), so every caption of
/// a class, and the null caption, mean exactly one label each and the rest of the pipeline keeps passing captions.
/// Parameter names: class_of_token (buffer), mlp.0, mlp.2.
/// </summary>
public sealed class LabelEncoder : ConditionEncoder
{
    public LabelEncoder(LabelEncoderConfig config, Device? device = null)
    {
        config.Validate();
        Config = config;
        RegisterBuffer("class_of_token", Torch.FromArray(config.ClassOfToken.Select(c => (float)c).ToArray(), device: device));
        Mlp = Register("mlp", new Sequential(
            new Linear(config.Classes + 1, config.Width, device: device),
            new SiLU(),
            new Linear(config.Width, config.Width, device: device)));
    }

    public override LabelEncoderConfig Config { get; }
    public Sequential Mlp { get; }

    /// <summary>Int64 (B): the class each caption names, or the null label where it names none (the null caption).</summary>
    public Tensor Labels(Tensor tokens)
    {
        var shape = tokens.Shape;
        if (tokens.DType != DType.Int64 || shape.Length != 2 || shape[1] < 1)
            throw new ArgumentException($"LabelEncoder tokens: expected Int64 (B, L) caption tokens with L >= 1; got {tokens.Describe()}");
        using var scope = Torch.NewDisposeScope();
        var table = Buffer("class_of_token");
        // Every class word of a caption names the same class; the other words map to the null label (the largest id).
        var perToken = table.IndexSelect(0, tokens.Reshape(-1).Clamp(0, table.Size(0) - 1)).Reshape(shape[0], shape[1]);
        var (smallest, _) = perToken.Min(1);
        return smallest.To(DType.Int64).MoveToOuterScope();
    }

    /// <summary>Context (B, 1, Width) and an all-true mask (B, 1); the mask argument is ignored (a label has no padding).</summary>
    public override TextEncoding Forward(Tensor tokens, Tensor? mask = null)
    {
        using var scope = Torch.NewDisposeScope();
        var oneHot = Labels(tokens).OneHot(Config.Classes + 1).To(DType.Float32);
        var context = Mlp.Forward(oneHot).Unsqueeze(1);
        var keep = Torch.Ones([tokens.Size(0), 1], DType.Bool, tokens.Device);
        return new TextEncoding(context.MoveToOuterScope(), keep.MoveToOuterScope());
    }

    public override long Macs(long length) => (long)(Config.Classes + 1) * Config.Width + (long)Config.Width * Config.Width;
}
