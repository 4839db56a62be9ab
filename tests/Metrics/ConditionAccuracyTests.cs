using RandCond.Metrics;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class ConditionAccuracyTests
{
    [Fact]
    public void HandMadePredictionsGiveTheExpectedAccuraciesAndConfusion()
    {
        using var intended = Torch.FromArray(new long[] { 0, 0, 0, 1, 1, 2, 2 });
        using var predicted = Torch.FromArray(new long[] { 0, 1, 0, 1, 1, 0, 3 });
        var r = ConditionAccuracy.FromPredictions(predicted, intended, 4);
        Assert.Equal(4.0 / 7, r.Overall, 1e-12);
        Assert.Equal(2.0 / 3, r.PerClass[0], 1e-12);
        Assert.Equal(1.0, r.PerClass[1]);
        Assert.Equal(0.0, r.PerClass[2]);
        Assert.True(double.IsNaN(r.PerClass[3]));
        Assert.Equal(new long[] { 3, 2, 2, 0 }, r.CountPerClass);
        long[,] expected =
        {
            { 2, 1, 0, 0 },
            { 0, 2, 0, 0 },
            { 1, 0, 0, 1 },
            { 0, 0, 0, 0 },
        };
        Assert.Equal(expected, r.Confusion);
    }

    [Fact]
    public void LogitsArePredictedByTheirLargestEntry()
    {
        using var logits = Torch.FromArray(new float[] { 2, 1, 0, /**/ 0, 0, 5, /**/ -1, 3, 2 }, [3, 3]);
        using var intended = Torch.FromArray(new long[] { 0, 1, 1 });
        var r = ConditionAccuracy.FromLogits(logits, intended);
        Assert.Equal(2.0 / 3, r.Overall, 1e-12);
        Assert.Equal(1, r.Confusion[1, 2]);
        Assert.Equal(1, r.Confusion[1, 1]);
    }

    [Fact]
    public void LabelsOutsideTheClassesAreRejected()
    {
        using var intended = Torch.FromArray(new long[] { 0, 4 });
        using var predicted = Torch.FromArray(new long[] { 0, 1 });
        var e = Assert.Throws<ArgumentException>(() => ConditionAccuracy.FromPredictions(predicted, intended, 4));
        Assert.Contains("[0, 4)", e.Message);
    }
}
