using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Linear algebra (as <c>torch.linalg</c>).</summary>
public static class Linalg
{
    /// <summary>Eigen-decomposition of a symmetric (Hermitian) matrix: ascending eigenvalues and eigenvectors as columns.</summary>
    public static (Tensor Eigenvalues, Tensor Eigenvectors) Eigh(Tensor symmetric, string uplo = "L")
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(symmetric);
        x.Add(uplo);
        var r = x.CallMany(Aten.Eigh);
        return (r[0], r[1]);
    }
}
