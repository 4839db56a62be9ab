using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// <see cref="F.UpsampleNearest"/> (and <see cref="F.Interpolate"/> in "nearest" mode at an integer factor, which takes
/// it): libtorch's operator by default; where the training path is <see cref="NormTrainingPath.Formulas"/>, the CUDA
/// kernels' algebra (each value copied over a factor x factor square, the square's gradients summed) through the same
/// autograd function, which the CPU checks here and <c>randcond-bench device-check</c> checks against the kernels.
/// </summary>
public class UpsampleNearestTests
{
    private static float[] Values(Tensor t) => t.Float().Cpu().Contiguous().ToArray<float>();

    private static (float[] Output, float[] Grad, DType GradType, bool ChannelsLast) Run(NormTrainingPath path, Tensor input, long factor)
    {
        using var training = F.UseNormTraining(path);
        var x = input.Detach().RequiresGrad_();
        var y = F.UpsampleNearest(x, factor);
        var w = Torch.Randn(y.Shape, new Generator(7)).To(y.DType);
        var grad = Autograd.Grad([(y * w).Float().Sum()], [x])[0]!;
        return (Values(y), Values(grad), grad.DType, y.IsContiguous(MemoryFormat.ChannelsLast));
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void The_formulas_give_the_operators_output_and_gradient(long factor, bool channelsLast)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 8, 3, 5], new Generator(3));
        if (channelsLast) x = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        var expected = Run(NormTrainingPath.Operators, x, factor);
        var formulas = Run(NormTrainingPath.Formulas, x, factor);
        Assert.Equal(expected.Output, formulas.Output);
        Assert.Equal(expected.Grad, formulas.Grad, (a, b) => Math.Abs(a - b) <= 1e-5f * Math.Max(1, Math.Abs(a)));
        Assert.Equal(channelsLast, formulas.ChannelsLast);
        Assert.Equal(expected.ChannelsLast, formulas.ChannelsLast);
    }

    [Fact]
    public void A_bf16_gradient_is_the_square_sum_in_float32_rounded_once()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([1, 16, 2, 2], new Generator(5)).To(DType.BFloat16).ToMemoryFormat(MemoryFormat.ChannelsLast);
        var formulas = Run(NormTrainingPath.Formulas, x, 2);
        Assert.Equal(DType.BFloat16, formulas.GradType);
        // Run's weighting, in bf16 as the output's gradient is, summed over each 2 x 2 square in float32, rounded once.
        var w = Torch.Randn([1, 16, 4, 4], new Generator(7)).To(DType.BFloat16).Float();
        var expected = Values(w.Reshape(1, 16, 2, 2, 2, 2).Sum([3, 5]).To(DType.BFloat16));
        Assert.Equal(expected, formulas.Grad);
        // (libtorch 1.13's CPU operator rounds along the way, so only its output is compared.)
        Assert.Equal(Run(NormTrainingPath.Operators, x, 2).Output, formulas.Output);
    }

    [Fact]
    public void Interpolate_at_an_integer_factor_upsamples_each_pixel_into_a_square()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 2, 3, 4 }).Reshape(1, 1, 2, 2);
        float[] expected = [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4];
        Assert.Equal(expected, Values(F.Interpolate(x, size: [4, 4])));
        Assert.Equal(expected, Values(F.Interpolate(x, scaleFactor: 2)));
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4], Values(F.Interpolate(x, size: [2, 4])));  // two factors: libtorch's operator
    }

    [Fact]
    public void Bad_arguments_are_managed_errors_that_name_the_operation()
    {
        using var scope = Torch.NewDisposeScope();
        var map = Torch.Zeros([1, 8, 2, 2]);
        Assert.Contains("factor", Assert.Throws<TorchException>(() => F.UpsampleNearest(map, 0)).Message);
        Assert.Contains("(N, C, H, W)", Assert.Throws<TorchException>(() => F.UpsampleNearest(Torch.Zeros([8, 2, 2]), 2)).Message);
    }
}
