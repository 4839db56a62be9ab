using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>
/// The layers of lib/native with kernels of their own: linear and conv2d (rc_biased_layers.cpp), their bias through the column
/// kernels where they apply; nearest upsampling by an integer factor (rc_upsample.cpp).
/// </summary>
internal static class NativeLayerMethods
{
    static NativeLayerMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_linear(IntPtr input, IntPtr weight, IntPtr bias, out IntPtr result);

    [DllImport(NativeMethods.Lib)]
    internal static extern int rc_conv2d(IntPtr input, IntPtr weight, IntPtr bias, IntPtr residual, long stride, long padding, long dilation, long groups, out IntPtr result);

    [DllImport(NativeMethods.Lib)] internal static extern int rc_upsample_nearest(IntPtr input, long factor, out IntPtr result);
}
