using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>y = x Wᵀ + b.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Linear(long inFeatures, long outFeatures, bool bias = true, Device? device = null)
    {
        Weight = RegisterParameter("weight", Torch.Empty([outFeatures, inFeatures], device: device));
        Bias = bias ? RegisterParameter("bias", Torch.Empty([outFeatures], device: device)) : null;
        Init.DefaultLayer(Weight, Bias?.Data);
    }

    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias?.Data);
}
