using System.Runtime.InteropServices;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Owns one native at::Tensor handle; counts live handles so tests can prove loops leak nothing.</summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long live;

    internal TensorHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(native);
        Interlocked.Increment(ref live);
    }

    internal static long Live => Interlocked.Read(ref live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.rc_tensor_free(handle);
        Interlocked.Decrement(ref live);
        return true;
    }
}
