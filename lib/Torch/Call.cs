using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Boxed calls of the common argument shapes (T = tensor, S = scalar, I = int, L = int list).</summary>
internal static class Call
{
    internal static Tensor T(OpHandle op, Tensor a)
    {
        var x = new OpArgs(stackalloc NativeValue[1]);
        x.Add(a);
        return x.Call(op);
    }

    internal static Tensor TT(OpHandle op, Tensor a, Tensor b)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(b);
        return x.Call(op);
    }

    internal static Tensor TS(OpHandle op, Tensor a, Scalar s)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(s);
        return x.Call(op);
    }

    internal static Tensor TI(OpHandle op, Tensor a, long i)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(i);
        return x.Call(op);
    }

    internal static Tensor TL(OpHandle op, Tensor a, ReadOnlySpan<long> list)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(list);
        return x.Call(op);
    }

    /// <summary>A reduction over dims with keepdim (sum/mean/amax shape of schema).</summary>
    internal static Tensor Reduce(OpHandle op, Tensor a, ReadOnlySpan<long> dims, bool keepDim)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(a);
        x.Add(dims);
        x.Add(keepDim);
        return x.Call(op);
    }

    internal static void InPlaceT(OpHandle op, Tensor a, Tensor b)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(b);
        x.CallInPlace(op);
    }

    internal static void InPlaceS(OpHandle op, Tensor a, Scalar s)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(a);
        x.Add(s);
        x.CallInPlace(op);
    }
}
