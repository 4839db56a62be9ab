using RandCond.Tensors;

namespace RandCond.Nn;

public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Silu();
}

public sealed class GELU : Module<Tensor, Tensor>
{
    public GELU(string approximate = "none") => Approximate = approximate;
    public string Approximate { get; }
    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);
}

public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Alias();
}

public sealed class Flatten : Module<Tensor, Tensor>
{
    public Flatten(long startDim = 1, long endDim = -1) => (StartDim, EndDim) = (startDim, endDim);
    public long StartDim { get; }
    public long EndDim { get; }
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
}
