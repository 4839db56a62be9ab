using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Tensors;
using RandCond.Tests.Data;

namespace RandCond.Tests.Data.Attributes;

[Collection("datasets")]
public class AttributeBinsTests(DatasetsFixture data)
{
    private static AttributeBins Bars() =>
        new(AttributeBins.CurrentFormat, "bars", 4, [new DigitBins(0, new MeasureQuartiles(2, 3, 4), new MeasureQuartiles(9, 10, 11))]);

    [Fact]
    public void EveryDigitSplitsIntoFourCombinationsOfAboutAQuarter()
    {
        var bins = AttributeBins.Fit(data.MnistTrain);
        Assert.Equal(10, bins.NumClasses);
        Assert.Equal(60000, bins.FittedImages);
        using var combination = bins.Classify(data.MnistTrain.Images, data.MnistTrain.Labels, PixelRange.ZeroOne);
        var combos = TensorValues.Longs(combination);
        var labels = TensorValues.Longs(data.MnistTrain.Labels);
        for (int digit = 0; digit < 10; digit++)
        {
            var mine = Enumerable.Range(0, labels.Length).Where(i => labels[i] == digit).Select(i => combos[i]).ToArray();
            // The thresholds are this digit's medians, so each attribute splits it in halves (ties go to the lower bin).
            Assert.InRange(mine.Count(c => c >= 2) / (double)mine.Length, 0.49, 0.51);
            Assert.InRange(mine.Count(c => c % 2 == 1) / (double)mine.Length, 0.49, 0.51);
            // The four combinations are quarters only as far as thickness and slant are independent within a digit.
            for (int k = 0; k < AttributeBins.Combinations; k++)
            {
                double share = mine.Count(c => c == k) / (double)mine.Length;
                Assert.True(share is > 0.18 and < 0.32, $"digit {digit}, combination {k} {AttributeBins.Words(k)}: share {share:F3}");
            }
        }
    }

    [Fact]
    public void SyntheticBarsFallInTheBinsTheirMeasuresSay()
    {
        var bins = Bars();
        using var images = SyntheticDigits.Batch(
            SyntheticDigits.Bar(2), SyntheticDigits.Bar(2, shear: 0.5), SyntheticDigits.Bar(4), SyntheticDigits.Bar(4, shear: -0.5));
        using var labels = Torch.Zeros([4], DType.Int64);
        using var combination = bins.Classify(images, labels);
        Assert.Equal([0L, 1, 2, 3], TensorValues.Longs(combination)); // a left lean is as slanted as a right one
        using var thick = AttributeBins.ThicknessBinOf(combination);
        using var slanted = AttributeBins.SlantBinOf(combination);
        Assert.Equal([0L, 0, 1, 1], TensorValues.Longs(thick));
        Assert.Equal([0L, 1, 0, 1], TensorValues.Longs(slanted));
    }

    [Fact]
    public void CombinationIndicesAndWordsCorrespond()
    {
        Assert.Equal(("thin", "upright"), AttributeBins.Words(0));
        Assert.Equal(("thin", "slanted"), AttributeBins.Words(1));
        Assert.Equal(("thick", "upright"), AttributeBins.Words(2));
        Assert.Equal(("thick", "slanted"), AttributeBins.Words(3));
        for (int t = 0; t < 2; t++)
            for (int s = 0; s < 2; s++)
                Assert.Equal((AttributeBins.ThicknessWords[t], AttributeBins.SlantWords[s]), AttributeBins.Words(AttributeBins.Combination(t, s)));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributeBins.Words(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributeBins.Combination(2, 0));
    }

    [Fact]
    public void AWiderMarginBandKeepsFewerImages()
    {
        using var scope = Torch.NewDisposeScope();
        var bins = AttributeBins.Fit(data.MnistTest);
        var measures = StrokeMeasurement.Measure(data.MnistTest.Images, PixelRange.ZeroOne);
        double Kept(double band) => bins.ClearOfThresholds(measures, data.MnistTest.Labels, band).To(DType.Float32).Mean().Item();
        double none = Kept(0), half = Kept(0.5), full = Kept(1);
        Assert.True(none > 0.99, $"band 0 keeps {none}");
        Assert.True(none > half && half > full, $"kept {none}, {half}, {full}");
        // Band 1 drops everything between the quartiles of either attribute: about a quarter survives.
        Assert.InRange(full, 0.15, 0.35);
        Assert.Throws<ArgumentOutOfRangeException>(() => bins.ClearOfThresholds(measures, data.MnistTest.Labels, 1.5));
    }

    [Fact]
    public void LabelsThatDoNotMatchTheMeasuresAreNamed()
    {
        using var scope = Torch.NewDisposeScope();
        var bins = Bars();
        var measures = StrokeMeasurement.Measure(SyntheticDigits.Batch(SyntheticDigits.Bar(2), SyntheticDigits.Bar(3)));
        var floats = Assert.Throws<ArgumentException>(() => bins.Classify(measures, Torch.Zeros([2])));
        Assert.Contains("labels must be Int64 (2)", floats.Message);
        Assert.Contains("Float32[2]", floats.Message);
        var three = Assert.Throws<ArgumentException>(() => bins.Classify(measures, Torch.Zeros([3], DType.Int64)));
        Assert.Contains("Int64[3]", three.Message);
        var outside = Assert.Throws<ArgumentException>(() => bins.Classify(measures, Torch.FromArray(new long[] { 0, 12 })));
        Assert.Contains("label 12 at index 1", outside.Message);
        var missing = Assert.Throws<ArgumentException>(() => AttributeBins.Fit(measures, Torch.FromArray(new long[] { 0, 0 }), 2, "bars"));
        Assert.Contains("class 1 has no images", missing.Message);
    }
}
