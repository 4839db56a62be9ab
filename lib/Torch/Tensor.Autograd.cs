using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public sealed partial class Tensor
{
    public unsafe bool RequiresGrad
    {
        get
        {
            long* meta = stackalloc long[8];
            Meta(meta, null, 0);
            return meta[4] != 0;
        }
        set => NativeMethods.Check(NativeMethods.rc_set_requires_grad(Handle, value ? 1 : 0), "RequiresGrad");
    }

    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>The accumulated gradient (a new handle; dispose it), or null when there is none.</summary>
    public Tensor? Grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.rc_tensor_grad(Handle, out var g), "Grad");
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => NativeMethods.Check(NativeMethods.rc_tensor_set_grad(Handle, value?.Handle ?? IntPtr.Zero), "Grad");
    }

    /// <summary>A view that shares data but is cut from the autograd graph.</summary>
    public Tensor Detach() => Call.T(Aten.Detach, this);

    /// <summary>Backpropagates from this (scalar, or with an explicit output gradient) into the leaves.</summary>
    public unsafe void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        IntPtr output = Handle;
        IntPtr grad = gradient?.Handle ?? IntPtr.Zero;
        NativeMethods.Check(NativeMethods.rc_backward(&output, &grad, 1, retainGraph ? 1 : 0, createGraph ? 1 : 0), "backward");
        GC.KeepAlive(this);
        GC.KeepAlive(gradient);
    }
}
