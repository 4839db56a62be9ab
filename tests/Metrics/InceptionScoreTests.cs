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
        // 10 splits of 30 samples, each holding every one of 10 classes three times, predicted with certainty.
        using var labels = Torch.Arange(300) % 10;
        using var p = labels.OneHot(10).To(DType.Float64);
        var score = InceptionScore.FromProbabilities(p);
        Assert.Equal(10.0, score.Mean, 1e-9);
        Assert.Equal(0.0, score.Std, 1e-9);

        // From logits: large margins give nearly one-hot softmax.
        using var logits = p * 50.0;
        Assert.Equal(10.0, InceptionScore.FromLogits(logits).Mean, 1e-6);
    }

    [Fact]
    public void ConfidentPredictionsOfOneClassScoreOne()
    {
        using var p = Torch.Zeros([100, 10], DType.Float64);
        using (var column = p.Select(1, 3)) column.FillInPlace(1.0);
        Assert.Equal(1.0, InceptionScore.FromProbabilities(p).Mean, 1e-12);
    }

    [Fact]
    public void SplitsAreConsecutiveAndTheRemainderIsLeftOut()
    {
        // Split 0 is all class 0 (score 1), split 1 is half class 0, half class 1 (score 2); sample 8 is ignored.
        using var labels = Torch.FromArray(new long[] { 0, 0, 0, 0, 0, 0, 1, 1, 5 });
        using var p = labels.OneHot(6).To(DType.Float64);
        var score = InceptionScore.FromProbabilities(p, splits: 2);
        Assert.Equal(1.5, score.Mean, 1e-12);
        Assert.Equal(0.5, score.Std, 1e-12);
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(p, splits: 10));
    }
}
