using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// device-check's rows for convolutions with fewer than 8 input or output channels in channels-last bf16, which the shim
/// runs as a GEMM with an unfold or a fold (an image's input convolution and the output head's, 3x3 and 5x5): the output
/// and the gradients of the input, the weight and the bias against the same convolution in NCHW (cuDNN) on the device
/// and against the CPU in float32, with bf16 weights outside autocast (the sampler's and the
/// frozen teacher's path) and with float32 weights under autocast (the distillation step's), on the operators' and the
/// fused kernels' training paths (the bias added by libtorch or by the column kernels).
/// </summary>
internal static class ThinConvCheck
{
    private static readonly (long[] Input, long[] Weight)[] Cases =
    [
        ([4, 1, 12, 12], [32, 1, 3, 3]),
        ([4, 32, 12, 12], [1, 32, 3, 3]),
        ([2, 3, 10, 10], [16, 3, 3, 3]),
        ([2, 16, 10, 10], [3, 16, 3, 3]),
        ([2, 24, 9, 11], [1, 24, 5, 5]),
    ];

    // bf16 operands and outputs, float32 sums in another order; the fold adds taps rounded to bf16.
    private const double Limit = 2e-2;

    public static void Run(Action<string, bool, string> add, Device device)
    {
        foreach (var (inputShape, weightShape) in Cases)
            foreach (bool autocast in new[] { false, true })
            foreach (var path in new[] { NormTrainingPath.Operators, NormTrainingPath.FusedKernels })
            {
                using var scope = Torch.NewDisposeScope();
                using var training = F.UseNormTraining(path);
                using var g = new Generator(23);
                // bf16-representable values, so that the CPU's float32 reference sees the operands the device does.
                var x = Torch.Randn(inputShape, g).To(DType.BFloat16).Float();
                var w = (Torch.Randn(weightShape, g) * 0.2).To(DType.BFloat16).Float();
                var b = Torch.Randn([weightShape[0]], g).To(DType.BFloat16).Float();
                var weighting = Torch.Randn([inputShape[0], weightShape[0], inputShape[2], inputShape[3]], g);
                var cpu = Convolve(x, w, b, weighting, null, weightShape[2] / 2);
                long padding = weightShape[2] / 2;
                var nchw = Convolve(x.To(device), w.To(device), b.To(device), weighting.To(device), autocast, padding, MemoryFormat.Contiguous);
                var thin = Convolve(x.To(device), w.To(device), b.To(device), weighting.To(device), autocast, padding, MemoryFormat.ChannelsLast);
                var names = new[] { "output", "input grad", "weight grad", "bias grad" };
                var errors = names.Select((_, i) => (Cpu: DeviceCheck.RelErr(thin[i].Cpu().Float(), cpu[i]),
                                                     Nchw: DeviceCheck.RelErr(thin[i].Cpu().Float(), nchw[i].Cpu().Float()))).ToArray();
                bool layout = thin[0].IsContiguous(MemoryFormat.ChannelsLast);
                double worst = errors.Max(e => Math.Max(e.Cpu, e.Nchw));
                add($"thin conv2d {string.Join("x", inputShape)} * {string.Join("x", weightShape)}, channels-last bf16{(autocast ? " under autocast" : "")}, {path} training path",
                    layout && worst < Limit,
                    string.Join("; ", names.Select((n, i) => $"{n} {errors[i].Cpu:E2} from the CPU's, {errors[i].Nchw:E2} from NCHW's")) +
                    $" (limit {Limit:g}); channels-last output: {layout}");
            }
    }

    /// <summary>
    /// The convolution's output and its input, weight and bias gradients for a weighted sum of the output: on the CPU in
    /// float32 (<paramref name="autocast"/> null); on the device with the weights in <paramref name="layout"/>, either in
    /// bf16 outside autocast or in float32 under it.
    /// </summary>
    private static Tensor[] Convolve(Tensor x, Tensor w, Tensor b, Tensor weighting, bool? autocast, long padding,
                                     MemoryFormat layout = MemoryFormat.Contiguous)
    {
        var dtype = autocast is false ? DType.BFloat16 : DType.Float32;
        var xs = x.To(dtype).ToMemoryFormat(layout).Detach().RequiresGrad_();
        var ws = w.To(dtype).ToMemoryFormat(layout).Detach().RequiresGrad_();
        var bs = b.To(dtype).Detach().RequiresGrad_();
        Tensor y;
        using (Torch.Autocast(x.Device, DType.BFloat16, enabled: autocast is true))
            y = F.Conv2d(xs, ws, bs, 1, padding);
        var grads = Autograd.Grad([(y.Float() * weighting).Sum()], [xs, ws, bs]);
        return [y, grads[0]!, grads[1]!, grads[2]!];
    }
}
