using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// <see cref="F.Linear"/> and <see cref="F.Conv2d"/> with a bias: libtorch's operators by default; where the training
/// path is <see cref="NormTrainingPath.Formulas"/>, the column kernels' algebra (the bias added along the channels, its
/// gradient summed over every other dimension, in the bias's dtype), which the CPU checks here and
/// <c>randcond-bench device-check</c> checks against the kernels on CUDA.
/// </summary>
public class BiasedLayerTests
{
    private static float[] Values(Tensor t) => t.Float().Cpu().Contiguous().ToArray<float>();

    /// <summary>The output and the gradients of sum(y * w) for each of the inputs, on fresh leaves.</summary>
    private static (float[] Output, float[][] Grads, DType[] GradTypes) Run(NormTrainingPath path, Func<Tensor[], Tensor> layer, Tensor[] inputs,
                                                                          bool autocast = false)
    {
        using var training = F.UseNormTraining(path);
        var leaves = inputs.Select(t => t.Detach().RequiresGrad_()).ToArray();
        Tensor y;
        using (autocast ? Torch.Autocast(Device.CPU, DType.BFloat16) : default) y = layer(leaves);
        var w = Torch.Randn(y.Shape, new Generator(7));
        var grads = Autograd.Grad([(y.Float() * w).Sum()], leaves);
        return (Values(y), grads.Select(g => Values(g!)).ToArray(), grads.Select(g => g!.DType).ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance) =>
        Assert.Equal(expected, actual, (x, y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x)));

