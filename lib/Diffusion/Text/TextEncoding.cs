using RandCond.Tensors;

namespace RandCond.Diffusion.Text;

/// <summary>
/// A text encoder's output: Context (B, L, Width) for cross-attention and Mask (Bool (B, L), true for real
/// tokens, false for padding). Both tensors belong to this object (or to the dispose scope it was made in).
/// </summary>
public sealed record TextEncoding(Tensor Context, Tensor Mask) : IDisposable
{
    public void Dispose()
    {
        Context.Dispose();
        Mask.Dispose();
    }
}
