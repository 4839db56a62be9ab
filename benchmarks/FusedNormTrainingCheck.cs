using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// device-check's part for the fused normalizations in training (<see cref="NormTrainingPath.FusedKernels"/>): outputs
/// and the gradients of every input against libtorch's operators on the CPU, for GroupNorm + shift + SiLU (NCHW and
/// channels-last, one channel per group and eight) and LayerNorm (rows of 64 and 48 columns), in float32, in bf16 and
/// under bf16 autocast; and a refused second derivative, which shows the kernels' autograd functions ran.
/// </summary>
internal static class FusedNormTrainingCheck
{
    private const double Float32Limit = 1e-4, Bf16Limit = 3e-2;

    public static void Run(Action<string, bool, string> add, Device device)
    {
        if (!F.FusedNormKernels)
        {
            add("fused normalizations in training", false, "the native shim was built without its CUDA normalization kernels");
            return;
        }
        var before = F.NormTraining;
        try
        {
            foreach (var (dtype, limit) in new[] { (DType.Float32, Float32Limit), (DType.BFloat16, Bf16Limit) })
            {
                foreach (var channelsLast in new[] { false, true })
                {
                    GroupNormAgrees(add, device, [4, 64, 14, 14], 8, dtype, channelsLast, autocast: false, limit);
                    GroupNormAgrees(add, device, [2, 32, 28, 28], 32, dtype, channelsLast, autocast: false, limit);
                }
                LayerNormAgrees(add, device, [4, 196, 64], dtype, limit);
                LayerNormAgrees(add, device, [2, 50, 48], dtype, limit);
            }
            GroupNormAgrees(add, device, [4, 64, 14, 14], 8, DType.BFloat16, channelsLast: false, autocast: true, Bf16Limit);
            SecondDerivativeRefused(add, device);
        }
        finally
        {
            F.NormTraining = before;
        }
    }

    /// <summary>y and the gradients of sum(y * weighting) with respect to each input, on the inputs as given.</summary>
    private static Tensor[] OutputAndGrads(Func<Tensor[], Tensor> f, Tensor[] leaves, Tensor weighting)
    {
        var y = f(leaves);
        var grads = Autograd.Grad([(y * weighting.To(y.Device).To(y.DType)).Sum()], leaves);
        return [y, .. grads.Select(g => g!)];
    }

    /// <summary>Runs f on the CPU's operators (float32, from the device inputs' values) and on the device's fused kernels, and reports the worst relative error.</summary>
    private static void Agrees(Action<string, bool, string> add, string name, Func<Tensor[], Tensor> f, Tensor[] deviceInputs, bool autocast, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        var device = deviceInputs[0].Device;
        var cpuLeaves = deviceInputs.Select(t => t.Detach().Float().Cpu().Contiguous().RequiresGrad_()).ToArray();
        F.NormTraining = NormTrainingPath.Operators;
        using var g = new Generator(17);
        var weighting = Torch.Randn(deviceInputs[0].Shape, g);  // a normalization's output has its input's shape
        var expected = OutputAndGrads(f, cpuLeaves, weighting);
        F.NormTraining = NormTrainingPath.FusedKernels;
        var leaves = deviceInputs.Select(t => t.Detach().RequiresGrad_()).ToArray();
        Tensor[] actual;
        using (autocast ? Torch.Autocast(device, DType.BFloat16) : default) actual = OutputAndGrads(f, leaves, weighting);
        string[] names = ["output", "input grad", "weight grad", "bias grad", "shift grad"];
        var errors = expected.Zip(actual).Select(p => DeviceCheck.RelErr(p.Second.Float().Cpu(), p.First)).ToArray();
        add(name, errors.Max() < limit,
            $"relative error {string.Join(", ", errors.Select((e, i) => $"{names[i]} {e:E2}"))} against the CPU operators (limit {limit:g})");
    }

    private static void GroupNormAgrees(Action<string, bool, string> add, Device device, long[] shape, long groups, DType dtype, bool channelsLast, bool autocast, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(19);
        long channels = shape[1];
        // Under autocast the input is bf16 (a convolution's output) and the parameters float32, as in a training step.
        var x = (Torch.Randn(shape, g) * 3.0 + 1.0).To(device).To(dtype);
        if (channelsLast) x = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        var paramDType = autocast ? DType.Float32 : dtype;
        Tensor[] inputs = [x, .. new[] { Torch.Randn([channels], g), Torch.Randn([channels], g), Torch.Randn([shape[0], channels], g) }.Select(t => t.To(device).To(paramDType))];
        string layout = channelsLast ? "channels-last" : "NCHW";
        Agrees(add, $"fused group_norm + shift + silu in training, {string.Join('x', shape)}, {groups} groups, {layout}, {(autocast ? "bf16 autocast" : dtype.ToString())}",
            t => F.GroupNormSilu(t[0], groups, t[1], t[2], shift: t[3]), inputs, autocast, limit);
    }

    private static void LayerNormAgrees(Action<string, bool, string> add, Device device, long[] shape, DType dtype, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(23);
        long cols = shape[^1];
        Tensor[] inputs = new[] { Torch.Randn(shape, g) * 2.0 - 0.5, Torch.Randn([cols], g), Torch.Randn([cols], g) }.Select(t => t.To(device).To(dtype)).ToArray();
        Agrees(add, $"fused layer_norm in training, {string.Join('x', shape)}, {dtype}", t => F.LayerNorm(t[0], [cols], t[1], t[2]), inputs, autocast: false, limit);
    }

    private static void SecondDerivativeRefused(Action<string, bool, string> add, Device device)
    {
        using var scope = Torch.NewDisposeScope();
        F.NormTraining = NormTrainingPath.FusedKernels;
        var x = Torch.Randn([2, 8, 4, 4], new Generator(29)).To(device).RequiresGrad_();
        try
        {
            var first = Autograd.Grad([F.GroupNormSilu(x, 2).Square().Sum()], [x], createGraph: true)[0]!;
            Autograd.Grad([first.Sum()], [x]);
            add("fused normalizations' autograd functions ran", false, "a second derivative went through: the operators ran, not the fused kernels");
        }
        catch (TorchException e) when (e.Message.Contains("not differentiable again"))
        {
            add("fused normalizations' autograd functions ran", true, "a second derivative is refused, as only their backward does");
        }
    }
}
