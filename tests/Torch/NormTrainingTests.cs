using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// The normalizations' training paths (<see cref="F.NormTraining"/>). The CPU has no fused kernels, so it checks their
/// algebra and autograd wiring through <see cref="NormTrainingPath.Formulas"/>, which computes what the kernels compute
/// (the same saved statistics, the same backward formulas); <c>randcond-bench device-check</c> checks the kernels on CUDA.
/// </summary>
public class NormTrainingTests
{
    private static T With<T>(NormTrainingPath path, Func<T> body)
    {
        var before = F.NormTraining;
        try
        {
            F.NormTraining = path;
            return body();
        }
        finally
        {
            F.NormTraining = before;
        }
    }

    [Fact]
    public void The_operators_are_the_default_and_a_path_is_set_and_read_back()
    {
        Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
        Assert.Equal(NormTrainingPath.Formulas, With(NormTrainingPath.Formulas, () => F.NormTraining));
        Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
        var e = Assert.Throws<TorchException>(() => F.NormTraining = (NormTrainingPath)7);
        Assert.Contains("7 is none of 0 (operators), 1 (fused kernels), 2 (formulas)", e.Message);
    }

    [Fact]
    public void A_norm_training_scope_restores_the_path_it_found()
    {
        using (F.UseNormTraining(NormTrainingPath.Formulas))
        {
            Assert.Equal(NormTrainingPath.Formulas, F.NormTraining);
            using (F.UseNormTraining(NormTrainingPath.FusedKernels)) Assert.Equal(NormTrainingPath.FusedKernels, F.NormTraining);
            Assert.Equal(NormTrainingPath.Formulas, F.NormTraining);
        }
        Assert.Equal(NormTrainingPath.Operators, F.NormTraining);
    }

