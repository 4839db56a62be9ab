using RandCond.Tensors;

namespace RandCond.Diffusion;

/// <summary>
/// A conditional model whose weights are in another floating-point dtype than the sampler's state, typically a BFloat16
/// copy for fast sampling (<c>model.To(DType.BFloat16)</c>): x_t is cast to that dtype at the model's input and the
/// prediction back to x_t's dtype, so the sampler's walk, its guidance arithmetic and its updates stay in float32.
/// Unlike autocast, no operator casts its weights on every call, which leaves fewer and cheaper kernels.
/// </summary>
public sealed class DTypeDenoiser<TCondition>(IDenoiser<TCondition> model, DType dtype) : IDenoiser<TCondition>
{
    public DType DType { get; } = dtype.IsFloatingPoint() ? dtype : throw new ArgumentException($"DTypeDenoiser: {dtype} is not a floating-point dtype", nameof(dtype));
    public Prediction Prediction => model.Prediction;

    public Tensor Predict(Tensor xt, Tensor t, TCondition? condition)
    {
        if (xt.DType == DType) return model.Predict(xt, t, condition);
        using var scope = Torch.NewDisposeScope();
        return model.Predict(xt.To(DType), t, condition).To(xt.DType).MoveToOuterScope();
    }
}

public static class DTypeDenoiserExtensions
{
    /// <summary>The model run in <paramref name="dtype"/> (its weights must already be in it: <c>Module.To(dtype)</c>), taking and returning x_t's dtype.</summary>
    public static IDenoiser<TCondition> InDType<TCondition>(this IDenoiser<TCondition> model, DType dtype) => new DTypeDenoiser<TCondition>(model, dtype);
}
