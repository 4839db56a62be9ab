using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The normalizations of lib/native (rc_norms.cpp): libtorch's operators, or fused CUDA kernels for inference.</summary>
internal static class NativeNormMethods
{
    static NativeNormMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_group_norm(IntPtr x, long groups, IntPtr weight, IntPtr bias, IntPtr shift, double eps, int silu, out IntPtr result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_layer_norm(IntPtr x, IntPtr weight, IntPtr bias, double eps, out IntPtr result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_fused_norm_kernels();
}
