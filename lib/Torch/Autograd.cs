using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Gradients without touching <c>.Grad</c> (as <c>torch.autograd.grad</c>).</summary>
public static class Autograd
{
    /// <summary>d(sum of outputs · gradOutputs)/d inputs, one result per input (null if unused and allowUnused).</summary>
    public static unsafe Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs = null,
                                        bool retainGraph = false, bool createGraph = false, bool allowUnused = false)
    {
        var outs = stackalloc IntPtr[outputs.Length];
        var grads = stackalloc IntPtr[outputs.Length];
        var ins = stackalloc IntPtr[inputs.Length];
        var results = stackalloc IntPtr[inputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            outs[i] = outputs[i].Handle;
            grads[i] = gradOutputs?[i]?.Handle ?? IntPtr.Zero;
        }
        for (int i = 0; i < inputs.Length; i++) ins[i] = inputs[i].Handle;
        NativeMethods.Check(NativeMethods.rc_grad(outs, grads, outputs.Length, ins, inputs.Length, retainGraph ? 1 : 0,
            createGraph ? 1 : 0, allowUnused ? 1 : 0, results), "autograd.grad");
        GC.KeepAlive(outputs);
        GC.KeepAlive(inputs);
        GC.KeepAlive(gradOutputs);
        var r = new Tensor?[inputs.Length];
        for (int i = 0; i < r.Length; i++) r[i] = results[i] == IntPtr.Zero ? null : new Tensor(results[i]);
        return r;
    }
}
