using RandCond.Tensors;
using RandCond.Tensors.Native;

namespace RandCond.Nn;

/// <summary>
/// Multi-tensor ("_foreach") operators: one dispatcher call updates a whole list of tensors, which is how
/// optimizers avoid one kernel launch per parameter and per step on the GPU.
/// </summary>
internal static class Foreach
{
    private static readonly OpHandle MulS = new("aten::_foreach_mul_", "Scalar");
    private static readonly OpHandle MulT = new("aten::_foreach_mul_", "Tensor");
    private static readonly OpHandle MulTOut = new("aten::_foreach_mul", "Tensor");
    private static readonly OpHandle AddL = new("aten::_foreach_add_", "List");
    private static readonly OpHandle AddS = new("aten::_foreach_add_", "Scalar");
    private static readonly OpHandle DivS = new("aten::_foreach_div_", "Scalar");
    private static readonly OpHandle AddcmulS = new("aten::_foreach_addcmul_", "Scalar");
    private static readonly OpHandle AddcdivS = new("aten::_foreach_addcdiv_", "Scalar");
    private static readonly OpHandle Sqrt = new("aten::_foreach_sqrt", "");
    private static readonly OpHandle Norm = new("aten::_foreach_norm", "Scalar");

    public static void MulInPlace(Tensor[] xs, double s) => ListScalar(MulS, xs, s);
    public static void AddInPlace(Tensor[] xs, double s) => ListScalar(AddS, xs, s);
    public static void DivInPlace(Tensor[] xs, double s) => ListScalar(DivS, xs, s);

    /// <summary>xs += alpha * ys.</summary>
    public static void AddInPlace(Tensor[] xs, Tensor[] ys, double alpha)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(xs);
        x.Add(ys);
        x.Add((Scalar)alpha);
        x.CallInPlace(AddL);
    }

    /// <summary>xs += value * a * b.</summary>
    public static void AddCMulInPlace(Tensor[] xs, Tensor[] a, Tensor[] b, double value) => ListListList(AddcmulS, xs, a, b, value);

    /// <summary>xs += value * a / b.</summary>
    public static void AddCDivInPlace(Tensor[] xs, Tensor[] a, Tensor[] b, double value) => ListListList(AddcdivS, xs, a, b, value);

    public static Tensor[] SqrtOf(Tensor[] xs)
    {
        var x = new OpArgs(stackalloc NativeValue[1]);
        x.Add(xs);
        return x.CallMany(Sqrt);
    }

    public static Tensor[] Norms(Tensor[] xs)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(xs);
        x.Add((Scalar)2);
        return x.CallMany(Norm);
    }

    /// <summary>xs *= s, where s is a one-element tensor (no host synchronization).</summary>
    public static void MulInPlace(Tensor[] xs, Tensor s)
    {
        if (!MulT.Exists)
        {
            foreach (var t in xs) t.MulInPlace(s);
            return;
        }
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(xs);
        x.Add(s);
        x.CallInPlace(MulT);
    }

    /// <summary>Whether this libtorch multiplies a list by a device scalar in one multi-tensor call (2.1 and later; 1.13 does not).</summary>
    public static bool TakesDeviceScalars => MulT.Exists && MulTOut.Exists;

    /// <summary>xs * s as new tensors, where s is a zero-dimensional tensor (no host synchronization); needs <see cref="TakesDeviceScalars"/>.</summary>
    public static Tensor[] Times(Tensor[] xs, Tensor s)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(xs);
        x.Add(s);
        return x.CallMany(MulTOut);
    }

    private static void ListScalar(OpHandle op, Tensor[] xs, double s)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(xs);
        x.Add((Scalar)s);
        x.CallInPlace(op);
    }

    private static void ListListList(OpHandle op, Tensor[] xs, Tensor[] a, Tensor[] b, double value)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(xs);
        x.Add(a);
        x.Add(b);
        x.Add((Scalar)value);
        x.CallInPlace(op);
    }
}
