using RandCond.Metrics;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class InceptionScoreTests
{
    [Fact]
    public void UniformPredictionsScoreOne()
    {
        using var p = Torch.Full([200, 10], 0.1, DType.Float64);
        var score = InceptionScore.FromProbabilities(p);
        Assert.Equal(1.0, score.Mean, 1e-12);
        Assert.Equal(0.0, score.Std, 1e-12);
        Assert.Equal(10, score.Splits);
    }

    [Fact]
    public void ConfidentEvenlySpreadPredictionsScoreTheClassCount()
    {
        // One split of 300 samples, each of 10 classes 30 times, predicted with certainty: exactly 10.
        using var labels = Torch.Arange(300) % 10;
        using var p = labels.OneHot(10).To(DType.Float64);
        Assert.Equal(10.0, InceptionScore.FromProbabilities(p, splits: 1).Mean, 1e-9);

        // From logits: large margins give nearly one-hot softmax.
        using var logits = p * 50.0;
        Assert.Equal(10.0, InceptionScore.FromLogits(logits, splits: 1).Mean, 1e-6);
    }

    [Fact]
    public void SamplesGroupedByClassAreShuffledBeforeSplitting()
    {
        // Generated samples arrive grouped by class. Consecutive splits would each hold one class and score 1;
        // after the fixed shuffle every split holds most classes, so the score is close to 10.
        using var labels = Torch.Arange(10).RepeatInterleave(100, 0);
        using var p = labels.OneHot(10).To(DType.Float64);
        var score = InceptionScore.FromProbabilities(p, splits: 10);
        Assert.InRange(score.Mean, 8.0, 10.0);
        Assert.Equal(score.Mean, InceptionScore.FromProbabilities(p, splits: 10).Mean, 1e-12); // repeatable
    }

    [Fact]
    public void ConfidentPredictionsOfOneClassScoreOne()
    {
        using var p = Torch.Zeros([100, 10], DType.Float64);
        using (var column = p.Select(1, 3)) column.FillInPlace(1.0);
        Assert.Equal(1.0, InceptionScore.FromProbabilities(p).Mean, 1e-12);
    }

    [Fact]
    public void TooFewSamplesForTheSplitsIsAnError()
    {
        using var labels = Torch.FromArray(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 5 });
        using var p = labels.OneHot(6).To(DType.Float64);
        Assert.Equal(1.0, InceptionScore.FromProbabilities(p, splits: 9).Mean, 1e-12); // one sample per split: p(y) = p(y|x)
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(p, splits: 10));
    }
}
