using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature sets:
/// |mu1 - mu2|² + Tr(S1 + S2 - 2 (S1^½ S2 S1^½)^½), in float64. Square roots of symmetric positive
/// semi-definite matrices come from the symmetric eigendecomposition, with eigenvalues that rounding made
/// slightly negative clamped to 0, so no complex parts arise as with a general matrix square root.
/// </summary>
public static class FrechetDistance
{
    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        if (a.ClassifierFingerprint is { } fa && b.ClassifierFingerprint is { } fb && fa != fb)
            throw new ArgumentException($"FrechetDistance: the statistics come from different classifiers ({fa} and {fb}); their feature spaces are not comparable");
        return Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);
    }

    public static double Compute(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        long d = mean1.Shape is [var n] ? n : throw new ArgumentException($"FrechetDistance: means must be 1-D, got [{string.Join(", ", mean1.Shape)}]");
        if (!mean2.Shape.SequenceEqual(new[] { d }) || !covariance1.Shape.SequenceEqual(new[] { d, d }) || !covariance2.Shape.SequenceEqual(new[] { d, d }))
            throw new ArgumentException($"FrechetDistance: shapes disagree: means [{string.Join(", ", mean1.Shape)}] and [{string.Join(", ", mean2.Shape)}], " +
                                        $"covariances [{string.Join(", ", covariance1.Shape)}] and [{string.Join(", ", covariance2.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var device = mean1.Device;
        var mu1 = mean1.To(device, DType.Float64);
        var mu2 = mean2.To(device, DType.Float64);
        var s1 = covariance1.To(device, DType.Float64);
        var s2 = covariance2.To(device, DType.Float64);
        var meanTerm = (mu1 - mu2).Square().Sum();
        var root1 = SymmetricSqrt(s1);
        var cross = EigenvaluesOfSymmetric(root1.MatMul(s2).MatMul(root1)).Clamp(0.0).Sqrt().Sum();
        var fd = meanTerm + Trace(s1) + Trace(s2) - 2.0 * cross;
        return fd.Item();
    }

    /// <summary>The symmetric positive semi-definite square root R of a symmetric matrix A (R R = A where A is PSD).</summary>
    public static Tensor SymmetricSqrt(Tensor symmetric)
    {
        using var scope = Torch.NewDisposeScope();
        var (values, vectors) = Linalg.Eigh(Symmetrize(symmetric));
        var root = (vectors * values.Clamp(0.0).Sqrt().Unsqueeze(0)).MatMul(vectors.T);
        return root.MoveToOuterScope();
    }

    private static Tensor EigenvaluesOfSymmetric(Tensor m)
    {
        var (values, vectors) = Linalg.Eigh(Symmetrize(m));
        vectors.Dispose();
        return values;
    }

    // Products like S1^½ S2 S1^½ are symmetric only up to rounding; eigh reads one triangle, so average both.
    private static Tensor Symmetrize(Tensor m)
    {
        using var scope = Torch.NewDisposeScope();
        return ((m + m.T) * 0.5).MoveToOuterScope();
    }

    private static Tensor Trace(Tensor m) => Torch.Op("aten::trace", "", m);
}
