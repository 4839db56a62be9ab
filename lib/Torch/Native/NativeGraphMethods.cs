using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>CUDA graphs and stream forks of lib/native (rc_graph.cpp, rc_stream_fork.cpp).</summary>
internal static class NativeGraphMethods
{
    static NativeGraphMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_new(out IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_capture_begin(IntPtr graph, int deviceIndex);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_capture_end(IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_replay(IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern void rc_cuda_graph_free(IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_stream_fork(int deviceIndex, int lane, out IntPtr fork);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_stream_enter(IntPtr fork);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_stream_leave(IntPtr fork);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_stream_join(IntPtr fork);
}
