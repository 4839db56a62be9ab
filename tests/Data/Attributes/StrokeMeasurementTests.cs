using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Tensors;
using RandCond.Tests.Data;
using RandCond.Tests.Tensors;

namespace RandCond.Tests.Data.Attributes;

[Collection("datasets")]
public class StrokeMeasurementTests(DatasetsFixture data)
{
    private static (float[] Thickness, float[] Slant) Measure(Tensor images, PixelRange range = PixelRange.MinusOneOne)
    {
        using var measures = StrokeMeasurement.Measure(images, range);
        return measures.ToArrays();
    }

    [Fact]
    public void UprightBarsMeasureTheirWidthAndNoSlant()
    {
        using var bars = SyntheticDigits.Batch(SyntheticDigits.Bar(2), SyntheticDigits.Bar(4), SyntheticDigits.Bar(3, length: 12));
        var (thickness, slant) = Measure(bars);
        // A hard-edged upright bar is the rectangle the estimator models: its width comes back up to the diagonal
        // transitions at its two ends (the Crofton count sees L + w - 1 diagonals, not L + w), a few percent for these
        // sizes; 10% still tells 2 from 3 from 4 pixels.
        Assert.InRange(thickness[0], 2 * 0.9, 2 * 1.1);
        Assert.InRange(thickness[1], 4 * 0.9, 4 * 1.1);
        Assert.InRange(thickness[2], 3 * 0.9, 3 * 1.1);
        Assert.All(slant, s => Assert.InRange(s, -0.01f, 0.01f));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.3)]
    [InlineData(0.6)]
    public void ShearedBarsSlantByTheirShearAngle(double shear)
    {
        using var bars = SyntheticDigits.Batch(SyntheticDigits.Bar(3, shear: shear));
        var (thickness, slant) = Measure(bars);
        double expected = Math.Atan(shear) * 180 / Math.PI;
        Assert.Equal(Math.Sign(shear), Math.Sign(slant[0]));
        // Each row's centre is rounded to whole pixels, off the true line by under half a pixel, in a pattern that
        // repeats along the bar; over 20 rows that tilts the moments' fit by well under a degree.
        Assert.InRange(slant[0], expected - 1.5, expected + 1.5);
        // Measured across the stroke, a bar 3 pixels wide along its rows is 3 cos(angle) wide; the diagonal
        // boundary reads up to 8% long, so the estimate may fall that much short.
        double across = 3 * Math.Cos(Math.Atan(shear));
        Assert.InRange(thickness[0], across * 0.85, across * 1.15);
    }

    [Fact]
    public void BlankAndSinglePixelImagesMeasureZeroWithoutNaN()
    {
        var dot = SyntheticDigits.Blank();
        dot[14 * SyntheticDigits.Size + 14] = 1;
        using var images = SyntheticDigits.Batch(SyntheticDigits.Blank(), dot);
        var (thickness, slant) = Measure(images);
        Assert.Equal(0f, thickness[0]);
        Assert.Equal(0f, slant[0]);
        Assert.InRange(thickness[1], 0.5f, 1.5f); // a one-pixel blob reads as a square of side 1
        Assert.Equal(0f, slant[1]);
    }

    [Fact]
    public void AnEmptyBatchHasNoMeasures()
    {
        using var none = Torch.Zeros([0, 1, 28, 28]);
        var (thickness, slant) = Measure(none);
        Assert.Empty(thickness);
        Assert.Empty(slant);
    }

    [Fact]
    public void MeasuringInChunksLeaksNoTensor()
    {
        using var images = SyntheticDigits.Batch(SyntheticDigits.Bar(2), SyntheticDigits.Bar(4));
        using (StrokeMeasurement.Measure(images)) { } // warm up op handles and caches
        LiveTensors.Collect(); // earlier tests' unreachable tensors would otherwise be finalized mid-count
        long before = Torch.NativeLiveTensors;
        using (var measures = StrokeMeasurement.Measure(images))
            Assert.Equal(before + 2, Torch.NativeLiveTensors);
        Assert.Equal(before, Torch.NativeLiveTensors);
    }

    [Fact]
    public void MovingADigitByWholePixelsLeavesBothMeasuresEqual()
    {
        using var scope = Torch.NewDisposeScope();
        var images = data.MnistTest.Images.Slice(0, 0, 400);
        // Keep the digits whose outer 3-pixel frame is blank, so no move below pushes ink out of the image.
        var inner = Torch.Op("aten::constant_pad_nd", "", images.Slice(2, 3, -3).Slice(3, 3, -3), new long[] { 3, 3, 3, 3 }, 0.0);
        var framed = (images - inner).Abs().Sum([1L, 2, 3]).Eq(0);
        var kept = images.Index(framed);
        Assert.True(kept.Size(0) > 200, $"only {kept.Size(0)} of 400 digits have a blank frame");
        var (thickness, slant) = Measure(kept, PixelRange.ZeroOne);
        foreach (var (dx, dy) in new[] { (3, 0), (-2, 1), (1, -3) })
        {
            var moved = Torch.Op("aten::constant_pad_nd", "", kept, new long[] { dx, -dx, dy, -dy }, 0.0);
            var (movedThickness, movedSlant) = Measure(moved, PixelRange.ZeroOne);
            for (int i = 0; i < thickness.Length; i++)
            {
                Assert.Equal(thickness[i], movedThickness[i], 1e-3);
                Assert.Equal(slant[i], movedSlant[i], 1e-2);
            }
        }
    }

    [Fact]
    public void DilatingRealDigitsMakesThemThicker()
    {
        using var scope = Torch.NewDisposeScope();
        var images = data.MnistTest.Images.Slice(0, 0, 500);
        var dilated = F.MaxPool2d(images, 3, stride: 1, padding: 1);
        var (thickness, _) = Measure(images, PixelRange.ZeroOne);
        var (dilatedThickness, _) = Measure(dilated, PixelRange.ZeroOne);
        var growth = thickness.Zip(dilatedThickness, (before, after) => after - before).ToArray();
        Assert.All(growth, g => Assert.True(g > 0, $"a dilated digit measured {g} px thicker"));
        // A 3 x 3 dilation adds a pixel on each side of a stroke, 2 px in all; where it fills a loop or merges two
        // strokes it also removes their inner boundary, which reads as more.
        Assert.InRange(growth.Average(), 1.5, 4.0);
    }

    [Fact]
    public void BothPixelRangesMeasureTheSame()
    {
        using var scope = Torch.NewDisposeScope();
        var zeroOne = data.MnistTest.Images.Slice(0, 0, 200);
        var (thickness, slant) = Measure(zeroOne, PixelRange.ZeroOne);
        var (thickness2, slant2) = Measure(zeroOne * 2 - 1, PixelRange.MinusOneOne);
        for (int i = 0; i < thickness.Length; i++)
        {
            Assert.Equal(thickness[i], thickness2[i], 1e-4);
            Assert.Equal(slant[i], slant2[i], 1e-3);
        }
    }

    [Fact]
    public void MnistDigitsMeasureAsHandwrittenStrokes()
    {
        var (thickness, slant) = Measure(data.MnistTest.Images, PixelRange.ZeroOne);
        Assert.Equal(10000, thickness.Length);
        Assert.All(thickness, t => Assert.True(float.IsFinite(t) && t > 0, $"thickness {t}"));
        Assert.All(slant, s => Assert.True(float.IsFinite(s) && Math.Abs(s) < 90, $"slant {s}"));
        // MNIST pens draw strokes about 2-4 px wide at 28 x 28, and handwriting leans right more often than left.
        var median = thickness.Order().ElementAt(thickness.Length / 2);
        Assert.InRange(median, 1.5f, 4.5f);
        Assert.True(slant.Count(s => s > 0) > slant.Count(s => s < 0));
    }

    [Theory]
    [InlineData(new long[] { 5, 28, 28 }, "[5, 28, 28]")]
    [InlineData(new long[] { 5, 3, 28, 28 }, "[5, 3, 28, 28]")]
    public void WrongShapeIsNamedInTheError(long[] shape, string named)
    {
        using var images = Torch.Zeros(shape);
        var error = Assert.Throws<ArgumentException>(() => StrokeMeasurement.Measure(images));
        Assert.Contains("(N, 1, H, W)", error.Message);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void IntegerImagesAreRejected()
    {
        using var images = Torch.Zeros([2, 1, 28, 28], DType.UInt8);
        var error = Assert.Throws<ArgumentException>(() => StrokeMeasurement.Measure(images));
        Assert.Contains("floating point", error.Message);
        Assert.Contains("UInt8", error.Message);
    }
}
