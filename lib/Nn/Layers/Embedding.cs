using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>A lookup table of vectors, indexed by Int64 tensors.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Embedding(long count, long dim, Device? device = null)
    {
        Weight = RegisterParameter("weight", Torch.Empty([count, dim], device: device));
        Init.Normal(Weight);
    }

    public Parameter Weight { get; }

    public override Tensor Forward(Tensor indices) => F.Embedding(Weight, indices);
}
