using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The normalizations of lib/native (rc_norms.cpp): libtorch's operators, or fused CUDA kernels (inference, and training where <see cref="NormTrainingPath"/> says so).</summary>
internal static class NativeNormMethods
{
    static NativeNormMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_group_norm(IntPtr x, long groups, IntPtr weight, IntPtr bias, IntPtr shift, double eps, int silu, int lowPrecisionOutput, out IntPtr result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_layer_norm(IntPtr x, IntPtr weight, IntPtr bias, double eps, int lowPrecisionOutput, out IntPtr result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_fused_norm_kernels();
    [DllImport(NativeMethods.Lib)] internal static extern int rc_set_norm_training(int path);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_get_norm_training(out int path);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_set_channels_last_norm_kernel(int vector);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_get_channels_last_norm_kernel(out int vector);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_channels_last_norm_plan(long channels, long hw, long groups, int xBytes, out int slab, out int threads);
}
