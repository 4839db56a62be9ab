using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// A CUDA graph, as <c>torch.cuda.CUDAGraph</c>: <see cref="Capture"/> runs a body once while recording every kernel it
/// launches; <see cref="Replay"/> launches the recording again with one call, with none of the per-operator host work.
/// A replay reads and writes the very tensors the capture used: copy new inputs into the same input tensors before each
/// replay, and read outputs from the tensors the body returned. The body must not read values back to the host, and every
/// tensor it allocates must stay alive while the graph is replayed (the graph reuses their memory). Run the body a few
/// times eagerly first, so that lazily made state (optimizer moments, cuDNN plans) exists before the capture.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private IntPtr handle;

    public CudaGraph()
    {
        NativeMethods.Check(NativeGraphMethods.rc_cuda_graph_new(out handle), "create CUDA graph");
    }

    public bool IsCaptured { get; private set; }

    /// <summary>Records <paramref name="body"/> on <paramref name="device"/> (a CUDA device) and returns what it returned.</summary>
    public T Capture<T>(Device device, Func<T> body)
    {
        ObjectDisposedException.ThrowIf(handle == IntPtr.Zero, this);
        if (!device.IsCuda) throw new ArgumentException($"CUDA graphs capture CUDA work; the device is {device}", nameof(device));
        if (IsCaptured) throw new InvalidOperationException("this CUDA graph is already captured; make a new one to capture again");
        NativeMethods.Check(NativeGraphMethods.rc_cuda_graph_capture_begin(handle, device.Index), "begin CUDA graph capture");
        T result;
        try
        {
            result = body();
        }
        catch (Exception inner)
        {
            int rc = NativeGraphMethods.rc_cuda_graph_capture_end(handle);
            string ending = rc != 0 ? $" (ending the capture: {NativeMethods.LastError()})" : "";
            // libtorch's errors stay TorchExceptions, which the lab and benchmark programs report as errors, not crashes.
            if (inner is TorchException torch) throw new TorchException("CUDA graph capture", $"{torch.Message}{ending}", inner);
            throw new InvalidOperationException($"CUDA graph capture failed in its body{ending}: {inner.Message}", inner);
        }
        NativeMethods.Check(NativeGraphMethods.rc_cuda_graph_capture_end(handle), "end CUDA graph capture");
        IsCaptured = true;
        return result;
    }

    public void Replay()
    {
        ObjectDisposedException.ThrowIf(handle == IntPtr.Zero, this);
        if (!IsCaptured) throw new InvalidOperationException("replay of a CUDA graph that was never captured");
        NativeMethods.Check(NativeGraphMethods.rc_cuda_graph_replay(handle), "replay CUDA graph");
    }

    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        NativeGraphMethods.rc_cuda_graph_free(handle);
        handle = IntPtr.Zero;
    }
}
