using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// Work that may run beside the work around it on the GPU, as <c>side.wait_stream(current)</c>, <c>with
/// torch.cuda.stream(side): ...</c>, then <c>current.wait_stream(side)</c>. <see cref="On"/> forks: the device's side
/// stream waits for everything queued so far; <see cref="Side"/> runs a body whose kernels go to the side stream while the
/// kernels issued outside it stay on the current stream; <see cref="Dispose"/> joins: the current stream waits for the
/// side stream. Inside a <see cref="CudaGraph"/> capture the two become parallel branches of the graph. Read what the side
/// computed only after the join, and keep the tensors it reads alive until then. Every stream has side streams of its
/// own, one per lane (0..3): a second student forked onto lane 1 of the current stream forks its teacher onto lane 0 of
/// that lane's stream, which is not the first student's teacher's, so graphs captured so keep their kernels (and the
/// cuBLAS workspace libtorch keeps per stream) apart when they replay side by side. On the CPU, and when
/// <c>enabled</c> is false, <see cref="Side"/> just runs its body.
/// </summary>
public sealed class StreamFork : IDisposable
{
    private IntPtr handle;

    private StreamFork(IntPtr handle) => this.handle = handle;

    /// <summary>The lanes a stream has: its side streams.</summary>
    public const int Lanes = 4;

    /// <summary>Forks onto the side stream of <paramref name="lane"/> of <paramref name="device"/>'s current stream when it is a CUDA device and <paramref name="enabled"/>.</summary>
    public static StreamFork On(Device device, bool enabled = true, int lane = 0)
    {
        if (lane is < 0 or >= Lanes) throw new ArgumentOutOfRangeException(nameof(lane), lane, $"a stream fork's lane is 0..{Lanes - 1}");
        if (!device.IsCuda || !enabled) return new StreamFork(IntPtr.Zero);
        NativeMethods.Check(NativeGraphMethods.rc_stream_fork(device.Index, lane, out var fork), $"fork onto lane {lane}'s side stream of {device}");
        return new StreamFork(fork);
    }

    /// <summary>True while the fork is open (a CUDA fork not yet joined).</summary>
    public bool IsForked => handle != IntPtr.Zero;

    /// <summary>Runs <paramref name="body"/> with its kernels on the side stream (on the current one when not forked).</summary>
    public T Side<T>(Func<T> body)
    {
        if (handle == IntPtr.Zero) return body();
        NativeMethods.Check(NativeGraphMethods.rc_stream_enter(handle), "enter a side stream");
        try
        {
            return body();
        }
        finally
        {
            NativeMethods.Check(NativeGraphMethods.rc_stream_leave(handle), "leave a side stream");
        }
    }

    /// <summary>Joins: the forked-from stream waits for the side stream's work.</summary>
    public void Dispose()
    {
        if (handle == IntPtr.Zero) return;
        var fork = handle;
        handle = IntPtr.Zero;
        NativeMethods.Check(NativeGraphMethods.rc_stream_join(fork), "join a side stream");
    }
}
