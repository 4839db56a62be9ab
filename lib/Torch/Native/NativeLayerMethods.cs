using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The layers with a bias of lib/native (rc_biased_layers.cpp): linear and conv2d, their bias through the column kernels where they apply.</summary>
internal static class NativeLayerMethods
{
    static NativeLayerMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_linear(IntPtr input, IntPtr weight, IntPtr bias, out IntPtr result);

    [DllImport(NativeMethods.Lib)]
    internal static extern int rc_conv2d(IntPtr input, IntPtr weight, IntPtr bias, IntPtr residual, long stride, long padding, long dilation, long groups, out IntPtr result);
}
