namespace RandCond.Tensors;

/// <summary>
/// What a GPU kernel does, read from its name (libtorch's, cuDNN's, cuBLAS's, Inductor's Triton kernels, RandCond's own),
/// so that two profiles of the same work by different code can be compared kind by kind rather than kernel by kernel.
/// </summary>
public static class KernelKind
{
    public const string Convolution = "convolution";
    public const string Matmul = "matmul";
    public const string Normalization = "normalization";
    public const string Attention = "attention/softmax";
    public const string Optimizer = "multi-tensor (optimizer, EMA)";
    public const string Fused = "fused elementwise (Inductor)";
    public const string Copy = "copy/cast/layout";
    public const string Reduction = "reduction";
    public const string Elementwise = "elementwise";
    public const string Other = "other";

    // First match wins: a norm or softmax fused by Inductor is still a norm or softmax, a cuDNN "implicit_gemm" a convolution.
    private static readonly (string Kind, string[] Marks)[] Rules =
    [
        (Copy, ["nchwtonhwc", "nhwctonchw"]),   // cuDNN's layout conversions, named after cuDNN but not convolutions
        (Normalization, ["group_norm", "groupnorm", "layer_norm", "layernorm", "batch_norm", "batchnorm", "rowwisemoments", "computefusedparams",
                         "computeinternalgradients", "gammabeta", "compute1dbackward"]),
        (Attention, ["softmax", "flash", "fmha", "attention", "sdpa"]),
        (Convolution, ["conv", "cudnn", "fprop", "dgrad", "wgrad", "implicit_gemm", "xmma_"]),
        (Matmul, ["gemm", "cutlass", "cublas", "nvjet", "matmul", "splitk"]),
        (Optimizer, ["multi_tensor_apply", "foreach", "fused_adam"]),
        (Fused, ["triton_"]),
        (Copy, ["copy", "transpose", "permute", "catarraybatched", "memcpy"]),
        (Reduction, ["reduce"]),
        (Elementwise, ["elementwise", "fill", "memset"]),
    ];

    /// <summary>The kind of the kernel called <paramref name="kernelName"/>.</summary>
    public static string Of(string kernelName)
    {
        string name = kernelName.ToLowerInvariant();
        foreach (var (kind, marks) in Rules)
            if (marks.Any(name.Contains)) return kind;
        return Other;
    }
}
