using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.UNet;

/// <summary>
/// Multi-head attention of queries (B, Lq, C) to keys and values (B, Lk, ContextDim), projected by
/// to_q/to_k/to_v (no bias) and to_out (with bias), through <see cref="F.ScaledDotProductAttention"/>.
/// Without a context it is self-attention. Used by the U-Net's attention blocks and the text encoder.
/// </summary>
public sealed class MultiHeadAttention : Module
{
    public MultiHeadAttention(long channels, long contextDim, long heads, Device? device = null)
    {
        if (heads < 1 || channels % heads != 0)
            throw new ArgumentException($"MultiHeadAttention: {channels} channels do not split into {heads} heads");
        (Channels, Heads) = (channels, heads);
        ToQ = Register("to_q", new Linear(channels, channels, bias: false, device: device));
        ToK = Register("to_k", new Linear(contextDim, channels, bias: false, device: device));
        ToV = Register("to_v", new Linear(contextDim, channels, bias: false, device: device));
        ToOut = Register("to_out", new Linear(channels, channels, device: device));
    }

    public long Channels { get; }
    public long Heads { get; }
    public Linear ToQ { get; }
    public Linear ToK { get; }
    public Linear ToV { get; }
    public Linear ToOut { get; }

    /// <param name="x">queries (B, Lq, C)</param>
    /// <param name="context">keys and values (B, Lk, ContextDim); null attends x to itself</param>
    /// <param name="keyMask">Bool (B, Lk), true where the key is a real token and false where it is padding</param>
    public Tensor Forward(Tensor x, Tensor? context = null, Tensor? keyMask = null)
    {
        using var scope = Torch.NewDisposeScope();
        var source = context ?? x;
        long b = x.Size(0), lq = x.Size(1), lk = source.Size(1), dh = Channels / Heads;
        Tensor SplitHeads(Tensor t, long length) => t.View([b, length, Heads, dh]).Transpose(1, 2);
        var q = SplitHeads(ToQ.Forward(x), lq);
        var k = SplitHeads(ToK.Forward(source), lk);
        var v = SplitHeads(ToV.Forward(source), lk);
        var mask = keyMask is null ? null : AttendableKeys(keyMask).View([b, 1, 1, lk]);
        var o = F.ScaledDotProductAttention(q, k, v, mask);
        return ToOut.Forward(o.Transpose(1, 2).Reshape([b, lq, Channels])).MoveToOuterScope();
    }

    /// <summary>
    /// The key mask with rows that mark no real token opened to every key, so an all-padding text attends to
    /// its (learned) padding embeddings instead of producing NaN from a softmax over nothing.
    /// </summary>
    public static Tensor AttendableKeys(Tensor keyMask)
    {
        if (keyMask.DType != DType.Bool || keyMask.Dim != 2)
            throw new ArgumentException($"attention key mask must be Bool (B, L), true for real tokens; got {keyMask.Describe()}");
        using var scope = Torch.NewDisposeScope();
        var empty = keyMask.Sum(1, keepDim: true).Eq(0);
        return Torch.Op("aten::logical_or", "", keyMask, empty).MoveToOuterScope();
    }
}
