using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>CUDA graphs of lib/native (rc_graph.cpp).</summary>
internal static class NativeGraphMethods
{
    static NativeGraphMethods() => NativeLoader.EnsureRegistered();

    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_new(out IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_capture_begin(IntPtr graph, int deviceIndex);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_capture_end(IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern int rc_cuda_graph_replay(IntPtr graph);
    [DllImport(NativeMethods.Lib)] internal static extern void rc_cuda_graph_free(IntPtr graph);
}
