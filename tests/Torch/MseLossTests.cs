using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// <see cref="F.MseLoss"/>'s mean: libtorch's mse_loss by default, its fused path's formulas where the training path is
/// <see cref="NormTrainingPath.Formulas"/> (the CPU has no kernels; <c>randcond-bench device-check</c> checks them on
/// CUDA), and its errors.
/// </summary>
public class MseLossTests
{
    private static float[] Values(Tensor t) => t.Float().Cpu().Contiguous().ToArray<float>();

    [Fact]
    public void The_formulas_match_the_operators_on_a_channels_last_input_against_a_bf16_nchw_target()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(41);
        var input = (Torch.Randn([2, 3, 4, 5], g) * 2.0).ToMemoryFormat(MemoryFormat.ChannelsLast);
        var target = Torch.Randn([2, 3, 4, 5], g).To(DType.BFloat16);

        (float Loss, float[] InputGrad, float[] TargetGrad) Run(NormTrainingPath path)
        {
            using var training = F.UseNormTraining(path);
            var a = input.Detach().RequiresGrad_();
            var b = target.Detach().RequiresGrad_();
            var loss = F.MseLoss(a, b);
            Assert.Equal(DType.Float32, loss.DType);
            var grads = Autograd.Grad([loss * 3.0], [a, b]);
            Assert.Equal(DType.BFloat16, grads[1]!.DType);
            return ((float)loss.Item(), Values(grads[0]!), Values(grads[1]!));
        }

        var expected = Run(NormTrainingPath.Operators);
        var formulas = Run(NormTrainingPath.Formulas);
        Assert.Equal(expected.Loss, formulas.Loss, 5);
        Assert.Equal(expected.InputGrad, formulas.InputGrad, (x, y) => Math.Abs(x - y) <= 1e-5f);
        Assert.Equal(expected.TargetGrad, formulas.TargetGrad, (x, y) => Math.Abs(x - y) <= 1e-2f * Math.Max(1, Math.Abs(x)));
        // The gradient of the mean is 2 (a - b) / n times the loss's gradient (3): a value to check the wiring against.
        var a0 = Values(input)[0];
        var b0 = Values(target)[0];
        Assert.Equal(3 * 2 * (a0 - b0) / 120, formulas.InputGrad[0], 4);
    }

    [Fact]
    public void The_formulas_gradient_matches_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(42);
        var a = Torch.Randn([3, 5], g, DType.Float64);
        var b = Torch.Randn([3, 5], g, DType.Float64);
        using var training = F.UseNormTraining(NormTrainingPath.Formulas);
        GradChecker.Check("mse_loss (formulas)", t => F.MseLoss(t[0], t[1]), a, b);
    }

    [Fact]
    public void Two_float_dtypes_are_promoted_as_torch_does()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Torch.FromArray(new[] { 1f, 2f, 3f, 4f });
        var b = Torch.FromArray(new[] { 0f, 2f, 5f, 4f }).To(DType.BFloat16);
        var loss = F.MseLoss(a, b);
        Assert.Equal(DType.Float32, loss.DType);
        Assert.Equal(1.25, loss.Item(), 6);
        Assert.Equal(DType.Float32, F.MseLoss(a, b, F.Reduction.Sum).DType);
    }

    [Fact]
    public void Tensors_of_two_shapes_are_refused_with_both_shapes()
    {
        using var scope = Torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => F.MseLoss(Torch.Zeros([2, 3]), Torch.Zeros([3, 2])));
        Assert.Contains("mse_loss: the input [2, 3] and the target [3, 2] differ in shape", e.Message);
    }
}