    [Fact]
    public void A_linear_layer_matches_the_operators_on_a_batch_of_token_sequences()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(3);
        Tensor[] inputs = [Torch.Randn([2, 3, 5], g), Torch.Randn([4, 5], g), Torch.Randn([4], g)];
        var expected = Run(NormTrainingPath.Operators, t => F.Linear(t[0], t[1], t[2]), inputs);
        var formulas = Run(NormTrainingPath.Formulas, t => F.Linear(t[0], t[1], t[2]), inputs);
        AssertClose(expected.Output, formulas.Output, 1e-5f);
        for (int i = 0; i < 3; ++i) AssertClose(expected.Grads[i], formulas.Grads[i], 1e-5f);
    }

    [Fact]
    public void Under_autocast_the_linear_bias_gradient_comes_back_in_float32_as_the_operators_give_it()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(5);
        Tensor[] inputs = [Torch.Randn([6, 16], g), Torch.Randn([8, 16], g) * 0.3, Torch.Randn([8], g)];
        var expected = Run(NormTrainingPath.Operators, t => F.Linear(t[0], t[1], t[2]), inputs, autocast: true);
        var formulas = Run(NormTrainingPath.Formulas, t => F.Linear(t[0], t[1], t[2]), inputs, autocast: true);
        Assert.Equal([DType.Float32, DType.Float32, DType.Float32], formulas.GradTypes);
        AssertClose(expected.Output, formulas.Output, 2e-2f);
        for (int i = 0; i < 3; ++i) AssertClose(expected.Grads[i], formulas.Grads[i], 2e-2f);
    }

    [Fact]
    public void A_convolution_matches_the_operators_on_a_channels_last_map()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(9);
        Tensor[] inputs = [Torch.Randn([2, 3, 6, 6], g).ToMemoryFormat(MemoryFormat.ChannelsLast), Torch.Randn([4, 3, 3, 3], g), Torch.Randn([4], g)];
        var expected = Run(NormTrainingPath.Operators, t => F.Conv2d(t[0], t[1], t[2], padding: 1), inputs);
        var formulas = Run(NormTrainingPath.Formulas, t => F.Conv2d(t[0], t[1], t[2], padding: 1), inputs);
        AssertClose(expected.Output, formulas.Output, 1e-5f);
        for (int i = 0; i < 3; ++i) AssertClose(expected.Grads[i], formulas.Grads[i], 1e-4f);
        // The bias's gradient is the sum of the weighting over (N, H, W): a value to check the wiring against.
        var w = Values(Torch.Randn([2, 4, 6, 6], new Generator(7)).Permute(1, 0, 2, 3).Contiguous());
        Assert.Equal(w.Take(72).Sum(), formulas.Grads[2][0], 3);
    }

    [Fact]
    public void A_convolution_with_a_residual_is_the_residual_plus_the_convolution_on_every_path()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(13);
        Tensor[] inputs = [Torch.Randn([2, 3, 6, 6], g).ToMemoryFormat(MemoryFormat.ChannelsLast), Torch.Randn([4, 3, 3, 3], g), Torch.Randn([4], g),
                           Torch.Randn([2, 4, 6, 6], g).ToMemoryFormat(MemoryFormat.ChannelsLast)];
        var expected = Run(NormTrainingPath.Operators, t => t[3] + F.Conv2d(t[0], t[1], t[2], padding: 1), inputs);
        foreach (var path in new[] { NormTrainingPath.Operators, NormTrainingPath.Formulas })
        {
            var fused = Run(path, t => F.Conv2d(t[0], t[1], t[2], padding: 1, residual: t[3]), inputs);
            AssertClose(expected.Output, fused.Output, 1e-6f);
            for (int i = 0; i < 4; ++i) AssertClose(expected.Grads[i], fused.Grads[i], 1e-5f);
        }
        // A residual of another layout still adds (outside the bias's pass).
        var nchw = Run(NormTrainingPath.Formulas, t => F.Conv2d(t[0], t[1], t[2], padding: 1, residual: t[3].Contiguous()), inputs);
        AssertClose(expected.Output, nchw.Output, 1e-6f);
        var e = Assert.Throws<TorchException>(() => F.Conv2d(inputs[0], inputs[1], inputs[2], padding: 1, residual: Torch.Zeros([2, 4, 5, 5])));
        Assert.Contains("size of tensor", e.Message);
    }

    [Fact]
    public void The_formulas_gradients_match_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(11);
        using var training = F.UseNormTraining(NormTrainingPath.Formulas);
        GradChecker.Check("linear (formulas)", t => F.Linear(t[0], t[1], t[2]),
            Torch.Randn([2, 3, 4], g, DType.Float64), Torch.Randn([3, 4], g, DType.Float64), Torch.Randn([3], g, DType.Float64));
        GradChecker.Check("conv2d (formulas)", t => F.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1),
            Torch.Randn([2, 2, 5, 5], g, DType.Float64), Torch.Randn([3, 2, 3, 3], g, DType.Float64), Torch.Randn([3], g, DType.Float64));
        GradChecker.Check("conv2d + residual (formulas)", t => F.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1, residual: t[3]),
            Torch.Randn([2, 2, 5, 5], g, DType.Float64), Torch.Randn([3, 2, 3, 3], g, DType.Float64), Torch.Randn([3], g, DType.Float64),
            Torch.Randn([2, 3, 3, 3], g, DType.Float64));
    }

    [Fact]
    public void A_bias_that_does_not_match_the_weight_is_refused_with_both_shapes()
    {
        using var scope = Torch.NewDisposeScope();
        using var training = F.UseNormTraining(NormTrainingPath.Formulas);
        var x = Torch.Zeros([2, 3, 4, 4]).RequiresGrad_();
        var e = Assert.Throws<TorchException>(() => F.Conv2d(x, Torch.Zeros([5, 3, 3, 3]), Torch.Zeros([4])));
        Assert.Contains("conv2d: the bias [4] does not match the 5 outputs of the weight [5, 3, 3, 3]", e.Message);
        e = Assert.Throws<TorchException>(() => F.Linear(Torch.Zeros([2, 3]).RequiresGrad_(), Torch.Zeros([5, 3]), Torch.Zeros([2, 5])));
        Assert.Contains("linear: the bias [2, 5] does not match", e.Message);
        // Without autocast, a weight of another dtype is libtorch's error, as it is off the formulas' path.
        Assert.Throws<TorchException>(() => F.Linear(Torch.Zeros([2, 3]).RequiresGrad_(), Torch.Zeros([5, 3]).To(DType.BFloat16), Torch.Zeros([5])));
    }
}
