using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Turns the raw results of a boxed call into managed values, owning every tensor handle.</summary>
internal static class OpResults
{
    internal static Tensor Single(OpHandle op, ReadOnlySpan<NativeValue> results)
    {
        var tensors = Tensors(results);
        if (tensors.Length == 1) return tensors[0];
        foreach (var t in tensors) t.Dispose();
        throw new InvalidOperationException($"{op.FullName} returns {tensors.Length} tensors, not one; use Torch.OpMany");
    }

    internal static Tensor[] Tensors(ReadOnlySpan<NativeValue> results)
    {
        int n = 0;
        foreach (var r in results) if (r.Tag == NativeTag.Tensor) n++;
        var tensors = new Tensor[n];
        int i = 0;
        foreach (var r in results) if (r.Tag == NativeTag.Tensor) tensors[i++] = new Tensor(r.Pointer);
        return tensors;
    }

    internal static void Free(ReadOnlySpan<NativeValue> results)
    {
        foreach (var r in results)
            if (r.Tag == NativeTag.Tensor) NativeMethods.rc_tensor_free(r.Pointer);
    }

    /// <summary>Each schema return as Tensor, Tensor[], long, double, bool or null.</summary>
    internal static object?[] Values(ReadOnlySpan<NativeValue> results)
    {
        var values = new List<object?>();
        for (int i = 0; i < results.Length; i++)
        {
            var r = results[i];
            switch (r.Tag)
            {
                case NativeTag.Tensor: values.Add(new Tensor(r.Pointer)); break;
                case NativeTag.TensorList:
                    var list = new Tensor[r.Length];
                    for (int k = 0; k < r.Length; k++) list[k] = new Tensor(results[++i].Pointer);
                    values.Add(list);
                    break;
                case NativeTag.Int: values.Add(r.Int); break;
                case NativeTag.Double: values.Add(r.Double); break;
                case NativeTag.Bool: values.Add(r.Int != 0); break;
                default: values.Add(null); break;
            }
        }
        return values.ToArray();
    }
}
