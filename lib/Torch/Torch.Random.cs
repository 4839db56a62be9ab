using RandCond.Tensors.Native;

namespace RandCond.Tensors;

public static partial class Torch
{
    private static Tensor RandomFactory(OpHandle op, long[] shape, Generator? generator, DType dtype, Device? device)
    {
        var x = new OpArgs(stackalloc NativeValue[6]);
        x.Add(shape.AsSpan());
        x.Add(generator);
        x.Add(dtype);
        x.None();
        x.Add(device ?? generator?.Device ?? Device.CPU);
        x.None();
        return x.Call(op);
    }

    /// <summary>Standard normal samples (from <paramref name="generator"/>, else the global stream).</summary>
    public static Tensor Randn(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null) =>
        RandomFactory(Aten.Randn, shape, generator, dtype, device);

    /// <summary>Uniform samples on [0, 1).</summary>
    public static Tensor Rand(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null) =>
        RandomFactory(Aten.Rand, shape, generator, dtype, device);

    /// <summary>Integers uniform on [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[8]);
        x.Add(low);
        x.Add(high);
        x.Add(shape.AsSpan());
        x.Add(generator);
        x.Add(dtype);
        x.None();
        x.Add(device ?? generator?.Device ?? Device.CPU);
        x.None();
        return x.Call(Aten.Randint);
    }

    public static Tensor Randperm(long n, Generator? generator = null, Device? device = null)
    {
        var x = new OpArgs(stackalloc NativeValue[6]);
        x.Add(n);
        x.Add(generator);
        x.Add(DType.Int64);
        x.None();
        x.Add(device ?? generator?.Device ?? Device.CPU);
        x.None();
        return x.Call(Aten.Randperm);
    }

    /// <summary>Draws num samples per row of a probability (or weight) matrix.</summary>
    public static Tensor Multinomial(Tensor probabilities, long numSamples, bool replacement = false, Generator? generator = null)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(probabilities);
        x.Add(numSamples);
        x.Add(replacement);
        x.Add(generator);
        return x.Call(Aten.Multinomial);
    }
}

public sealed partial class Tensor
{
    /// <summary>Fills with normal samples in place.</summary>
    public Tensor NormalInPlace(double mean = 0, double std = 1, Generator? generator = null)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(mean);
        x.Add(std);
        x.Add(generator);
        x.CallInPlace(Aten.NormalIn);
        return this;
    }

    /// <summary>Fills with uniform samples on [from, to) in place.</summary>
    public Tensor UniformInPlace(double from = 0, double to = 1, Generator? generator = null)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(this);
        x.Add(from);
        x.Add(to);
        x.Add(generator);
        x.CallInPlace(Aten.UniformIn);
        return this;
    }
}
