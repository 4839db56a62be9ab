using System.Runtime.InteropServices;

namespace RandCond.Tensors.Native;

/// <summary>The C ABI of lib/native (rc_api.h). Every int-returning call: 0 = ok, else see rc_last_error.</summary>
internal static unsafe class NativeMethods
{
    internal const string Lib = "randcond_native";

    static NativeMethods() => NativeLoader.EnsureRegistered();

    [DllImport(Lib)] internal static extern IntPtr rc_last_error();

    [DllImport(Lib)] internal static extern int rc_op_find(byte* name, byte* overload, out IntPtr op);
    [DllImport(Lib)] internal static extern int rc_op_exists(byte* name, byte* overload);
    [DllImport(Lib)] internal static extern IntPtr rc_op_schema(IntPtr op);
    [DllImport(Lib)] internal static extern int rc_call(IntPtr op, NativeValue* args, int nargs, out NativeValue* outs, out int nouts);

    [DllImport(Lib)] internal static extern void rc_tensor_free(IntPtr t);
    [DllImport(Lib)] internal static extern long rc_live_tensors();
    [DllImport(Lib)] internal static extern int rc_tensor_clone_handle(IntPtr t, out IntPtr result);
    [DllImport(Lib)] internal static extern int rc_tensor_meta(IntPtr t, long* meta, long* shape, int cap);
    [DllImport(Lib)] internal static extern int rc_tensor_from_data(void* data, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, out IntPtr result);
    [DllImport(Lib)] internal static extern int rc_tensor_to_host(IntPtr t, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern int rc_tensor_item(IntPtr t, out double value);
    [DllImport(Lib)] internal static extern int rc_tensor_to_string(IntPtr t, out IntPtr text);

    [DllImport(Lib)] internal static extern int rc_set_requires_grad(IntPtr t, int requiresGrad);
    [DllImport(Lib)] internal static extern int rc_tensor_grad(IntPtr t, out IntPtr grad);
    [DllImport(Lib)] internal static extern int rc_tensor_set_grad(IntPtr t, IntPtr grad);
    [DllImport(Lib)] internal static extern int rc_backward(IntPtr* outputs, IntPtr* gradOutputs, int n, int retainGraph, int createGraph);
    [DllImport(Lib)] internal static extern int rc_grad(IntPtr* outputs, IntPtr* gradOutputs, int nout, IntPtr* inputs, int nin, int retainGraph, int createGraph, int allowUnused, IntPtr* results);
    [DllImport(Lib)] internal static extern int rc_grad_enabled();
    [DllImport(Lib)] internal static extern void rc_set_grad_enabled(int enabled);

    [DllImport(Lib)] internal static extern int rc_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern int rc_generator_new(int deviceType, int deviceIndex, ulong seed, out IntPtr generator);
    [DllImport(Lib)] internal static extern void rc_generator_free(IntPtr generator);
    [DllImport(Lib)] internal static extern int rc_generator_set_seed(IntPtr generator, ulong seed);
    [DllImport(Lib)] internal static extern int rc_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int rc_get_num_threads();
    [DllImport(Lib)] internal static extern IntPtr rc_torch_version();
    [DllImport(Lib)] internal static extern int rc_built_with_cuda();
    [DllImport(Lib)] internal static extern int rc_cuda_is_available();
    [DllImport(Lib)] internal static extern int rc_cuda_device_count();
    [DllImport(Lib)] internal static extern int rc_cuda_synchronize(int deviceIndex);
    [DllImport(Lib)] internal static extern int rc_cuda_memory_stats(int deviceIndex, long* stats);
    [DllImport(Lib)] internal static extern int rc_cuda_empty_cache();
    [DllImport(Lib)] internal static extern int rc_cuda_device_name(int deviceIndex, out IntPtr name);
    [DllImport(Lib)] internal static extern int rc_host_memory_policy(out int state, out long mmapThreshold, out long trimThreshold);
    [DllImport(Lib)] internal static extern int rc_host_page_faults(out long minor, out long major);
    [DllImport(Lib)] internal static extern int rc_blas_threads(out int kind, out int threads, out int pinned);
    [DllImport(Lib)] internal static extern int rc_set_blas_threads(int threads);

    internal static string LastError() => Marshal.PtrToStringUTF8(rc_last_error()) ?? "unknown native error";

    /// <summary>Throws a <see cref="TorchException"/> carrying libtorch's message when status is non-zero.</summary>
    internal static void Check(int status, string operation)
    {
        if (status != 0) throw new TorchException(operation, LastError());
    }
}
