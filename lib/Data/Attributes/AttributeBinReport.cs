using System.Diagnostics;
using System.Globalization;
using System.Text;
using RandCond.Tensors;

namespace RandCond.Data.Attributes;

/// <summary>How one digit's bins behave: fitted thresholds, the share of each combination, stability, separation.</summary>
/// <param name="TrainShares">Share of the digit's training images in each combination (index 0..3).</param>
/// <param name="TestShares">The same on the test set, classified with the bins fitted on the training set.</param>
/// <param name="ShiftStability">Fraction of test images whose combination is unchanged when the image moves right by 1 pixel.</param>
/// <param name="HalfPixelStability">The same for a move of half a pixel (linear resampling: the mean of the image and its 1-pixel shift).</param>
/// <param name="ClearShare">Fraction of test images clear of both thresholds by <see cref="AttributeBinReport.Band"/>.</param>
/// <param name="ClearHalfPixelStability">Half-pixel stability among those clear images.</param>
/// <param name="ThicknessSeparation">Test images: mean thickness of "thick" minus that of "thin", over their pooled standard deviation.</param>
/// <param name="SlantSeparation">The same for the slant magnitude of "slanted" and "upright".</param>
public sealed record DigitAttributeReport(
    int Label, long TrainImages, long TestImages, MeasureQuartiles Thickness, MeasureQuartiles Slant,
    double[] TrainShares, double[] TestShares, double ShiftStability, double HalfPixelStability,
    double ClearShare, double ClearHalfPixelStability, double ThicknessSeparation, double SlantSeparation);

