namespace RandCond.Tensors;

/// <summary>
/// How GroupNorm (with its shift and SiLU), LayerNorm, the mean squared error (<see cref="F.MseLoss"/>), the bias of
/// <see cref="F.Linear"/> and <see cref="F.Conv2d"/> and nearest upsampling (<see cref="F.UpsampleNearest"/>) run where autograd records a graph (training), for the whole
/// process: <see cref="F.NormTraining"/>. Inference is not affected: it takes the fused CUDA kernels wherever they apply.
/// </summary>
public enum NormTrainingPath
{
    /// <summary>libtorch's operators (the default).</summary>
    Operators = 0,

    /// <summary>
    /// The fused CUDA kernels, forward and backward (one kernel each way for GroupNorm + shift + SiLU, one warp per row
    /// for LayerNorm), where they apply (a CUDA tensor, contiguous or channels-last, one float dtype; under autocast on
    /// float32 copies, as autocast runs the operators); the operators elsewhere. Not differentiable twice.
    /// </summary>
    FusedKernels = 1,

    /// <summary>
    /// The fused kernels' algebra written as libtorch operators, on any device: slower than either, it lets the CPU check
    /// the formulas and the autograd wiring the kernels use.
    /// </summary>
    Formulas = 2,
}
