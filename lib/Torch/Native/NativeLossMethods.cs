using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The losses of lib/native (rc_squared_error.cpp): the mean squared error, on its fused CUDA kernels where they apply.</summary>
internal static class NativeLossMethods
{
    static NativeLossMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_mse_loss(IntPtr input, IntPtr target, out IntPtr result);
}
