using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public sealed partial class Tensor
{
    public Tensor Exp() => Call.T(Aten.Exp, this);
    public Tensor Log() => Call.T(Aten.Log, this);
    public Tensor Log1p() => Call.T(Aten.Log1p, this);
    public Tensor Expm1() => Call.T(Aten.Expm1, this);
    public Tensor Sqrt() => Call.T(Aten.Sqrt, this);
    public Tensor Rsqrt() => Call.T(Aten.Rsqrt, this);
    public Tensor Sin() => Call.T(Aten.Sin, this);
    public Tensor Cos() => Call.T(Aten.Cos, this);
    public Tensor Tanh() => Call.T(Aten.Tanh, this);
    public Tensor Sigmoid() => Call.T(Aten.Sigmoid, this);
    public Tensor Relu() => Call.T(Aten.Relu, this);
    public Tensor Silu() => Call.T(Aten.Silu, this);
    public Tensor Abs() => Call.T(Aten.Abs, this);
    public Tensor Square() => Call.T(Aten.Square, this);
    public Tensor Sign() => Call.T(Aten.Sign, this);
    public Tensor Erf() => Call.T(Aten.Erf, this);
    public Tensor Floor() => Call.T(Aten.Floor, this);
    public Tensor Ceil() => Call.T(Aten.Ceil, this);
    public Tensor Round() => Call.T(Aten.Round, this);
    public Tensor Reciprocal() => Call.T(Aten.Reciprocal, this);
    public Tensor Maximum(Tensor other) => Call.TT(Aten.MaxOther, this, other);
    public Tensor Minimum(Tensor other) => Call.TT(Aten.MinOther, this, other);

    /// <summary>GELU; approximate "none" (exact, erf) or "tanh".</summary>
    public Tensor Gelu(string approximate = "none")
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(this);
        x.Add(approximate);
        return x.Call(Aten.Gelu);
    }

    public Tensor LeakyRelu(double slope = 0.01) => Call.TS(Aten.LeakyRelu, this, slope);

    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add((Scalar)beta);
        x.Add((Scalar)threshold);
        return x.Call(Aten.Softplus);
    }

    public Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        if (min is null) x.None(); else x.Add(min.Value);
        if (max is null) x.None(); else x.Add(max.Value);
        return x.Call(Aten.Clamp);
    }

    public Tensor Softmax(long dim) => Call.TI(Aten.Softmax, this, dim);
    public Tensor LogSoftmax(long dim) => Call.TI(Aten.LogSoftmax, this, dim);
}
