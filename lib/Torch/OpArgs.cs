using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>
/// Builds the argument list of one boxed operator call on the stack. Holds references to the tensors it was
/// given until the call returns, so the GC cannot free a temporary argument while native code reads it.
/// Push every schema argument, defaults included: the dispatcher fills in none.
/// </summary>
internal unsafe ref struct OpArgs
{
    private readonly Span<NativeValue> values;
    private int count;
    private object? keep0, keep1, keep2, keep3;
    private List<object>? keepMore;
    private List<IntPtr>? unmanaged;

    public OpArgs(Span<NativeValue> buffer)
    {
        values = buffer;
        count = 0;
        keep0 = keep1 = keep2 = keep3 = null;
        keepMore = null;
        unmanaged = null;
    }

    private void Keep(object o)
    {
        if (keep0 is null) keep0 = o;
        else if (keep1 is null) keep1 = o;
        else if (keep2 is null) keep2 = o;
        else if (keep3 is null) keep3 = o;
        else (keepMore ??= new()).Add(o);
    }

    private ref NativeValue Next(NativeTag tag)
    {
        ref var v = ref values[count++];
        v.Tag = tag;
        v.Length = 0;
        v.Int = 0;
        return ref v;
    }

    public void Add(Tensor t)
    {
        Next(NativeTag.Tensor).Pointer = t.Handle;
        Keep(t);
    }

    public void Add(Tensor? t, bool optional)
    {
        if (t is null) None();
        else Add(t);
    }

    public void None() => Next(NativeTag.None);
    public void Add(long v) => Next(NativeTag.Int).Int = v;
    public void Add(double v) => Next(NativeTag.Double).Double = v;
    public void Add(bool v) => Next(NativeTag.Bool).Int = v ? 1 : 0;
    public void Add(DType v) => Next(NativeTag.Int).Int = (long)ArgumentCheck.Defined(v, "dtype");
    public void Add(DType? v) { if (v is null) None(); else Add(v.Value); }
    public void Add(long? v) { if (v is null) None(); else Add(v.Value); }
    public void Add(double? v) { if (v is null) None(); else Add(v.Value); }

    public void Add(Scalar s)
    {
        switch (s.Kind)
        {
            case 0: Add(s.IntValue); break;
            case 1: Add(s.DoubleValue); break;
            default: Add(s.IntValue != 0); break;
        }
    }

    public void Add(Device d)
    {
        ref var v = ref Next(NativeTag.Device);
        v.Int = (long)d.Type;
        v.Length = d.Index;
    }

    public void Add(Device? d) { if (d is null) None(); else Add(d.Value); }

    public void Add(Generator? g)
    {
        if (g is null) { None(); return; }
        Next(NativeTag.Generator).Pointer = g.Handle;
        Keep(g);
    }

    public void Add(ReadOnlySpan<long> list)
    {
        var pinned = GC.AllocateUninitializedArray<long>(list.Length, pinned: true);
        list.CopyTo(pinned);
        ref var v = ref Next(NativeTag.IntList);
        v.Pointer = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        v.Length = pinned.Length;
        Keep(pinned);
    }

    public void AddIntList(long[]? list) { if (list is null) None(); else Add(list.AsSpan()); }

    public void Add(ReadOnlySpan<double> list)
    {
        var pinned = GC.AllocateUninitializedArray<double>(list.Length, pinned: true);
        list.CopyTo(pinned);
        ref var v = ref Next(NativeTag.DoubleList);
        v.Pointer = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        v.Length = pinned.Length;
        Keep(pinned);
    }

    public void Add(ReadOnlySpan<bool> list)
    {
        var pinned = GC.AllocateUninitializedArray<byte>(list.Length, pinned: true);
        for (int i = 0; i < list.Length; i++) pinned[i] = list[i] ? (byte)1 : (byte)0;
        ref var v = ref Next(NativeTag.BoolList);
        v.Pointer = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        v.Length = pinned.Length;
        Keep(pinned);
    }

    /// <summary>A Tensor[] or Tensor?[] argument (null entries are passed as None).</summary>
    public void Add(IReadOnlyList<Tensor?> tensors)
    {
        var pinned = GC.AllocateUninitializedArray<IntPtr>(tensors.Count, pinned: true);
        for (int i = 0; i < pinned.Length; i++) pinned[i] = tensors[i]?.Handle ?? IntPtr.Zero;
        ref var v = ref Next(NativeTag.TensorList);
        v.Pointer = (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        v.Length = pinned.Length;
        Keep(pinned);
        Keep(tensors);
    }

    public void Add(string s)
    {
        var p = Marshal.StringToCoTaskMemUTF8(s);
        (unmanaged ??= new()).Add(p);
        Next(NativeTag.String).Pointer = p;
    }

    /// <summary>Runs the operator; returns the results (valid until the next call on this thread).</summary>
    public ReadOnlySpan<NativeValue> Invoke(OpHandle op)
    {
        var pointer = op.Pointer;
        int status, n;
        NativeValue* outs;
        fixed (NativeValue* p = values)
            status = NativeMethods.rc_call(pointer, p, count, out outs, out n);
        GC.KeepAlive(keep0);
        GC.KeepAlive(keep1);
        GC.KeepAlive(keep2);
        GC.KeepAlive(keep3);
        GC.KeepAlive(keepMore);
        if (unmanaged is not null)
            foreach (var u in unmanaged) Marshal.FreeCoTaskMem(u);
        if (status != 0) throw new TorchException(op.FullName, NativeMethods.LastError());
        return new ReadOnlySpan<NativeValue>(outs, n);
    }

    /// <summary>Runs an operator with one tensor result.</summary>
    public Tensor Call(OpHandle op)
    {
        var results = Invoke(op);
        if (results.Length == 1 && results[0].Tag == NativeTag.Tensor) return new Tensor(results[0].Pointer);
        return OpResults.Single(op, results);
    }

    /// <summary>Runs an operator whose results are all tensors (several returns or a Tensor[]), flattened.</summary>
    public Tensor[] CallMany(OpHandle op) => OpResults.Tensors(Invoke(op));

    /// <summary>Runs an in-place or out= operator, dropping the aliases it returns.</summary>
    public void CallInPlace(OpHandle op) => OpResults.Free(Invoke(op));
}
