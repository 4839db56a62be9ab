using RandCond.Tests.Tensors;
using RandCond.Metrics;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class SampleEvaluatorTests(TrainedClassifierFixture trained) : IClassFixture<TrainedClassifierFixture>
{
    [Fact]
    public void RealImagesScoredAgainstTheirOwnStatisticsLookPerfect()
    {
        using var reference = FeatureStatistics.FromImages(trained.Classifier, trained.TestImages);
        var evaluator = new SampleEvaluator(trained.Classifier, reference, batchSize: 300);
        var r = evaluator.Evaluate(trained.TestImages, trained.TestLabels);
        Assert.Equal(1000, r.SampleCount);
        Assert.InRange(r.FrechetDistance, -RoundingBound(reference), RoundingBound(reference));
        Assert.Equal(ClassifierAccuracy.Evaluate(trained.Classifier, trained.TestImages, trained.TestLabels), r.Accuracy!.Overall, 1e-12);
        Assert.Equal(10, r.Accuracy.PerClass.Length);
        Assert.True(r.InceptionScore.Mean > 7, $"IS {r.InceptionScore}");   // confident and spread over ten classes
        Assert.Equal(1000, r.Accuracy.CountPerClass.Sum());
    }

    // FD of a Gaussian against itself is 0 up to rounding in the cross term: eigh of S^½ S S^½ = S² in float64 gets each
    // eigenvalue to about eps·λmax² absolute, so each of the d square roots may be off by sqrt(eps)·λmax, and twice
    // their sum is the bound. (A bound of 1e-8·trace failed one CI run at 1.2 times that.)
    private static double RoundingBound(FeatureStatistics statistics)
    {
        using var scope = Torch.NewDisposeScope();
        double largest = Linalg.Eigh(statistics.Covariance.To(statistics.Covariance.Device, DType.Float64)).Eigenvalues.Max().Item();
        long d = statistics.Covariance.Shape[0];
        return 2.0 * d * Math.Sqrt(2.220446049250313e-16) * largest;
    }

    [Fact]
    public void ScoresSeeMissingClassesAndWrongConditions()
    {
        using var scope = Torch.NewDisposeScope();
        using var reference = FeatureStatistics.FromImages(trained.Classifier, trained.TestImages);
        var evaluator = new SampleEvaluator(trained.Classifier, reference);
        // Fresh images from the same distribution versus only classes 0-4 of them.
        var (fresh, freshLabels) = SyntheticImages.Draw(1000, seed: 40);
        var halfClasses = freshLabels < 5L;
        var good = evaluator.Evaluate(fresh, freshLabels);
        var collapsed = evaluator.Evaluate(fresh.Index(halfClasses), freshLabels.Index(halfClasses));
        Assert.True(collapsed.FrechetDistance > 5 * good.FrechetDistance, $"FD {collapsed.FrechetDistance} vs {good.FrechetDistance}");
        Assert.True(collapsed.InceptionScore.Mean < good.InceptionScore.Mean);
        Assert.True(double.IsNaN(collapsed.Accuracy!.PerClass[7]));
        // Generated "for" the wrong class: accuracy collapses, FD does not change.
        var wrong = evaluator.Evaluate(fresh, (freshLabels + 1L) % 10L);
        Assert.True(wrong.Accuracy!.Overall < 0.1);
        Assert.Equal(good.FrechetDistance, wrong.FrechetDistance, 1e-9);
        Assert.Null(evaluator.Evaluate(fresh).Accuracy);
    }

    [Fact]
    public void CachedReferenceStatisticsAreReusedOnlyForTheSameClassifier()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rc-ref-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var first = FeatureStatistics.LoadOrCompute(path, trained.Classifier, trained.TestImages);
            Assert.Equal(ClassifierFingerprints.Of(trained.Classifier), first.ClassifierFingerprint);
            // Mark the cache (same fingerprint and count, shifted mean): a second call must return it as stored.
            using (var shifted = first.Mean + 1.0)
            using (var marked = new FeatureStatistics(shifted, first.Covariance, first.Count, first.ClassifierFingerprint))
                marked.Save(path);
            using var second = FeatureStatistics.LoadOrCompute(path, trained.Classifier, trained.TestImages);
            using (var difference = second.Mean - first.Mean)
                Assert.All(difference.ToArray<double>(), d => Assert.Equal(1.0, d, 1e-12));

            using var other = TrainedClassifierFixture.Small();
            using var third = FeatureStatistics.LoadOrCompute(path, other, trained.TestImages);
            Assert.Equal(ClassifierFingerprints.Of(other), third.ClassifierFingerprint);
            Assert.Throws<ArgumentException>(() => new SampleEvaluator(trained.Classifier, third));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainingAndScoringLeaveNoTensorsBehind()
    {
        var (images, labels) = SyntheticImages.Draw(128, seed: 50);
        using var net = TrainedClassifierFixture.Small();
        long before = LiveTensors.Settled();
        new ClassifierTrainer(new ClassifierTrainingOptions { Epochs = 1, BatchSize = 32, LogEvery = 2, HorizontalFlip = true })
            .Train(net, images, labels, images, labels);
        using (var reference = FeatureStatistics.FromImages(net, images))
        {
            var evaluation = new SampleEvaluator(net, reference, batchSize: 50).Evaluate(images, labels);
            Assert.True(double.IsFinite(evaluation.FrechetDistance));
        }
        Assert.Equal(before, Tensor.LiveCount);
        images.Dispose();
        labels.Dispose();
    }
}