/// <summary>
/// The measured report on stroke attributes of a dataset: bins fitted on its training split, checked on its test split.
/// </summary>
public sealed record AttributeBinReport(
    string Dataset, AttributeBins Bins, long MeasuredImages, double MeasureSeconds, string MeasureDevice,
    IReadOnlyList<DigitAttributeReport> Digits)
{
    /// <summary>The margin band (fraction of the median-to-quartile distance) the report tries.</summary>
    public const double Band = 0.5;

    /// <summary>Fits bins on <paramref name="train"/> (timing the measurement of all its images) and checks them on <paramref name="test"/>.</summary>
    public static AttributeBinReport Compute(ImageDataset train, ImageDataset test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var clock = Stopwatch.StartNew();
        using var trainMeasures = StrokeMeasurement.Measure(train.Images, train.Range);
        _ = trainMeasures.ToArrays(); // waits for the device, so the clock counts the whole measurement
        clock.Stop();
        var bins = AttributeBins.Fit(trainMeasures, train.Labels, train.NumClasses, train.Kind.Slug());

        using var scope = Torch.NewDisposeScope();
        var trainCombination = Longs(bins.Classify(trainMeasures, train.Labels));
        var testMeasures = StrokeMeasurement.Measure(test.Images, test.Range);
        var testCombination = Longs(bins.Classify(testMeasures, test.Labels));
        var background = test.Range == PixelRange.MinusOneOne ? -1.0 : 0.0;
        var shifted = Torch.Op("aten::constant_pad_nd", "", test.Images, new long[] { 1, -1, 0, 0 }, background);
        var shiftedCombination = Longs(bins.Classify(shifted, test.Labels, test.Range));
        var halfCombination = Longs(bins.Classify((test.Images + shifted) * 0.5, test.Labels, test.Range));
        var clear = Longs(bins.ClearOfThresholds(testMeasures, test.Labels, Band).Long());
        var (testThickness, testSlant) = testMeasures.ToArrays();
        var trainLabels = Longs(train.Labels);
        var testLabels = Longs(test.Labels);

        var digits = bins.Classes.Select(digit =>
        {
            int c = digit.Label;
            var trainIdx = Indices(trainLabels, c);
            var testIdx = Indices(testLabels, c);
            var clearIdx = testIdx.Where(i => clear[i] != 0).ToArray();
            double Same(long[] other, int[] among) => among.Length == 0 ? double.NaN : among.Count(i => other[i] == testCombination[i]) / (double)among.Length;
            return new DigitAttributeReport(c, trainIdx.Length, testIdx.Length, digit.Thickness, digit.Slant,
                Shares(trainCombination, trainIdx), Shares(testCombination, testIdx),
                Same(shiftedCombination, testIdx), Same(halfCombination, testIdx),
                testIdx.Length == 0 ? double.NaN : clearIdx.Length / (double)testIdx.Length, Same(halfCombination, clearIdx),
                Separation(testIdx, i => testThickness[i], i => testCombination[i] >= 2),
                Separation(testIdx, i => Math.Abs(testSlant[i]), i => testCombination[i] % 2 == 1));
        }).ToArray();
        return new AttributeBinReport(train.Kind.Slug(), bins, train.Count, clock.Elapsed.TotalSeconds, train.Device.ToString(), digits);
    }

    /// <summary>The report as fixed-width text, one row per digit.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        string F(double v, int decimals = 2) => v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        text.AppendLine($"Stroke attributes of {Dataset}: bins fitted on {MeasuredImages} training images; measuring them took {F(MeasureSeconds)} s on {MeasureDevice}.");
        text.AppendLine("thickness in pixels, slant magnitude in degrees (quartiles q1 / median / q3 of the training images; the median is the threshold)");
        text.AppendLine("shares of the combinations thin-upright / thin-slanted / thick-upright / thick-slanted");
        text.AppendLine($"stable: test images whose combination survives a 1-pixel / 0.5-pixel move right; clear: test images outside a band of {F(Band)} around both thresholds");
        text.AppendLine("separation: (mean of upper bin - mean of lower bin) / pooled standard deviation, on the test images");
        text.AppendLine();
        text.AppendLine("digit | thickness q1 / med / q3 | |slant| q1 / med / q3 | train shares            | test shares             | stable 1px  0.5px | clear  0.5px | sep thick  slant");
        foreach (var d in Digits)
        {
            string Shares(double[] s) => string.Join(" ", s.Select(v => F(v)));
            text.AppendLine(
                $"{d.Label,5} | {F(d.Thickness.LowerQuartile),5} / {F(d.Thickness.Median),5} / {F(d.Thickness.UpperQuartile),5}  | " +
                $"{F(d.Slant.LowerQuartile, 1),5} / {F(d.Slant.Median, 1),5} / {F(d.Slant.UpperQuartile, 1),5} | " +
                $"{Shares(d.TrainShares),-23} | {Shares(d.TestShares),-23} | {F(d.ShiftStability, 3),10} {F(d.HalfPixelStability, 3),6} | " +
                $"{F(d.ClearShare),5} {F(d.ClearHalfPixelStability, 3),6} | {F(d.ThicknessSeparation),9} {F(d.SlantSeparation),6}");
        }
        return text.ToString();
    }

    private static long[] Longs(Tensor t)
    {
        using var host = t.Cpu();
        return host.ToArray<long>();
    }

    private static int[] Indices(long[] labels, int c) => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();

    private static double[] Shares(long[] combination, int[] among) =>
        Enumerable.Range(0, AttributeBins.Combinations)
            .Select(k => among.Length == 0 ? double.NaN : among.Count(i => combination[i] == k) / (double)among.Length).ToArray();

    private static double Separation(int[] among, Func<int, double> value, Func<int, bool> upper)
    {
        var high = among.Where(upper).Select(value).ToArray();
        var low = among.Where(i => !upper(i)).Select(value).ToArray();
        if (high.Length < 2 || low.Length < 2) return double.NaN;
        static double Variance(double[] v) { double m = v.Average(); return v.Sum(x => (x - m) * (x - m)) / (v.Length - 1); }
        return (high.Average() - low.Average()) / Math.Sqrt((Variance(high) + Variance(low)) / 2);
    }
}
