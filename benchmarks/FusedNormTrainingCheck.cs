using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// device-check's part for the fused normalizations in training (<see cref="NormTrainingPath.FusedKernels"/>): outputs
/// and the gradients of every input against libtorch's operators on the CPU, for GroupNorm + shift + SiLU (NCHW and
/// channels-last, one channel per group and eight) and LayerNorm (rows of 64 and 48 columns), in float32, in bf16 and
/// under bf16 autocast (float32 parameters, a bf16 or float32 input, a float32 output or a bf16 one where the caller asks);
/// the mean squared error; the linear and convolution layers whose bias the column kernels add and sum; and a refused
/// second derivative, which shows the kernels' autograd functions ran. The same checks run the kernels' formulas
/// (<see cref="NormTrainingPath.Formulas"/>) on the CPU in the tests, which is how the harness itself is tested.
/// </summary>
public static class FusedNormTrainingCheck
{
    private const double Float32Limit = 1e-4, Bf16Limit = 3e-2;

    /// <summary>Adds one (name, passed, detail) per check of <paramref name="path"/> on <paramref name="device"/>.</summary>
    public static void Run(Action<string, bool, string> add, Device device, NormTrainingPath path = NormTrainingPath.FusedKernels)
    {
        if (path == NormTrainingPath.FusedKernels && !F.FusedNormKernels)
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
                    GroupNormAgrees(add, device, path, [4, 64, 14, 14], 8, dtype, channelsLast, autocast: false, limit);
                    GroupNormAgrees(add, device, path, [2, 32, 28, 28], 32, dtype, channelsLast, autocast: false, limit);
                }
                LayerNormAgrees(add, device, path, [4, 196, 64], dtype, autocast: false, limit);
                LayerNormAgrees(add, device, path, [2, 50, 48], dtype, autocast: false, limit);
            }
            // The channels-last vector kernels' shapes (their slabs, one channel per group, one group of 64 channels, and
            // 96 channels at 28x28, beyond the general backward kernel's bound), as a training step runs them: bf16 autocast
            // with a bf16 output, and in each dtype.
            foreach (var (channels, height, width, groups) in ChannelsLastNormCheck.Shapes)
            {
                long[] shape = [3, channels, height, width];
                GroupNormAgrees(add, device, path, shape, groups, DType.BFloat16, channelsLast: true, autocast: true, Bf16Limit, lowPrecisionOutput: true);
                GroupNormAgrees(add, device, path, shape, groups, DType.BFloat16, channelsLast: true, autocast: false, Bf16Limit);
                GroupNormAgrees(add, device, path, shape, groups, DType.Float32, channelsLast: true, autocast: false, Float32Limit);
            }
            // Under autocast the kernels read the bf16 input as it is and return float32, or bf16 where the caller says the
            // output only feeds convolutions or linears.
            GroupNormAgrees(add, device, path, [4, 64, 14, 14], 8, DType.BFloat16, channelsLast: false, autocast: true, Bf16Limit);
            GroupNormAgrees(add, device, path, [4, 64, 14, 14], 8, DType.BFloat16, channelsLast: true, autocast: true, Bf16Limit);
            GroupNormAgrees(add, device, path, [4, 64, 14, 14], 8, DType.BFloat16, channelsLast: true, autocast: true, Bf16Limit, lowPrecisionOutput: true);
            GroupNormAgrees(add, device, path, [4, 64, 14, 14], 8, DType.Float32, channelsLast: false, autocast: true, Bf16Limit, lowPrecisionOutput: true);
            LayerNormAgrees(add, device, path, [4, 196, 64], DType.BFloat16, autocast: true, Bf16Limit);
            LayerNormAgrees(add, device, path, [4, 196, 64], DType.Float32, autocast: true, Bf16Limit, lowPrecisionOutput: true);
            // The mean squared error of a distillation loss: a bf16 student feature against a bf16 teacher feature under
            // autocast, a float32 channels-last map against a bf16 NCHW one (a copy into one layout, promotion to
            // float32), and a size that is no multiple of the kernels' 8-value runs.
            MseLossAgrees(add, device, path, [3, 64, 28, 28], DType.BFloat16, DType.BFloat16, (true, true), autocast: true, Bf16Limit);
            MseLossAgrees(add, device, path, [3, 32, 14, 14], DType.Float32, DType.BFloat16, (true, false), autocast: false, Bf16Limit);  // the target's gradient is bf16
            MseLossAgrees(add, device, path, [3, 5, 7], DType.Float32, DType.Float32, (false, false), autocast: false, Float32Limit);
            // Layers with a bias, whose gradient the column kernels sum: a transformer block's linear and a U-Net block's
            // convolution as a training step runs them (bf16 autocast, float32 parameters; sums of two passes), a float32
            // one of each, a width that is no multiple of the kernels' 8-column runs, and an NCHW convolution (the kernels
            // do not apply; libtorch's operators sum).
            LinearAgrees(add, device, path, [3, 196, 64], 96, DType.Float32, autocast: true, Bf16Limit);
            LinearAgrees(add, device, path, [50, 40], 24, DType.Float32, autocast: false, Float32Limit);
            LinearAgrees(add, device, path, [7, 20], 13, DType.Float32, autocast: false, Float32Limit);
            Conv2dAgrees(add, device, path, [3, 32, 28, 28], 64, DType.BFloat16, channelsLast: true, autocast: true, Bf16Limit);
            Conv2dAgrees(add, device, path, [3, 16, 14, 14], 24, DType.Float32, channelsLast: true, autocast: false, Float32Limit);
            Conv2dAgrees(add, device, path, [3, 16, 14, 14], 24, DType.Float32, channelsLast: false, autocast: false, Float32Limit);
            // With a residual block's skip added in the bias's pass (bf16 under autocast, as the block's input is), and
            // where it cannot be (an NCHW skip: added after).
            Conv2dAgrees(add, device, path, [3, 32, 28, 28], 64, DType.BFloat16, channelsLast: true, autocast: true, Bf16Limit, residual: true);
            Conv2dAgrees(add, device, path, [3, 16, 14, 14], 24, DType.Float32, channelsLast: true, autocast: false, Float32Limit, residual: true);
            Conv2dAgrees(add, device, path, [3, 16, 14, 14], 24, DType.Float32, channelsLast: false, autocast: false, Float32Limit, residual: true);
            SecondDerivativeRefused(add, device, path);
        }
        finally
        {
            F.NormTraining = before;
        }
    }

    /// <summary>y and the gradients of sum(y * weighting(y's shape)) with respect to each input, on the inputs as given.</summary>
    private static Tensor[] OutputAndGrads(Func<Tensor[], Tensor> f, Tensor[] leaves, Func<long[], Tensor> weighting)
    {
        var y = f(leaves);
        var grads = Autograd.Grad([(y * weighting(y.Shape).To(y.Device).To(y.DType)).Sum()], leaves);
        return [y, .. grads.Select(g => g!)];
    }

    /// <summary>
    /// Runs f on the CPU's operators (float32, from the device inputs' values) and on the device's path, and reports the
    /// worst relative error; a path that throws fails the check with its message (a kernel's launch error included).
    /// </summary>
    private static void Agrees(Action<string, bool, string> add, string name, NormTrainingPath path, Func<Tensor[], Tensor> f, Tensor[] deviceInputs, bool autocast, double limit,
                               string[]? names = null)
    {
        using var scope = Torch.NewDisposeScope();
        var device = deviceInputs[0].Device;
        var cpuLeaves = deviceInputs.Select(t => t.Detach().Float().Cpu().Contiguous().RequiresGrad_()).ToArray();
        F.NormTraining = NormTrainingPath.Operators;
        using var g = new Generator(17);
        Tensor? weights = null;
        Tensor Weighting(long[] shape) => weights ??= Torch.Randn(shape, g);  // drawn once, on the CPU run, for both
        var expected = OutputAndGrads(f, cpuLeaves, Weighting);
        F.NormTraining = path;
        Tensor[] actual;
        try
        {
            var leaves = deviceInputs.Select(t => t.Detach().RequiresGrad_()).ToArray();
            using (autocast ? Torch.Autocast(device, DType.BFloat16) : default) actual = OutputAndGrads(f, leaves, Weighting);
        }
        catch (TorchException e)
        {
            add(name, false, $"threw: {e.Message}");
            return;
        }
        names ??= ["output", "input grad", "weight grad", "bias grad", "shift grad"];
        // The shift's gradient is a sum of the input's over each channel; with one channel per group it is zero but for
        // rounding on both sides, so it is measured against the input gradient's norm where that is the larger.
        double inputGradNorm = expected[1].Double().Norm().Item();
        var errors = expected.Zip(actual).Select((p, i) => Error(p.Second.Float().Cpu(), p.First, names[i] == "shift grad" ? inputGradNorm : 0)).ToArray();
        add(name, errors.Max() < limit,
            $"relative error {string.Join(", ", errors.Select((e, i) => $"{names[i]} {e:E2}"))} against the CPU operators (limit {limit:g})");
    }

    /// <summary>‖actual − expected‖ / max(‖expected‖, floor).</summary>
    private static double Error(Tensor actual, Tensor expected, double floor)
    {
        using var scope = Torch.NewDisposeScope();
        double norm = expected.Double().Norm().Item();
        return DeviceCheck.RelErr(actual, expected) * norm / Math.Max(norm, floor);
    }

    private static void GroupNormAgrees(Action<string, bool, string> add, Device device, NormTrainingPath path, long[] shape, long groups, DType dtype, bool channelsLast,
                                        bool autocast, double limit, bool lowPrecisionOutput = false)
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
        Agrees(add, $"fused group_norm + shift + silu in training, {string.Join('x', shape)}, {groups} groups, {layout}, {Precision(dtype, autocast, lowPrecisionOutput)}",
            path, t => F.GroupNormSilu(t[0], groups, t[1], t[2], shift: t[3], lowPrecisionOutput: lowPrecisionOutput), inputs, autocast, limit);
    }

    private static void LayerNormAgrees(Action<string, bool, string> add, Device device, NormTrainingPath path, long[] shape, DType dtype, bool autocast, double limit,
                                        bool lowPrecisionOutput = false)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(23);
        long cols = shape[^1];
        var paramDType = autocast ? DType.Float32 : dtype;
        Tensor[] inputs = [(Torch.Randn(shape, g) * 2.0 - 0.5).To(device).To(dtype), .. new[] { Torch.Randn([cols], g), Torch.Randn([cols], g) }.Select(t => t.To(device).To(paramDType))];
        Agrees(add, $"fused layer_norm in training, {string.Join('x', shape)}, {Precision(dtype, autocast, lowPrecisionOutput)}",
            path, t => F.LayerNorm(t[0], [cols], t[1], t[2], lowPrecisionOutput: lowPrecisionOutput), inputs, autocast, limit);
    }

    private static void MseLossAgrees(Action<string, bool, string> add, Device device, NormTrainingPath path, long[] shape, DType inputDType, DType targetDType,
                                      (bool Input, bool Target) channelsLast, bool autocast, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(31);
        var input = (Torch.Randn(shape, g) * 2.0 + 0.5).To(device).To(inputDType);
        var target = Torch.Randn(shape, g).To(device).To(targetDType);
        if (channelsLast.Input) input = input.ToMemoryFormat(MemoryFormat.ChannelsLast);
        if (channelsLast.Target) target = target.ToMemoryFormat(MemoryFormat.ChannelsLast);
        static string Layout(bool cl) => cl ? "channels-last" : "contiguous";
        string layout = $"{Layout(channelsLast.Input)} input, {Layout(channelsLast.Target)} target";
        Agrees(add, $"fused mse_loss in training, {string.Join('x', shape)}, {inputDType} against {targetDType}, {layout}{(autocast ? ", bf16 autocast" : "")}",
            path, t => F.MseLoss(t[0], t[1]), [input, target], autocast, limit, ["loss", "input grad", "target grad"]);
    }

    private static void LinearAgrees(Action<string, bool, string> add, Device device, NormTrainingPath path, long[] shape, long outFeatures, DType dtype,
                                     bool autocast, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(37);
        Tensor[] inputs = [Torch.Randn(shape, g), Torch.Randn([outFeatures, shape[^1]], g) * 0.2, Torch.Randn([outFeatures], g)];
        Agrees(add, $"linear with the column kernels' bias in training, {string.Join('x', shape)} to {outFeatures}, {Precision(dtype, autocast)}",
            path, t => F.Linear(t[0], t[1], t[2]), inputs.Select(t => t.To(device).To(dtype)).ToArray(), autocast, limit,
            ["output", "input grad", "weight grad", "bias grad"]);
    }

    private static void Conv2dAgrees(Action<string, bool, string> add, Device device, NormTrainingPath path, long[] shape, long outChannels, DType dtype,
                                     bool channelsLast, bool autocast, double limit, bool residual = false)
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(43);
        // Under autocast the input is bf16 (a normalization's low-precision output) and the parameters float32.
        Tensor Layout(Tensor t) => channelsLast ? t.ToMemoryFormat(MemoryFormat.ChannelsLast) : t;
        var x = Layout(Torch.Randn(shape, g).To(device).To(dtype));
        var paramDType = autocast ? DType.Float32 : dtype;
        Tensor[] inputs = [x, .. new[] { Torch.Randn([outChannels, shape[1], 3, 3], g) * 0.1, Torch.Randn([outChannels], g) }.Select(t => t.To(device).To(paramDType))];
        if (residual) inputs = [.. inputs, Layout(Torch.Randn([shape[0], outChannels, shape[2], shape[3]], g).To(device).To(dtype))];
        // cuDNN may run float32 convolutions in TF32 (libtorch's default, as PyTorch's), 1e-4 from float32: off here.
        bool tf32 = Tf32.Convolution;
        Tf32.Convolution = false;
        try
        {
            string name = $"conv2d with the column kernels' bias{(residual ? " and a residual" : "")} in training, {string.Join('x', shape)} to " +
                          $"{outChannels} channels, {(channelsLast ? "channels-last" : "NCHW")}, {Precision(dtype, autocast)}";
            Agrees(add, name, path, t => F.Conv2d(t[0], t[1], t[2], padding: 1, residual: residual ? t[3] : null), inputs, autocast, limit,
                ["output", "input grad", "weight grad", "bias grad", "residual grad"]);
            if (residual) InferenceAgrees(add, name.Replace("in training", "in inference"), inputs, autocast, limit);
        }
        finally
        {
            Tf32.Convolution = tf32;
        }
    }

    /// <summary>The residual convolution where nothing needs autograd (sampling, the step's teacher) against the CPU's operators.</summary>
    private static void InferenceAgrees(Action<string, bool, string> add, string name, Tensor[] inputs, bool autocast, double limit)
    {
        using var scope = Torch.NewDisposeScope();
        var cpu = inputs.Select(t => t.Float().Cpu().Contiguous()).ToArray();
        var expected = cpu[3] + F.Conv2d(cpu[0], cpu[1], cpu[2], padding: 1);
        Tensor actual;
        using (Torch.NoGrad())
        using (autocast ? Torch.Autocast(inputs[0].Device, DType.BFloat16) : default)
            actual = F.Conv2d(inputs[0], inputs[1], inputs[2], padding: 1, residual: inputs[3]);
        double error = DeviceCheck.RelErr(actual.Float().Cpu(), expected);
        add(name, error < limit, $"relative error {error:E2} against the CPU operators (limit {limit:g}), output {actual.DType}");
    }

    private static string Precision(DType dtype, bool autocast) => autocast ? $"bf16 autocast, {dtype} input" : dtype.ToString();

    private static string Precision(DType dtype, bool autocast, bool lowPrecisionOutput) =>
        !autocast ? dtype.ToString() : $"bf16 autocast, {dtype} input, {(lowPrecisionOutput ? "BFloat16" : "Float32")} output";

    private static void SecondDerivativeRefused(Action<string, bool, string> add, Device device, NormTrainingPath path)
    {
        using var scope = Torch.NewDisposeScope();
        F.NormTraining = path;
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
        catch (TorchException e)
        {
            add("fused normalizations' autograd functions ran", false, $"threw: {e.Message}");
        }
    }
}
