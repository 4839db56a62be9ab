using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// device-check's rows for the nearest-upsampling kernels (<see cref="F.UpsampleNearest"/>): on channels-last maps of the
/// U-Net's widths (64 and 32 channels: a pixel's 128 and 64 bytes in bf16) and a small one at factor 3, in float32 and
/// bf16, the output and the input's gradient on the kernels' training path against the CPU formulas (each square's
/// gradients summed in float32, rounded once) and against libtorch's CUDA operator; and the output where nothing needs
/// autograd.
/// </summary>
internal static class UpsampleCheck
{
    private static readonly (long[] Shape, long Factor)[] Cases = [([4, 64, 7, 7], 2), ([3, 32, 14, 14], 2), ([2, 16, 5, 3], 3)];

    public static void Run(Action<string, bool, string> add, Device device)
    {
        if (!F.FusedNormKernels) return;  // FusedNormsAgree reports the missing kernels
        foreach (var (shape, factor) in Cases)
            foreach (var (dtype, limit) in new[] { (DType.Float32, 1e-6), (DType.BFloat16, 1e-2) })
            {
                using var scope = Torch.NewDisposeScope();
                using var g = new Generator(17);
                var x = (Torch.Randn(shape, g) * 2.0).To(dtype).ToMemoryFormat(MemoryFormat.ChannelsLast);
                var weighting = Torch.Randn([shape[0], shape[1], shape[2] * factor, shape[3] * factor], g).To(dtype);
                var formulas = Trained(NormTrainingPath.Formulas, x, weighting, factor);
                var kernels = Trained(NormTrainingPath.FusedKernels, x.To(device), weighting.To(device), factor);
                var operators = Trained(NormTrainingPath.Operators, x.To(device), weighting.To(device), factor);
                Tensor inference;
                using (Torch.NoGrad()) inference = F.UpsampleNearest(x.To(device), factor);
                double output = Math.Max(DeviceCheck.RelErr(kernels.Output.Cpu(), formulas.Output), DeviceCheck.RelErr(inference.Cpu(), formulas.Output));
                double grad = DeviceCheck.RelErr(kernels.Grad.Cpu(), formulas.Grad), gradOperators = DeviceCheck.RelErr(kernels.Grad.Cpu(), operators.Grad.Cpu());
                bool layout = kernels.Output.IsContiguous(MemoryFormat.ChannelsLast) && kernels.Grad.IsContiguous(MemoryFormat.ChannelsLast)
                              && inference.IsContiguous(MemoryFormat.ChannelsLast);
                add($"nearest upsampling x{factor}, channels-last [{string.Join(", ", shape)}], {dtype}", output == 0 && layout && Math.Max(grad, gradOperators) < limit,
                    $"output differs by {output:E2} from the CPU's (limit 0), input grad by {grad:E2} from the CPU formulas' and {gradOperators:E2} from " +
                    $"libtorch's CUDA operator (limit {limit:g}); channels-last output, grad and inference output: {layout}");
            }
    }

    private static (Tensor Output, Tensor Grad) Trained(NormTrainingPath path, Tensor x, Tensor weighting, long factor)
    {
        using var training = F.UseNormTraining(path);
        var leaf = x.Detach().RequiresGrad_();
        var y = F.UpsampleNearest(leaf, factor);
        return (y, Autograd.Grad([(y * weighting).Float().Sum()], [leaf])[0]!);
    }
}
