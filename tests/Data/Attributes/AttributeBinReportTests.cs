using Xunit.Abstractions;
using RandCond.Data.Attributes;
using RandCond.Tests.Data;

namespace RandCond.Tests.Data.Attributes;

/// <summary>
/// The measured report on MNIST's stroke attributes (bins fitted on the training set, checked on the test set); its
/// text goes to the test output: dotnet test --filter AttributeBinReport --logger "console;verbosity=detailed".
/// </summary>
[Collection("datasets")]
public class AttributeBinReportTests(DatasetsFixture data, ITestOutputHelper log)
{
    [Fact]
    public void BinsOfFullMnistAreBalancedStableAndSeparated()
    {
        var report = AttributeBinReport.Compute(data.MnistTrain, data.MnistTest);
        log.WriteLine(report.ToText());

        Assert.Equal(60000, report.MeasuredImages);
        Assert.Equal(10, report.Digits.Count);
        Assert.Equal(10000, report.Digits.Sum(d => d.TestImages));
        foreach (var d in report.Digits)
        {
            Assert.Equal(1.0, d.TrainShares.Sum(), 1e-9);
            Assert.All(d.TestShares, s => Assert.InRange(s, 0.15, 0.35));
            // Whole-pixel moves change neither measure, so only float rounding at an exact threshold could flip a bin.
            Assert.True(d.ShiftStability > 0.999, $"digit {d.Label}: {d.ShiftStability}");
            // A half-pixel resampling blurs edges and moves measures a little: images near a threshold may flip.
            Assert.True(d.HalfPixelStability > 0.6, $"digit {d.Label}: {d.HalfPixelStability}");
            Assert.True(d.ClearHalfPixelStability >= d.HalfPixelStability, $"digit {d.Label}: clear {d.ClearHalfPixelStability} < all {d.HalfPixelStability}");
            Assert.True(d.ThicknessSeparation > 1 && d.SlantSeparation > 1, $"digit {d.Label}: separations {d.ThicknessSeparation}, {d.SlantSeparation}");
        }
    }
}
