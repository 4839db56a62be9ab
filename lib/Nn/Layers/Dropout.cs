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

    /// <summary>Whether Forward drops anything: in training with P above 0; otherwise it passes its input on.</summary>
    public bool Active => Training && P > 0;

    public override Tensor Forward(Tensor input) => Active ? F.Dropout(input, P, true) : input.Alias();
}
