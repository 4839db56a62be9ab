using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>Seeded shuffling into batches: one permutation per epoch from <c>Torch.Randperm</c>, cut into slices.</summary>
public static class ShuffledBatches
{
    /// <summary>
    /// Int64 index tensors on <paramref name="device"/> that together cover 0..count-1 exactly once, in the order of a
    /// permutation drawn from <paramref name="generator"/>; the last short batch is dropped if <paramref name="dropLast"/>.
    /// Each yielded tensor belongs to the caller (or to the dispose scope open when it is yielded).
    /// </summary>
    public static IEnumerable<Tensor> Indices(long count, int batchSize, Generator generator, bool dropLast = false, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Iterate(count, batchSize, generator, dropLast, device ?? generator.Device);
    }

    private static IEnumerable<Tensor> Iterate(long count, int batchSize, Generator generator, bool dropLast, Device device)
    {
        // The permutation lives across the caller's loop body, so no scope of the caller's may own it.
        var drawn = Torch.Randperm(count, generator).DetachFromDisposeScope();
        var permutation = drawn.Device == device ? drawn : drawn.To(device).DetachFromDisposeScope();
        if (!ReferenceEquals(permutation, drawn)) drawn.Dispose();
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                long length = Math.Min(batchSize, count - start);
                if (length < batchSize && dropLast) yield break;
                yield return permutation.Narrow(0, start, length);
            }
        }
        finally
        {
            permutation.Dispose();
        }
    }
}
