using RandCond.Tensors.Native;

namespace RandCond.Tensors;

/// <summary>Stateless neural-network functions (as <c>torch.nn.functional</c>).</summary>
public static class F
{
    public enum Reduction { None = 0, Mean = 1, Sum = 2 }

    /// <summary>
    /// input W^T + bias. Where <see cref="NormTraining"/> is <see cref="NormTrainingPath.FusedKernels"/> on CUDA and autograd
    /// records, the bias's gradient is one column-sum kernel pair (and comes back in the bias's dtype, float32 under
    /// autocast, without a cast); otherwise libtorch's operator.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        NativeMethods.Check(NativeLayerMethods.rc_linear(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, out var result), "linear");
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        return new Tensor(result);
    }

    /// <summary>
    /// A 2-D convolution, plus <paramref name="residual"/> where given (a residual block's skip: the sum as <c>residual +
    /// conv</c>). On CUDA, a channels-last output's bias is added by one vector kernel, with the residual in the same pass
    /// where it has the output's layout and dtype, where nothing needs autograd or <see cref="NormTraining"/> is
    /// <see cref="NormTrainingPath.FusedKernels"/>, and its gradient is one column-sum kernel pair; otherwise libtorch's
    /// operators.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
                                long dilation = 1, long groups = 1, Tensor? residual = null)
    {
        NativeMethods.Check(NativeLayerMethods.rc_conv2d(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, residual?.Handle ?? IntPtr.Zero,
                                                         stride, padding, dilation, groups, out var result), "conv2d");
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        GC.KeepAlive(residual);
        return new Tensor(result);
    }

    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
                                         long outputPadding = 0, long groups = 1, long dilation = 1)
    {
        var x = new OpArgs(stackalloc NativeValue[8]);
        x.Add(input);
        x.Add(weight);
        x.Add(bias, optional: true);
        x.Add(stride);
        x.Add(padding);
        x.Add(outputPadding);
        x.Add(groups);
        x.Add(dilation);
        return x.Call(Aten.ConvTranspose2d);
    }

    /// <summary>
    /// Group normalization over (N, C, ...). Inference on CUDA (no autograd needed, NCHW-contiguous or channels-last, one
    /// float dtype, or under autocast a bf16/fp16 input with float32 parameters) runs as one fused kernel where the native
    /// shim has them (<see cref="FusedNormKernels"/>); training as <see cref="NormTraining"/> says; otherwise libtorch's
    /// operator.
    /// </summary>
    /// <param name="lowPrecisionOutput">
    /// The caller feeds the output only to operations that autocast runs in its low-precision dtype (convolutions,
    /// linears), which would round it to that dtype: under autocast the fused paths then return it so, which saves the
    /// cast (and its backward) without changing a value. Without autocast, or on libtorch's operators, it changes nothing.
    /// </param>
    public static Tensor GroupNorm(Tensor input, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5, bool lowPrecisionOutput = false) =>
        NormalizeGroups(input, groups, weight, bias, null, eps, silu: false, lowPrecisionOutput);

    /// <summary>
    /// SiLU(GroupNorm(input + shift)), shift (N, C) added per sample and channel (a U-Net block's time embedding); on the
    /// fused path one kernel, which also rounds to the output's dtype once instead of after each step.
    /// </summary>
    /// <param name="lowPrecisionOutput">as for <see cref="GroupNorm"/></param>
    public static Tensor GroupNormSilu(Tensor input, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5, Tensor? shift = null,
                                       bool lowPrecisionOutput = false) =>
        NormalizeGroups(input, groups, weight, bias, shift, eps, silu: true, lowPrecisionOutput);

    private static Tensor NormalizeGroups(Tensor input, long groups, Tensor? weight, Tensor? bias, Tensor? shift, double eps, bool silu, bool lowPrecisionOutput)
    {
        NativeMethods.Check(NativeNormMethods.rc_group_norm(input.Handle, groups, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero,
                                                            shift?.Handle ?? IntPtr.Zero, eps, silu ? 1 : 0, lowPrecisionOutput ? 1 : 0, out var result),
                            silu ? "group_norm + silu" : "group_norm");
        GC.KeepAlive(input);
        GC.KeepAlive(weight);
        GC.KeepAlive(bias);
        GC.KeepAlive(shift);
        return new Tensor(result);
    }

    /// <summary>
    /// Layer normalization over the last dimensions. Over the last one only, inference on CUDA runs as one fused kernel
    /// (one warp per row) under the same conditions as <see cref="GroupNorm"/>, and training as <see cref="NormTraining"/> says.
    /// </summary>
    /// <param name="lowPrecisionOutput">as for <see cref="GroupNorm"/></param>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5, bool lowPrecisionOutput = false)
    {
        if (normalizedShape.Length == 1 && input.Dim >= 1 && input.Size(-1) == normalizedShape[0])
        {
            NativeMethods.Check(NativeNormMethods.rc_layer_norm(input.Handle, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps,
                                                                lowPrecisionOutput ? 1 : 0, out var result), "layer_norm");
            GC.KeepAlive(input);
            GC.KeepAlive(weight);
            GC.KeepAlive(bias);
            return new Tensor(result);
        }
        var x = new OpArgs(stackalloc NativeValue[5]);
        x.Add(input);
        x.Add(normalizedShape.AsSpan());
        x.Add(weight, optional: true);
        x.Add(bias, optional: true);
        x.Add(eps);
        return x.Call(Aten.LayerNorm);
    }

    /// <summary>Whether the native shim was built with the fused CUDA normalization kernels (a CUDA build with a CUDA compiler).</summary>
    public static bool FusedNormKernels => NativeNormMethods.rc_fused_norm_kernels() != 0;

    /// <summary>
    /// How <see cref="GroupNorm"/>, <see cref="GroupNormSilu"/>, <see cref="LayerNorm"/>, <see cref="MseLoss"/>, the bias
    /// of <see cref="Linear"/> and <see cref="Conv2d"/> and <see cref="UpsampleNearest"/> run where autograd records a graph (<see cref="NormTrainingPath"/>),
    /// for the whole process (like <see cref="Tf32"/>): libtorch's operators by default.
    /// </summary>
    public static NormTrainingPath NormTraining
    {
        get
        {
            NativeMethods.Check(NativeNormMethods.rc_get_norm_training(out int path), "norm training path");
            return (NormTrainingPath)path;
        }
        set => NativeMethods.Check(NativeNormMethods.rc_set_norm_training((int)value), "norm training path");
    }

    /// <summary>Sets <see cref="NormTraining"/> until the returned scope is disposed, which restores the path it found.</summary>
    public static IDisposable UseNormTraining(NormTrainingPath path) => SettingScope<NormTrainingPath>.Set(() => NormTraining, p => NormTraining = p, path);

    /// <summary>
    /// Whether the fused GroupNorm runs channels-last maps on its vector kernel where the shape allows (true, the default)
    /// or on its general kernel, for the whole process: a switch for benchmarks and checks that compare the two. False, and
    /// setting it fails, where <see cref="FusedNormKernels"/> is false.
    /// </summary>
    public static bool ChannelsLastNormKernel
    {
        get
        {
            NativeMethods.Check(NativeNormMethods.rc_get_channels_last_norm_kernel(out int vector), "channels-last norm kernel");
            return vector != 0;
        }
        set => NativeMethods.Check(NativeNormMethods.rc_set_channels_last_norm_kernel(value ? 1 : 0), "channels-last norm kernel");
    }

    /// <summary>Sets <see cref="ChannelsLastNormKernel"/> until the returned scope is disposed, which restores what it found.</summary>
    public static IDisposable UseChannelsLastNormKernel(bool vector) =>
        SettingScope<bool>.Set(() => ChannelsLastNormKernel, v => ChannelsLastNormKernel = v, vector);

    /// <summary>
    /// How the vector kernel splits a channels-last GroupNorm of <paramref name="channels"/> channels in
    /// <paramref name="groups"/> groups over <paramref name="pixels"/> pixels of <paramref name="dtype"/> values: channels
    /// per block and threads per block; null where such a map takes the general kernel.
    /// </summary>
    public static (int Slab, int Threads)? ChannelsLastNormPlan(long channels, long pixels, long groups, DType dtype)
    {
        int bytes = dtype switch
        {
            DType.Float32 => 4,
            DType.BFloat16 or DType.Float16 => 2,
            _ => throw new ArgumentException($"the fused norms take Float32, BFloat16 or Float16 values, not {dtype}", nameof(dtype)),
        };
        NativeMethods.Check(NativeNormMethods.rc_channels_last_norm_plan(channels, pixels, groups, bytes, out int slab, out int threads), "channels-last norm plan");
        return slab > 0 ? (slab, threads) : null;
    }

    public static Tensor Softmax(Tensor input, long dim) => input.Softmax(dim);
    public static Tensor LogSoftmax(Tensor input, long dim) => input.LogSoftmax(dim);
    public static Tensor Relu(Tensor input) => input.Relu();
    public static Tensor Silu(Tensor input) => input.Silu();
    public static Tensor Gelu(Tensor input, string approximate = "none") => input.Gelu(approximate);

    /// <summary>
    /// softmax(q kᵀ / sqrt(d) + mask) v over the last two dimensions. Uses libtorch's fused operator where this
    /// libtorch has it (2.0 and later: flash / memory-efficient kernels on CUDA), and the composed form otherwise.
    /// A Bool mask marks positions that may be attended; a float mask is added to the scores.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? mask = null, bool isCausal = false)
    {
        if (Aten.Sdpa.Exists)
        {
            var x = new OpArgs(stackalloc NativeValue[6]);
            x.Add(query);
            x.Add(key);
            x.Add(value);
            x.Add(mask, optional: true);
            x.Add(0.0);
            x.Add(isCausal);
            return x.Call(Aten.Sdpa);
        }
        return ComposedAttention(query, key, value, mask, isCausal);
    }

    /// <summary>Attention composed from matmul and softmax: the fallback, and a reference for tests.</summary>
    public static Tensor ComposedAttention(Tensor query, Tensor key, Tensor value, Tensor? mask, bool isCausal)
    {
        using var scope = Torch.NewDisposeScope();
        double scale = 1.0 / Math.Sqrt(query.Size(-1));
        var scores = (query * scale).MatMul(key.Transpose(-2, -1));
        if (isCausal)
        {
            long l = scores.Size(-2), s = scores.Size(-1);
            var keep = Torch.Ones([l, s], DType.Bool, query.Device).Tril();
            scores = scores.MaskedFill(keep.LogicalNot(), double.NegativeInfinity);
        }
        if (mask is not null)
            scores = mask.DType == DType.Bool ? scores.MaskedFill(mask.LogicalNot(), double.NegativeInfinity) : scores + mask;
        return scores.Softmax(-1).MatMul(value).MoveToOuterScope();
    }

    /// <summary>Resizes images (N, C, H, W) to size, by "nearest" or "bilinear" interpolation.</summary>
    public static Tensor Interpolate(Tensor input, long[]? size = null, double? scaleFactor = null, string mode = "nearest", bool alignCorners = false)
    {
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException("Interpolate: give exactly one of size and scaleFactor");
        double[]? scales = scaleFactor is null ? null : [scaleFactor.Value, scaleFactor.Value];
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(input);
        x.AddIntList(size);
        switch (mode)
        {
            case "nearest":
                if (IntegerFactor(input, size, scaleFactor) is { } factor) return UpsampleNearest(input, factor);
                if (scales is null) x.None(); else x.Add(scales.AsSpan());
                return x.Call(Aten.UpsampleNearest);
            case "bilinear":
                x.Add(alignCorners);
                if (scales is null) x.None(); else x.Add(scales.AsSpan());
                return x.Call(Aten.UpsampleBilinear);
            default:
                throw new ArgumentException($"Interpolate: unknown mode '{mode}' (nearest, bilinear)");
        }
    }

    // The factor where a 4-D input grows by one integer factor in height and width (then upsampling by it is exact).
    private static long? IntegerFactor(Tensor input, long[]? size, double? scaleFactor)
    {
        if (input.Dim != 4) return null;
        long h = input.Size(2), w = input.Size(3);
        if (scaleFactor is { } s) return s >= 1 && s == Math.Floor(s) && s <= int.MaxValue ? (long)s : null;
        if (size is not [var outH, var outW] || h == 0 || w == 0 || outH % h != 0) return null;
        long factor = outH / h;
        return factor >= 1 && outW == w * factor ? factor : null;
    }

    /// <summary>
    /// Nearest-neighbour upsampling of a (N, C, H, W) map by an integer factor (what <see cref="Interpolate"/> does in
    /// "nearest" mode at such a size): on CUDA, a channels-last map of a float dtype with channels in runs of 8 is one
    /// vector kernel each way, where nothing needs autograd or <see cref="NormTraining"/> is
    /// <see cref="NormTrainingPath.FusedKernels"/>; otherwise libtorch's operator.
    /// </summary>
    public static Tensor UpsampleNearest(Tensor input, long factor)
    {
        NativeMethods.Check(NativeLayerMethods.rc_upsample_nearest(input.Handle, factor, out var result), "upsample_nearest2d");
        GC.KeepAlive(input);
        return new Tensor(result);
    }

    public static Tensor AvgPool2d(Tensor input, long kernel, long? stride = null, long padding = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(input);
        x.Add(kernel);
        x.Add(stride ?? kernel);
        x.Add(padding);
        return x.Call(Aten.AvgPool2d);
    }

    public static Tensor MaxPool2d(Tensor input, long kernel, long? stride = null, long padding = 0)
    {
        var x = new OpArgs(stackalloc NativeValue[4]);
        x.Add(input);
        x.Add(kernel);
        x.Add(stride ?? kernel);
        x.Add(padding);
        return x.Call(Aten.MaxPool2d);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputSize) => Call.TL(Aten.AdaptiveAvgPool2d, input, [outputSize, outputSize]);

    /// <summary>
    /// The squared error of <paramref name="input"/> against <paramref name="target"/> (same shape), as
    /// <c>torch.nn.functional.mse_loss</c>, with inputs of two float dtypes promoted as it does. The mean runs on fused
    /// CUDA kernels (one pass each way, reading both tensors in their own dtypes and layouts) where nothing needs
    /// autograd or <see cref="NormTraining"/> is <see cref="NormTrainingPath.FusedKernels"/>, returning float32 as
    /// autocast's mse_loss does; on its formulas where that path is <see cref="NormTrainingPath.Formulas"/>.
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (reduction != Reduction.Mean) return Loss(Aten.MseLoss, input, target, reduction);
        NativeMethods.Check(NativeLossMethods.rc_mse_loss(input.Handle, target.Handle, out var result), "mse_loss");
        GC.KeepAlive(input);
        GC.KeepAlive(target);
        return new Tensor(result);
    }

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) => Loss(Aten.L1Loss, input, target, reduction);

    private static Tensor Loss(OpHandle op, Tensor input, Tensor target, Reduction reduction)
    {
        ArgumentCheck.Defined(reduction, nameof(reduction));
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(input);
        x.Add(target);
        x.Add((long)reduction);
        return x.Call(op);
    }

    /// <summary>Cross-entropy of logits (N, C) against class indices (N) (Int64).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        ArgumentCheck.Defined(reduction, nameof(reduction));
        var x = new OpArgs(stackalloc NativeValue[6]);
        x.Add(logits);
        x.Add(target);
        x.None();
        x.Add((long)reduction);
        x.Add(-100L);
        x.Add(labelSmoothing);
        return x.Call(Aten.CrossEntropy);
    }

    public static Tensor Dropout(Tensor input, double p, bool training)
    {
        var x = new OpArgs(stackalloc NativeValue[3]);
        x.Add(input);
        x.Add(p);
        x.Add(training);
        return x.Call(Aten.Dropout);
    }

    public static Tensor Embedding(Tensor weight, Tensor indices) => Call.TT(Aten.Embedding, weight, indices);

    /// <summary>(B, C r², H, W) to (B, C, H r, W r).</summary>
    public static Tensor PixelShuffle(Tensor input, long factor) => Call.TI(Aten.PixelShuffle, input, factor);

    /// <summary>(B, C, H r, W r) to (B, C r², H, W): space to depth, the inverse of <see cref="PixelShuffle"/>.</summary>
    public static Tensor PixelUnshuffle(Tensor input, long factor) => Call.TI(Aten.PixelUnshuffle, input, factor);
}
