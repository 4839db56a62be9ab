using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// Finite-difference gradient checking in float64: compares autograd's gradient of sum(f(inputs) · w), for a
/// fixed random weighting w, with central differences (eps 1e-6) element by element.
/// </summary>
internal static class GradChecker
{
    public const double Eps = 1e-6;
    public const double Tolerance = 1e-6;

    /// <summary>
    /// Checks d/d inputs of f. Every input must be Float64; f gets fresh leaf tensors with the same values and
    /// must return a Float64 tensor. Returns the largest error found (already asserted below the tolerance).
    /// </summary>
    public static double Check(string name, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        using var scope = Torch.NewDisposeScope();
        foreach (var t in inputs) Assert.Equal(DType.Float64, t.DType);
        var shapes = inputs.Select(t => t.Shape).ToArray();
        var data = inputs.Select(t => t.ToArray<double>()).ToArray();

        // autograd
        var leaves = data.Select((d, i) => Torch.FromArray(d, shapes[i]).RequiresGrad_()).ToArray();
        var output = f(leaves);
        Assert.Equal(DType.Float64, output.DType);
        Assert.True(output.RequiresGrad, $"{name}: the output does not require grad");
        using var generator = new Generator(20240611);
        var weight = Torch.Randn(output.Shape, generator, DType.Float64);
        var loss = (output * weight).Sum();
        var analytic = Autograd.Grad([loss], leaves).Select(g => g!.ToArray<double>()).ToArray();

        // central differences
        double Evaluate()
        {
            using var inner = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            var xs = data.Select((d, i) => Torch.FromArray(d, shapes[i])).ToArray();
            return (f(xs) * weight).Sum().Item();
        }

        double worst = 0;
        string worstAt = "";
        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal(data[i].Length, analytic[i].Length);
            for (int j = 0; j < data[i].Length; j++)
            {
                double saved = data[i][j];
                data[i][j] = saved + Eps;
                double plus = Evaluate();
                data[i][j] = saved - Eps;
                double minus = Evaluate();
                data[i][j] = saved;
                double numeric = (plus - minus) / (2 * Eps);
                double error = Math.Abs(analytic[i][j] - numeric) / Math.Max(1.0, Math.Abs(numeric));
                Assert.False(double.IsNaN(analytic[i][j]), $"{name}: autograd gave NaN for input {i}[{j}]");
                if (error > worst)
                {
                    worst = error;
                    worstAt = $"input {i}[{j}]: autograd {analytic[i][j]:R}, finite difference {numeric:R}";
                }
            }
        }
        Assert.True(worst <= Tolerance, $"{name}: gradient error {worst:E2} > {Tolerance:E0} at {worstAt}");
        return worst;
    }

    /// <summary>Standard normal float64 values of the given shape from a fixed seed.</summary>
    public static Tensor Randn(ulong seed, params long[] shape)
    {
        using var g = new Generator(seed);
        return Torch.Randn(shape, g, DType.Float64);
    }

    /// <summary>Distinct values (a shuffled ramp, spaced 0.1 apart) so max/argmax has no ties.</summary>
    public static Tensor Distinct(ulong seed, params long[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        using var g = new Generator(seed);
        using var perm = Torch.Randperm(n, g);
        using var ramp = perm.To(DType.Float64);
        using var scaled = ramp * 0.1;
        return scaled.Reshape(shape);
    }
}
