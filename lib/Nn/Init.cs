using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>Weight initializations, in place and without recording gradients (as <c>torch.nn.init</c>).</summary>
public static class Init
{
    public static void Uniform(Tensor t, double low, double high, Generator? generator = null)
    {
        using var _ = Torch.NoGrad();
        t.UniformInPlace(low, high, generator);
    }

    public static void Normal(Tensor t, double mean = 0, double std = 1, Generator? generator = null)
    {
        using var _ = Torch.NoGrad();
        t.NormalInPlace(mean, std, generator);
    }

    public static void Constant(Tensor t, double value)
    {
        using var _ = Torch.NoGrad();
        t.FillInPlace(value);
    }

    public static void Zeros(Tensor t) => Constant(t, 0);
    public static void Ones(Tensor t) => Constant(t, 1);

    /// <summary>(fan_in, fan_out) of a Linear (out, in) or Conv (out, in/groups, kh, kw) weight.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor weight)
    {
        var s = weight.Shape;
        if (s.Length < 2) throw new ArgumentException($"fan of a tensor with {s.Length} dimensions is undefined");
        long receptive = 1;
        for (int i = 2; i < s.Length; i++) receptive *= s[i];
        return (s[1] * receptive, s[0] * receptive);
    }

    /// <summary>He-uniform with negative slope a; a = sqrt(5) gives PyTorch's default for Linear and Conv.</summary>
    public static void KaimingUniform(Tensor t, double a = 0, Generator? generator = null)
    {
        var (fanIn, _) = Fans(t);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double bound = gain * Math.Sqrt(3.0 / fanIn);
        Uniform(t, -bound, bound, generator);
    }

    public static void KaimingNormal(Tensor t, double a = 0, Generator? generator = null)
    {
        var (fanIn, _) = Fans(t);
        Normal(t, 0, Math.Sqrt(2.0 / (1 + a * a)) / Math.Sqrt(fanIn), generator);
    }

    public static void XavierUniform(Tensor t, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(t);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        Uniform(t, -bound, bound, generator);
    }

    /// <summary>PyTorch's default for Linear/Conv: weight He-uniform(a = sqrt(5)), bias uniform(±1/sqrt(fan_in)).</summary>
    internal static void DefaultLayer(Tensor weight, Tensor? bias)
    {
        KaimingUniform(weight, Math.Sqrt(5));
        if (bias is null) return;
        var (fanIn, _) = Fans(weight);
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform(bias, -bound, bound);
    }
}
