using RandCond.Tensors;

namespace RandCond.Nn;

/// <summary>Gradient clipping (as torch.nn.utils.clip_grad_norm_).</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients so their joint 2-norm is at most maxNorm. Returns the norm before clipping as a
    /// one-element tensor (reading it synchronizes with the device; the clipping itself does not).
    /// </summary>
    public static Tensor ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var grads = parameters.Select(p => p.Grad).Where(g => g is not null).Cast<Tensor>().ToArray();
        if (grads.Length == 0) return Torch.Scalar(0).MoveToOuterScope();
        var total = Torch.Stack(Foreach.Norms(grads)).Norm();
        var coef = (maxNorm / (total + 1e-6)).Clamp(max: 1.0);
        Foreach.MulInPlace(grads, coef);
        return total.MoveToOuterScope();
    }
}
