using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>Zeroes elements with probability p while training and rescales the rest; identity in eval mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public Dropout(double p = 0.5)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must lie in [0, 1]");
        P = p;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) => Training && P > 0 ? F.Dropout(input, P, true) : input.Alias();
}
