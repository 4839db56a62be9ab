using RandCond.Torch;

namespace RandCond.Nn;

/// <summary>
/// Multi-tensor ("_foreach") operators: one dispatcher call updates a whole list of tensors, which is how
/// optimizers avoid one kernel launch per parameter and per step on the GPU.
/// </summary>
internal static class Foreach
{
    private static readonly OpHandle MulS = new("aten::_foreach_mul_", "Scalar");
    private static readonly OpHandle AddL = new("aten::_foreach_add_", "List");
    private static readonly OpHandle AddS = new("aten::_foreach_add_", "Scalar");
    private static readonly OpHandle DivS = new("aten::_foreach_div_", "Scalar");
    private static readonly OpHandle AddcmulS = new("aten::_foreach_addcmul_", "Scalar");
    private static readonly OpHandle AddcdivS = new("aten::_foreach_addcdiv_", "Scalar");
    private static readonly OpHandle Sqrt = new("aten::_foreach_sqrt", "");
    private static readonly OpHandle Norm = new("aten::_foreach_norm", "Scalar");
    private static readonly OpHandle MulT = new("aten::_foreach_mul_", "Tensor");

    public static void MulInPlace(Tensor[] xs, double s) => InPlace(MulS, xs, s);
    public static void AddInPlace(Tensor[] xs, double s) => InPlace(AddS, xs, s);
    public static void DivInPlace(Tensor[] xs, double s) => InPlace(DivS, xs, s);

    /// <summary>xs += alpha * ys.</summary>
    public static void AddInPlace(Tensor[] xs, Tensor[] ys, double alpha) => Torch.Torch.OpVoid(AddL, xs, ys, alpha);

    /// <summary>xs += value * a * b.</summary>
    public static void AddCMulInPlace(Tensor[] xs, Tensor[] a, Tensor[] b, double value) => Torch.Torch.OpVoid(AddcmulS, xs, a, b, value);

    /// <summary>xs += value * a / b.</summary>
    public static void AddCDivInPlace(Tensor[] xs, Tensor[] a, Tensor[] b, double value) => Torch.Torch.OpVoid(AddcdivS, xs, a, b, value);

    public static Tensor[] SqrtOf(Tensor[] xs) => Torch.Torch.OpTensors(Sqrt, xs);

    public static Tensor[] Norms(Tensor[] xs) => Torch.Torch.OpTensors(Norm, xs, 2.0);

    /// <summary>xs *= s, where s is a one-element tensor (no host synchronization).</summary>
    public static void MulInPlace(Tensor[] xs, Tensor s)
    {
        if (MulT.Exists)
        {
            Torch.Torch.OpVoid(MulT, xs, s);
            return;
        }
        foreach (var x in xs) x.MulInPlace(s);
    }

    private static void InPlace(OpHandle op, Tensor[] xs, double s) => Torch.Torch.OpVoid(op, xs, s);
}
