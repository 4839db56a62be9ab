using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public sealed partial class Tensor
{
    public Tensor Sum() => Call.T(Aten.Sum, this);
    public Tensor Sum(long dim, bool keepDim = false) => Call.Reduce(Aten.SumDim, this, [dim], keepDim);
    public Tensor Sum(long[] dims, bool keepDim = false) => Call.Reduce(Aten.SumDim, this, dims, keepDim);
    public Tensor Mean() => Call.T(Aten.Mean, this);
    public Tensor Mean(long dim, bool keepDim = false) => Call.Reduce(Aten.MeanDim, this, [dim], keepDim);
    public Tensor Mean(long[] dims, bool keepDim = false) => Call.Reduce(Aten.MeanDim, this, dims, keepDim);
    public Tensor Max() => Call.T(Aten.Max, this);
    public Tensor Min() => Call.T(Aten.Min, this);
    public Tensor Amax(long dim, bool keepDim = false) => Call.Reduce(Aten.Amax, this, [dim], keepDim);
    public Tensor Prod() => Call.T(Aten.Prod, this);
    public Tensor All() => Call.T(Aten.All, this);
    public Tensor Any() => Call.T(Aten.Any, this);

    /// <summary>Maximum along a dimension: (values, indices).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => ValuesIndices(Aten.MaxDim, dim, keepDim);
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => ValuesIndices(Aten.MinDim, dim, keepDim);

    private (Tensor, Tensor) ValuesIndices(OpHandle op, long dim, bool keepDim)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim);
        x.Add(keepDim);
        var r = x.CallMany(op);
        return (r[0], r[1]);
    }

    public Tensor ArgMax(long? dim = null, bool keepDim = false) => ArgReduce(Aten.Argmax, dim, keepDim);
    public Tensor ArgMin(long? dim = null, bool keepDim = false) => ArgReduce(Aten.Argmin, dim, keepDim);

    private Tensor ArgReduce(OpHandle op, long? dim, bool keepDim)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(this);
        x.Add(dim);
        x.Add(keepDim);
        return x.Call(op);
    }

    /// <summary>Variance with Bessel's correction by default (correction = 1), over dims or all elements.</summary>
    public Tensor Var(long[]? dims = null, long correction = 1, bool keepDim = false) => Moment(Aten.Var, dims, correction, keepDim);
    public Tensor Std(long[]? dims = null, long correction = 1, bool keepDim = false) => Moment(Aten.Std, dims, correction, keepDim);

    private Tensor Moment(OpHandle op, long[]? dims, long correction, bool keepDim)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.AddIntList(dims);
        x.Add(correction);
        x.Add(keepDim);
        return x.Call(op);
    }

    public Tensor LogSumExp(long dim, bool keepDim = false) => Call.Reduce(Aten.Logsumexp, this, [dim], keepDim);

    /// <summary>The p-norm over dims (all elements when dims is null).</summary>
    public Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add((Scalar)p);
        x.AddIntList(dims);
        x.Add(keepDim);
        return x.Call(Aten.VectorNorm);
    }

    public Tensor CumSum(long dim)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(this);
        x.Add(dim);
        return x.Call(Aten.Cumsum);
    }
}
