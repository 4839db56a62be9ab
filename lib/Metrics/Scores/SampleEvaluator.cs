using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>The scores of one set of generated samples.</summary>
public sealed record SampleEvaluation(long SampleCount, double FrechetDistance, InceptionScoreResult InceptionScore,
                                      ConditionAccuracyResult? Accuracy)
{
    public override string ToString() =>
        $"N={SampleCount} FD {FrechetDistance:F3} IS {InceptionScore}" + (Accuracy is null ? "" : $" accuracy {Accuracy.Overall:P2}");
}

/// <summary>
/// Scores generated images against reference feature statistics in one domain classifier's feature space:
/// Fréchet distance, Inception-style score, and (given the intended labels) per-condition accuracy.
/// Images are (N, 1, 28, 28) in [-1, 1] on any device; values outside are clamped, as saving them as images would.
/// </summary>
public sealed class SampleEvaluator
{
    public SampleEvaluator(DomainClassifier classifier, FeatureStatistics reference, int batchSize = 500, int inceptionSplits = 10)
    {
        if (reference.Dim != classifier.FeatureDim)
            throw new ArgumentException($"SampleEvaluator: reference statistics have {reference.Dim} features but the '{classifier.Architecture}' classifier gives {classifier.FeatureDim}");
        if (reference.ClassifierFingerprint is { } expected && expected != ClassifierFingerprints.Of(classifier))
            throw new ArgumentException($"SampleEvaluator: the reference statistics were computed with another classifier (fingerprint {expected})");
        (Classifier, Reference, BatchSize, InceptionSplits) = (classifier, reference, batchSize, inceptionSplits);
    }

    public DomainClassifier Classifier { get; }
    public FeatureStatistics Reference { get; }
    public int BatchSize { get; }
    public int InceptionSplits { get; }

    /// <param name="intendedLabels">(N) the class each sample was generated for, or null for unconditional samples.</param>
    public SampleEvaluation Evaluate(Tensor images, Tensor? intendedLabels = null)
    {
        long n = images.Size(0);
        if (intendedLabels is not null && !intendedLabels.Shape.SequenceEqual(new[] { n }))
            throw new ArgumentException($"SampleEvaluator: {n} images need intended labels of shape [{n}], got [{string.Join(", ", intendedLabels.Shape)}]");
        using var scope = Torch.NewDisposeScope();
        var clamped = images.Clamp(-1.0, 1.0);
        var outputs = ClassifierOutputs.Collect(Classifier, clamped, BatchSize);
        using var stats = FeatureStatistics.FromFeatures(outputs.Features);
        double fd = FrechetDistance.Compute(stats, Reference);
        var inception = InceptionScore.FromLogits(outputs.Logits, InceptionSplits);
        var accuracy = intendedLabels is null ? null : ConditionAccuracy.FromLogits(outputs.Logits, intendedLabels);
        return new SampleEvaluation(n, fd, inception, accuracy);
    }
}
