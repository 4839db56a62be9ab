using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// cuDNN autotuning, as <c>torch.backends.cudnn.benchmark</c>: the first convolution of each new shape times cuDNN's
/// algorithms and keeps the fastest. Worth it when shapes repeat, as in training and sampling at a fixed batch; off by
/// default in libtorch and PyTorch. Process-wide; on the CPU it is recorded and ignored.
/// </summary>
public static class Cudnn
{
    public static bool Benchmark
    {
        get
        {
            NativeMethods.Check(NativePerformanceMethods.rc_get_cudnn_benchmark(out int enabled), "get cuDNN benchmark");
            return enabled != 0;
        }
        set => NativeMethods.Check(NativePerformanceMethods.rc_set_cudnn_benchmark(value ? 1 : 0), "set cuDNN benchmark");
    }
}
