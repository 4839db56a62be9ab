using RandCond.Tensors;

namespace RandCond.Tests.Tensors;

/// <summary>Live-tensor counts for leak assertions, taken after the finalizers of earlier tests' unreachable tensors ran.</summary>
public static class LiveTensors
{
    public static long Settled()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return Tensor.LiveCount;
    }
}
