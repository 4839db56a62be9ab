using RandCond.Tensors;

namespace RandCond.Benchmarks;

/// <summary>
/// device-check's rows for the fused GroupNorm's channels-last vector kernel (<see cref="F.ChannelsLastNormPlan"/>): on
/// shapes that exercise its slabs (the U-Net's widths and grids, 12 and 16 channels per group, one channel per group, one
/// group), in float32, bf16 and autocast's float32-in/bf16-out, its output against the CPU operators and against the
/// general kernel on the same inputs.
/// </summary>
internal static class ChannelsLastNormCheck
{
    /// <summary>The shapes of the vector kernels' checks, forward here and backward in <see cref="FusedNormTrainingCheck"/>.</summary>
    internal static readonly (long Channels, long Height, long Width, long Groups)[] Shapes =
        [(32, 28, 28, 8), (96, 28, 28, 8), (64, 14, 14, 8), (128, 7, 7, 8), (32, 28, 28, 32), (64, 7, 7, 1), (24, 5, 5, 2), (48, 3, 3, 3)];

    public static void Run(Action<string, bool, string> add, Device device)
    {
        if (!F.FusedNormKernels) return;  // FusedNormsAgree reports the missing kernels
        using var noGrad = Torch.NoGrad();
        using var g = new Generator(13);
        foreach (var (channels, height, width, groups) in Shapes)
        {
            using var scope = Torch.NewDisposeScope();
            long n = 3, pixels = height * width;
            // An offset and a scale far from 0 and 1 test the two-pass statistics.
            var x = Torch.Randn([n, channels, height, width], g) * 3.0 + 1.0;
            var w = Torch.Randn([channels], g);
            var b = Torch.Randn([channels], g);
            var shift = Torch.Randn([n, channels], g);
            var expected = F.GroupNorm(x + shift.View(n, channels, 1, 1), groups, w, b).Silu();
            var expectedPlain = F.GroupNorm(x, groups, w, b);
            foreach (var (dtype, limit) in new[] { (DType.Float32, 1e-5), (DType.BFloat16, 1e-2) })
            {
                var plan = F.ChannelsLastNormPlan(channels, pixels, groups, dtype);
                Tensor On(Tensor t) => t.To(device).To(dtype);
                var xl = On(x).ToMemoryFormat(MemoryFormat.ChannelsLast);
                Tensor Fused(bool vector, bool plain)
                {
                    using var kernel = F.UseChannelsLastNormKernel(vector);
                    var y = plain ? F.GroupNorm(xl, groups, On(w), On(b)) : F.GroupNormSilu(xl, groups, On(w), On(b), shift: On(shift));
                    return y.Float().Cpu();
                }
                var vector = Fused(true, plain: false);
                double error = DeviceCheck.RelErr(vector, expected);
                double plainError = DeviceCheck.RelErr(Fused(true, plain: true), expectedPlain);
                double fromGeneral = DeviceCheck.RelErr(vector, Fused(false, plain: false));
                add($"channels-last group_norm vector kernel, {n}x{channels}x{height}x{width}, {groups} groups, {dtype}",
                    Math.Max(error, plainError) < limit && fromGeneral < limit,
                    $"{(plan is { } p ? $"slab {p.Slab}, {p.Threads} threads" : "no plan: the general kernel both times")}; relative error {error:E2} " +
                    $"(+ shift + SiLU) and {plainError:E2} (plain) against the CPU operators, {fromGeneral:E2} from the general kernel (limit {limit:g})");
            }
            // Autocast's float32 input with a bf16 output for a convolution: the float32 loads and the bf16 stores.
            using (Torch.Autocast(device, DType.BFloat16))
            {
                var xl = x.To(device).ToMemoryFormat(MemoryFormat.ChannelsLast);
                Tensor Fused(bool vector)
                {
                    using var kernel = F.UseChannelsLastNormKernel(vector);
                    return F.GroupNormSilu(xl, groups, w.To(device), b.To(device), shift: shift.To(device), lowPrecisionOutput: true).Float().Cpu();
                }
                var vector = Fused(true);
                double error = DeviceCheck.RelErr(vector, expected), fromGeneral = DeviceCheck.RelErr(vector, Fused(false));
                add($"channels-last group_norm vector kernel under bf16 autocast (float32 in, bf16 out), {n}x{channels}x{height}x{width}, {groups} groups",
                    error < 1e-2 && fromGeneral < 1e-2,
                    $"relative error {error:E2} against the CPU operators in float32, {fromGeneral:E2} from the general kernel (limit 1e-2: bf16 rounding)");
            }
        }
    }
}