    [Fact]
    public void The_formulas_gradients_of_group_norm_with_shift_and_silu_match_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(5);
        var x = Torch.Randn([2, 4, 3, 3], g, DType.Float64) * 2.0 + 0.5;
        var w = Torch.Randn([4], g, DType.Float64);
        var b = Torch.Randn([4], g, DType.Float64);
        var shift = Torch.Randn([2, 4], g, DType.Float64);
        With(NormTrainingPath.Formulas, () => GradChecker.Check("group_norm + shift + silu (formulas)",
            t => F.GroupNormSilu(t[0], 2, t[1], t[2], shift: t[3]), x, w, b, shift));
        With(NormTrainingPath.Formulas, () => GradChecker.Check("group_norm (formulas)", t => F.GroupNorm(t[0], 2, t[1], t[2]), x, w, b));
        With(NormTrainingPath.Formulas, () => GradChecker.Check("group_norm, no affine (formulas)", t => F.GroupNormSilu(t[0], 4), x));
    }

    [Fact]
    public void The_formulas_gradients_of_layer_norm_match_finite_differences()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(6);
        var x = Torch.Randn([2, 3, 5], g, DType.Float64) * 1.5 - 0.5;
        var w = Torch.Randn([5], g, DType.Float64);
        var b = Torch.Randn([5], g, DType.Float64);
        With(NormTrainingPath.Formulas, () => GradChecker.Check("layer_norm (formulas)", t => F.LayerNorm(t[0], [5], t[1], t[2]), x, w, b));
        With(NormTrainingPath.Formulas, () => GradChecker.Check("layer_norm, no affine (formulas)", t => F.LayerNorm(t[0], [5]), x));
    }

    /// <summary>Output and gradients of each input through a path, for float32 inputs (channels-last when asked).</summary>
    private static (float[] Output, float[][] Grads) Run(NormTrainingPath path, Func<Tensor[], Tensor> f, Tensor[] inputs, bool channelsLast = false) =>
        With(path, () =>
        {
            using var scope = Torch.NewDisposeScope();
            var leaves = inputs.Select((t, i) => (i == 0 && channelsLast ? t.ToMemoryFormat(MemoryFormat.ChannelsLast) : t.Clone()).RequiresGrad_()).ToArray();
            var y = f(leaves);
            using var g = new Generator(9);
            var weight = Torch.Randn(y.Shape, g);
            var grads = Autograd.Grad([(y * weight).Sum()], leaves);
            return (y.Contiguous().ToArray<float>(), grads.Select(d => d!.Contiguous().ToArray<float>()).ToArray());
        });

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        double scale = expected.Max(v => Math.Abs(v)), worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= tolerance * Math.Max(scale, 1), $"{what}: largest difference {worst:E2} (scale {scale:G3}, tolerance {tolerance:G2})");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_formulas_compute_what_the_operators_compute_in_float32(bool channelsLast)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(7);
        Tensor[] groupInputs = [Torch.Randn([3, 8, 5, 5], g) * 3.0 + 1.0, Torch.Randn([8], g), Torch.Randn([8], g), Torch.Randn([3, 8], g)];
        Tensor GroupNorm(Tensor[] t) => F.GroupNormSilu(t[0], 4, t[1], t[2], shift: t[3]);
        var operators = Run(NormTrainingPath.Operators, GroupNorm, groupInputs, channelsLast);
        var formulas = Run(NormTrainingPath.Formulas, GroupNorm, groupInputs, channelsLast);
        AssertClose(operators.Output, formulas.Output, 1e-5, "group_norm output");
        string[] names = ["input", "weight", "bias", "shift"];
        for (int i = 0; i < names.Length; i++) AssertClose(operators.Grads[i], formulas.Grads[i], 1e-4, $"group_norm {names[i]} gradient");

        Tensor[] rowInputs = [Torch.Randn([4, 6, 16], g) * 2.0 - 0.5, Torch.Randn([16], g), Torch.Randn([16], g)];
        Tensor LayerNorm(Tensor[] t) => F.LayerNorm(t[0], [16], t[1], t[2]);
        var rowOperators = Run(NormTrainingPath.Operators, LayerNorm, rowInputs);
        var rowFormulas = Run(NormTrainingPath.Formulas, LayerNorm, rowInputs);
        AssertClose(rowOperators.Output, rowFormulas.Output, 1e-5, "layer_norm output");
        for (int i = 0; i < 3; i++) AssertClose(rowOperators.Grads[i], rowFormulas.Grads[i], 1e-4, $"layer_norm {names[i]} gradient");
    }

    [Fact]
    public void Under_autocast_the_formulas_read_a_bf16_input_return_float32_and_give_its_gradient_in_bf16()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(10);
        var x = (Torch.Randn([2, 8, 4, 4], g) * 2.0 + 1.0).To(DType.BFloat16);
        Tensor[] parameters = [Torch.Randn([8], g), Torch.Randn([8], g)];
        var shift = Torch.Randn([2, 8], g).To(DType.BFloat16);
        Tensor GroupNorm(Tensor[] t) => F.GroupNormSilu(t[0], 4, t[1], t[2], shift: t[3]);
        // What autocast does with the operators: everything in float32 (from the same bf16 values).
        var expected = Run(NormTrainingPath.Operators, GroupNorm, [x.Float(), .. parameters, shift.Float()]);
        var (y, grads) = With(NormTrainingPath.Formulas, () =>
        {
            using var inner = Torch.NewDisposeScope();
            var leaves = new[] { x, parameters[0], parameters[1], shift }.Select(t => t.Clone().RequiresGrad_()).ToArray();
            using var autocast = Torch.Autocast(Device.CPU, DType.BFloat16);
            var output = GroupNorm(leaves);
            using var wg = new Generator(9);
            var d = Autograd.Grad([(output * Torch.Randn(output.Shape, wg)).Sum()], leaves);
            return (output.DetachFromDisposeScope(), d.Select(t => t!.DetachFromDisposeScope()).ToArray());
        });
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal([DType.BFloat16, DType.Float32, DType.Float32, DType.BFloat16], grads.Select(t => t.DType));
        AssertClose(expected.Output, y.ToArray<float>(), 1e-5, "output under autocast");
        string[] names = ["input", "weight", "bias", "shift"];
        for (int i = 0; i < 4; i++)
            AssertClose(expected.Grads[i], grads[i].Float().ToArray<float>(), grads[i].DType == DType.BFloat16 ? 1e-2 : 1e-4, $"{names[i]} gradient under autocast");
        y.Dispose();
        foreach (var t in grads) t.Dispose();
    }

    [Fact]
    public void A_low_precision_output_under_autocast_is_the_float32_output_rounded_with_the_same_gradients()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(11);
        var x = (Torch.Randn([2, 8, 4, 4], g) * 2.0 + 1.0).To(DType.BFloat16);
        Tensor[] parameters = [Torch.Randn([8], g), Torch.Randn([8], g)];
        var rows = (Torch.Randn([3, 5, 16], g) - 0.5).To(DType.BFloat16);
        Tensor[] rowParameters = [Torch.Randn([16], g), Torch.Randn([16], g)];
        (Tensor Y, Tensor[] Grads) Autocast(Func<Tensor[], Tensor> f, Tensor[] inputs) => With(NormTrainingPath.Formulas, () =>
        {
            using var inner = Torch.NewDisposeScope();
            var leaves = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
            using var autocast = Torch.Autocast(Device.CPU, DType.BFloat16);
            var y = f(leaves);
            using var wg = new Generator(9);
            // The consumer as autocast's convolutions and linears take it: in bf16 (a cast of the float32 output).
            var d = Autograd.Grad([(y.To(DType.BFloat16).Float() * Torch.Randn(y.Shape, wg)).Sum()], leaves);
            return (y.DetachFromDisposeScope(), d.Select(t => t!.DetachFromDisposeScope()).ToArray());
        });
        foreach (var (name, low, full) in new[]
        {
            ("group_norm", Autocast(t => F.GroupNormSilu(t[0], 4, t[1], t[2], lowPrecisionOutput: true), [x, .. parameters]),
                           Autocast(t => F.GroupNormSilu(t[0], 4, t[1], t[2]), [x, .. parameters])),
            ("layer_norm", Autocast(t => F.LayerNorm(t[0], [16], t[1], t[2], lowPrecisionOutput: true), [rows, .. rowParameters]),
                           Autocast(t => F.LayerNorm(t[0], [16], t[1], t[2]), [rows, .. rowParameters])),
        })
        {
            Assert.Equal((DType.BFloat16, DType.Float32), (low.Y.DType, full.Y.DType));
            Assert.True(full.Y.To(DType.BFloat16).Float().ToArray<float>().SequenceEqual(low.Y.Float().ToArray<float>()), $"{name}: output");
            for (int i = 0; i < 3; i++)
                Assert.True(full.Grads[i].Float().ToArray<float>().SequenceEqual(low.Grads[i].Float().ToArray<float>()), $"{name}: gradient {i}");
        }
        // Without autocast the hint changes nothing.
        var plain = Torch.Randn([2, 8, 4, 4], g);
        Assert.Equal(DType.Float32, With(NormTrainingPath.Formulas, () => F.GroupNormSilu(plain.Clone().RequiresGrad_(), 4, lowPrecisionOutput: true).DType));
        Assert.Equal(DType.Float32, F.GroupNormSilu(plain, 4, lowPrecisionOutput: true).DType);
    }

    [Fact]
    public void The_fused_kernels_path_leaves_a_cpu_tensor_to_the_operators()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(8);
        Tensor[] inputs = [Torch.Randn([2, 4, 3, 3], g), Torch.Randn([4], g), Torch.Randn([4], g), Torch.Randn([2, 4], g)];
        Tensor GroupNorm(Tensor[] t) => F.GroupNormSilu(t[0], 2, t[1], t[2], shift: t[3]);
        var operators = Run(NormTrainingPath.Operators, GroupNorm, inputs);
        var fused = Run(NormTrainingPath.FusedKernels, GroupNorm, inputs);
        Assert.Equal(operators.Output, fused.Output);
        for (int i = 0; i < 4; i++) Assert.Equal(operators.Grads[i], fused.Grads[i]);
    }

    /// <summary>Also what shows that the formulas' autograd functions ran: the operators' path is differentiable twice.</summary>
    [Fact]
    public void A_second_derivative_through_the_formulas_is_refused_by_name()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 4, 3, 3]).RequiresGrad_();
        Tensor[] SecondDerivative(Func<Tensor, Tensor> f)
        {
            var first = Autograd.Grad([f(x).Square().Sum()], [x], createGraph: true)[0]!;
            return Autograd.Grad([first.Sum()], [x])!;
        }
        Assert.NotNull(SecondDerivative(t => F.GroupNormSilu(t, 2))[0]);
        var group = Assert.Throws<TorchException>(() => With(NormTrainingPath.Formulas, () => SecondDerivative(t => F.GroupNormSilu(t, 2))));
        Assert.Contains("group_norm: the fused normalizations' backward is not differentiable again", group.Message);
        var rows = Assert.Throws<TorchException>(() => With(NormTrainingPath.Formulas, () => SecondDerivative(t => F.LayerNorm(t, [3]))));
        Assert.Contains("layer_norm: the fused normalizations' backward is not differentiable again", rows.Message);
    }

    [Fact]
    public void A_text_unet_trains_alike_on_the_formulas_and_on_the_operators()
    {
        var tokenizer = WordTokenizer.ForDatasets();
        var text = new TextEncoderConfig { VocabSize = tokenizer.VocabularySize, MaxLength = 8, Width = 16, Layers = 1, Heads = 2 };
        var net = new UNetConfig
        {
            BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [1], CrossAttentionStages = [1],
            AttentionHeads = 2, GroupNormGroups = 4, Conditioning = Conditioning.Text, ContextDim = 16,
        };
        (float Loss, float[] Grads) Step(NormTrainingPath path) => With(path, () =>
        {
            using var scope = Torch.NewDisposeScope();
            Torch.ManualSeed(12);
            using var model = new TextDiffusionModel(text, net);
            using var g = new Generator(13);
            var xt = Torch.Randn([3, 1, 28, 28], g);
            var t = Torch.Randint(0, 1000, [3], g);
            var tokens = Torch.Randint(1, tokenizer.VocabularySize, [3, 8], g);
            var loss = (model.Forward(xt, t, tokens) - xt).Square().Mean();
            var parameters = model.Parameters().Select(p => p.Data).ToArray();
            var grads = Autograd.Grad([loss], parameters);
            return ((float)loss.Item(), grads.SelectMany(d => d!.Flatten().ToArray<float>()).ToArray());
        });
        var operators = Step(NormTrainingPath.Operators);
        var formulas = Step(NormTrainingPath.Formulas);
        Assert.Equal(operators.Loss, formulas.Loss, 4);
        AssertClose(operators.Grads, formulas.Grads, 1e-4, "parameter gradients of a text U-Net");
    }
}
