using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>
/// A batch of images (B, 1, H, W), their labels (B) and their indices in the dataset (B), all on one device.
/// The caller owns the tensors: dispose the batch, or let the dispose scope that was open when it was produced do so.
/// </summary>
public sealed record ImageBatch(Tensor Images, Tensor Labels, Tensor Indices) : IDisposable
{
    public long Count => Indices.Size(0);

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        Indices.Dispose();
    }
}
