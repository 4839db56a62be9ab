using System.Runtime.InteropServices;

namespace RandCond.Kernel.Zmq;

/// <summary>A libzmq context. Dispose it after every socket made from it (zmq_ctx_term waits for them).</summary>
public sealed class ZmqContext : SafeHandle
{
    public ZmqContext() : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(ZmqNative.zmq_ctx_new());
        if (IsInvalid) throw ZmqException.FromErrno("zmq_ctx_new");
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public ZmqSocket CreateSocket(ZmqSocketType type) => new(this, type);

    protected override bool ReleaseHandle()
    {
        // zmq_ctx_term may be interrupted by a signal; it is then safe (and required) to call again.
        while (ZmqNative.zmq_ctx_term(handle) != 0 && ZmqNative.LastError == ZmqNative.EIntr) { }
        return true;
    }
}
