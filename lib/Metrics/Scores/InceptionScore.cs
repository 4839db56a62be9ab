using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>An Inception-style score: its mean and (population) standard deviation over the splits.</summary>
public readonly record struct InceptionScoreResult(double Mean, double Std, int Splits)
{
    public override string ToString() => $"{Mean:F3} ± {Std:F3} ({Splits} splits)";
}

/// <summary>
/// exp(E_x KL(p(y|x) || p(y))) from a domain classifier's softmax, computed on each of `splits` (after a fixed shuffle)
/// equal parts (the remainder of N / splits is left out) and reported as mean ± std over the parts, as the
/// Inception Score convention does. 1 for predictions that ignore the image; the number of classes for
/// confident predictions spread evenly over the classes.
/// </summary>
public static class InceptionScore
{
    public static InceptionScoreResult FromLogits(Tensor logits, int splits = 10)
    {
        using var scope = Torch.NewDisposeScope();
        return FromProbabilities(logits.To(DType.Float64).Softmax(1), splits);
    }

    /// <summary>From class probabilities (N, K) whose rows sum to 1.</summary>
    public static InceptionScoreResult FromProbabilities(Tensor probabilities, int splits = 10)
    {
        if (probabilities.Shape is not [var n, var k]) throw new ArgumentException($"InceptionScore: probabilities must be (N, K), got [{string.Join(", ", probabilities.Shape)}]");
        if (splits < 1 || n < splits) throw new ArgumentException($"InceptionScore: {n} samples cannot fill {splits} splits");
        long part = n / splits;
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        // Samples often arrive grouped by class (generated per condition); consecutive splits would then each hold
        // one class and score 1. A fixed permutation makes every split a fair draw, and the result repeatable.
        using var generator = new Generator(0);
        var order = Torch.Randperm(n, generator).To(probabilities.Device);
        var p = probabilities.IndexSelect(0, order).Narrow(0, 0, part * splits).To(DType.Float64).Reshape(splits, part, k);
        var marginal = p.Mean(1, keepDim: true);
        // xlogy gives 0 log 0 = 0, so one-hot predictions are scored exactly.
        var kl = (XLogY(p, p) - XLogY(p, marginal)).Sum(2).Mean(1);
        var scores = kl.Exp().Cpu().ToArray<double>();
        double mean = scores.Average();
        double std = Math.Sqrt(scores.Select(s => (s - mean) * (s - mean)).Average());
        return new InceptionScoreResult(mean, std, splits);
    }

    private static Tensor XLogY(Tensor x, Tensor y) => Torch.Op("aten::xlogy", "Tensor", x, y);
}
