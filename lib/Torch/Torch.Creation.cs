using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public static partial class Torch
{
    private static Tensor Factory(OpHandle op, ReadOnlySpan<long> shape, DType dtype, Device? device, bool requiresGrad)
    {
        var x = new OpArgs(stackalloc NativeValue[5]);
        x.Add(shape);
        x.Add(dtype);
        x.None(); // layout
        x.Add(device ?? Device.CPU);
        x.None(); // pin_memory
        return Finish(x.Call(op), requiresGrad);
    }

    private static Tensor Finish(Tensor t, bool requiresGrad)
    {
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(Aten.Zeros, shape, dtype, device, requiresGrad);

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(Aten.Ones, shape, dtype, device, requiresGrad);

    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        Factory(Aten.Empty, shape, dtype, device, false);

    public static Tensor Full(long[] shape, Scalar value, DType dtype = DType.Float32, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[6]);
        x.Add(shape.AsSpan());
        x.Add(value);
        x.Add(dtype);
        x.None();
        x.Add(device ?? Device.CPU);
        x.None();
        return x.Call(Aten.Full);
    }

    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[5]);
        x.Add(n);
        x.Add(dtype);
        x.None();
        x.Add(device ?? Device.CPU);
        x.None();
        return x.Call(Aten.Eye);
    }

    /// <summary>start, start + step, ... below end.</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType dtype = DType.Int64, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[7]);
        x.Add(start);
        x.Add(end);
        x.Add(step ?? 1);
        x.Add(dtype);
        x.None();
        x.Add(device ?? Device.CPU);
        x.None();
        return x.Call(Aten.ArangeStep);
    }

    public static Tensor Arange(long end, DType dtype = DType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[7]);
        x.Add((Scalar)start);
        x.Add((Scalar)end);
        x.Add(steps);
        x.Add(dtype);
        x.None();
        x.Add(device ?? Device.CPU);
        x.None();
        return x.Call(Aten.Linspace);
    }

    private static Tensor Like(OpHandle op, Tensor t)
    {
        var x = new OpArgs(stackalloc NativeValue[1]);
        x.Add(t);
        return x.Call(op);
    }

    public static Tensor ZerosLike(Tensor t) => Like(Aten.ZerosLike, t);
    public static Tensor OnesLike(Tensor t) => Like(Aten.OnesLike, t);
    public static Tensor RandnLike(Tensor t) => Like(Aten.RandnLike, t);

    public static Tensor FullLike(Tensor t, Scalar value)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(t);
        x.Add(value);
        return x.Call(Aten.FullLike);
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static unsafe Tensor FromArray<T>(T[] data, long[]? shape = null, Device? device = null) where T : unmanaged
    {
        shape ??= [data.LongLength];
        long n = ByteSize(shape, 1, "FromArray");
        if (n != data.LongLength)
            throw new ArgumentException($"FromArray: shape [{string.Join(", ", shape)}] holds {n} elements but the array has {data.LongLength}");
        var dev = device ?? Device.CPU;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            NativeMethods.Check(NativeMethods.rc_tensor_from_data(p, (int)DTypeExtensions.Of<T>(), s, shape.Length, (int)dev.Type, dev.Index, out var h), "FromArray");
            return new Tensor(h);
        }
    }

    /// <summary>A tensor of dtype and shape holding a copy of raw little-endian element bytes.</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> data, DType dtype, long[] shape, Device? device = null)
    {
        ArgumentCheck.Defined(dtype, nameof(dtype));
        long bytes = ByteSize(shape, dtype.ElementSize(), "FromBytes");
        if (bytes != data.Length)
            throw new ArgumentException($"FromBytes: {dtype}[{string.Join(", ", shape)}] needs {bytes} bytes but got {data.Length}", nameof(data));
        var dev = device ?? Device.CPU;
        fixed (byte* p = data)
        fixed (long* s = shape)
        {
            NativeMethods.Check(NativeMethods.rc_tensor_from_data(p, (int)dtype, s, shape.Length, (int)dev.Type, dev.Index, out var h), "FromBytes");
            return new Tensor(h);
        }
    }

    /// <summary>Elements times elementSize, refusing negative sizes and products past long.MaxValue.</summary>
    private static long ByteSize(long[] shape, int elementSize, string caller)
    {
        long n = elementSize;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"{caller}: shape [{string.Join(", ", shape)}] has a negative size", nameof(shape));
            if (d != 0 && n > long.MaxValue / d)
                throw new ArgumentException($"{caller}: shape [{string.Join(", ", shape)}] has more than {long.MaxValue} bytes", nameof(shape));
            n *= d;
        }
        return n;
    }

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) =>
        Full([], value, dtype, device);

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(tensors);
        x.Add(dim);
        return x.Call(Aten.Cat);
    }

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[2]);
        x.Add(tensors);
        x.Add(dim);
        return x.Call(Aten.Stack);
    }

    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => a.Where(condition, b);
}
