using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>Kineto profiling in lib/native (rc_profiler.cpp).</summary>
internal static class NativeProfilerMethods
{
    static NativeProfilerMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_profiler_start(int cuda);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_profiler_stop([MarshalAs(UnmanagedType.LPUTF8Str)] string? tracePath);
}
