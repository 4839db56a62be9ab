using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The performance switches of lib/native (rc_perf.cpp): TF32, autocast, memory layout.</summary>
internal static class NativePerformanceMethods
{
    static NativePerformanceMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_set_allow_tf32(int cublas, int cudnn);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_get_allow_tf32(out int cublas, out int cudnn);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_set_cudnn_benchmark(int enabled);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_get_cudnn_benchmark(out int enabled);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_autocast_state(int deviceType, out int enabled, out int dtype);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_autocast_enter(int deviceType, int enabled, int dtype);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_autocast_exit(int deviceType, int previousEnabled, int previousDtype);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_tensor_is_contiguous(IntPtr t, int memoryFormat, out int result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_tensor_suggest_memory_format(IntPtr t, out int result);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_tensor_to_memory_format(IntPtr t, int memoryFormat, out IntPtr result);
}
