using RandCond.Tensors;

namespace RandCond.Tests.Tensors;

/// <summary>Live-tensor counts for leak assertions, taken after the finalizers of earlier tests' unreachable tensors ran.</summary>
public static class LiveTensors
{
    public static long Settled()
    {
        Collect();
        return Tensor.LiveCount;
    }

    /// <summary>Collects garbage and runs pending finalizers until finalizable chains are gone.</summary>
    public static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
