using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Metrics;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// How samples of one class subset (D's combinations, or those it lacks) score: FD against the real test images of the
/// same (digit, thickness, slant) classes, the share the classifier reads as the digit asked for, the shares measured
/// with the thickness and the slant asked for (<see cref="AttributeBins"/> of the digit asked for), and the share right on
/// all three at once.
/// </summary>
public sealed record CompositionalScores(double FrechetDistance, double DigitAccuracy, double ThicknessAccuracy, double SlantAccuracy, double AllThreeAccuracy);

/// <summary>
/// Scores samples of the compositional classes on the combinations D holds and on those it lacks. The real test images are
/// put into classes by the same committed attribute bins the teacher's captions came from, and each subset's FD is against
/// the test images of its classes.
/// </summary>
public sealed class CompositionalScorer : IDisposable
{
    private readonly DomainClassifier classifier;
    private readonly AttributeBins bins;
    private readonly FeatureStatistics seenReference, unseenReference;
    private readonly long[] seenMask;

    /// <param name="seenClasses">the compositional classes D holds</param>
    public CompositionalScorer(DomainClassifier classifier, AttributeBins bins, IReadOnlyList<int> seenClasses, Device device)
    {
        (this.classifier, this.bins) = (classifier, bins);
        seenMask = Enumerable.Range(0, 10 * AttributeCaptions.Combinations).Select(c => seenClasses.Contains(c) ? 1L : 0L).ToArray();
        using var test = ImageDataset.Load(DatasetKind.Mnist, DatasetSplit.Test, PixelRange.MinusOneOne, device);
        using var combination = bins.Classify(test.Images, test.Labels, test.Range);
        using var classes = test.Labels * AttributeCaptions.Combinations + combination;
        using var seen = IsSeen(classes);
        using var unseen = seen.LogicalNot();
        using var seenImages = test.Images.Index(seen);
        using var unseenImages = test.Images.Index(unseen);
        TestImages = (seenImages.Size(0), unseenImages.Size(0));
        seenReference = FeatureStatistics.FromImages(classifier, seenImages);
        unseenReference = FeatureStatistics.FromImages(classifier, unseenImages);
    }

    /// <summary>How many test images fall in D's classes and in the others (each subset's FD reference).</summary>
    public (long Seen, long Unseen) TestImages { get; }

    /// <summary>Scores of the samples of D's classes and of the classes D lacks.</summary>
    /// <param name="images">(N, 1, 28, 28) samples in [-1, 1]</param>
    /// <param name="labels">Int64 (N): the compositional class each sample was asked for</param>
    public (CompositionalScores Seen, CompositionalScores Unseen) Score(Tensor images, Tensor labels)
    {
        using var scope = Torch.NewDisposeScope();
        var seen = IsSeen(labels);
        return (Subset(images, labels, seen, seenReference), Subset(images, labels, seen.LogicalNot(), unseenReference));
    }

    private CompositionalScores Subset(Tensor images, Tensor labels, Tensor keep, FeatureStatistics reference)
    {
        using var scope = Torch.NewDisposeScope();
        var x = images.Index(keep);
        var asked = labels.Index(keep);
        if (x.Size(0) < 2) throw new ArgumentException($"compositional scores need at least 2 samples in each subset, got {x.Size(0)}");
        var digits = AttributeCaptions.Digits(asked);
        var outputs = ClassifierOutputs.Collect(classifier, x.Clamp(-1.0, 1.0), 500);   // one pass: FD, accuracy and each sample's digit
        using var stats = FeatureStatistics.FromFeatures(outputs.Features);
        var (thickness, slant) = Agreement(bins, x, asked);
        var allThree = thickness.LogicalAnd(slant).LogicalAnd(outputs.Logits.ArgMax(1).Eq(digits));
        return new CompositionalScores(FrechetDistance.Compute(stats, reference), ConditionAccuracy.FromLogits(outputs.Logits, digits).Overall,
            Mean(thickness), Mean(slant), Mean(allThree));
    }

    /// <summary>The shares of samples measured with the thickness and with the slant their compositional class asked for.</summary>
    public static (double Thickness, double Slant) AttributeAgreement(AttributeBins bins, Tensor images, Tensor labels)
    {
        using var scope = Torch.NewDisposeScope();
        var (thickness, slant) = Agreement(bins, images, labels);
        return (Mean(thickness), Mean(slant));
    }

    private static (Tensor Thickness, Tensor Slant) Agreement(AttributeBins bins, Tensor images, Tensor labels)
    {
        var measured = bins.Classify(images, AttributeCaptions.Digits(labels));
        var wanted = AttributeCaptions.CombinationsOf(labels);
        return (AttributeBins.ThicknessBinOf(measured).Eq(AttributeBins.ThicknessBinOf(wanted)),
                AttributeBins.SlantBinOf(measured).Eq(AttributeBins.SlantBinOf(wanted)));
    }

    private Tensor IsSeen(Tensor classes)
    {
        using var table = Torch.FromArray(seenMask, device: classes.Device);
        using var picked = table.IndexSelect(0, classes.Reshape(-1));
        return picked.Eq(1);
    }

    private static double Mean(Tensor flags)
    {
        using var f = flags.To(DType.Float64);
        using var m = f.Mean();
        return m.Item();
    }

    public void Dispose()
    {
        seenReference.Dispose();
        unseenReference.Dispose();
    }
}
