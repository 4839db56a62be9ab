namespace RandCond.Plotting;

/// <summary>
/// How float pixel values map to 0..255. Values outside the range are clamped; the byte is
/// round(255 * v) for <see cref="ZeroToOne"/> and round(255 * (v + 1) / 2) for <see cref="MinusOneToOne"/>,
/// rounding half away from zero.
/// </summary>
public enum PixelRange
{
    /// <summary>0 is black, 1 is white (images as stored).</summary>
    ZeroToOne,

    /// <summary>-1 is black, 1 is white (diffusion models' data scale).</summary>
    MinusOneToOne,
}

public static class PixelRanges
{
    public static byte ToByte(this PixelRange range, float value)
    {
        double v = range == PixelRange.MinusOneToOne ? (value + 1.0) / 2.0 : value;
        if (double.IsNaN(v)) return 0;
        v = Math.Clamp(v, 0.0, 1.0);
        return (byte)Math.Round(v * 255.0, MidpointRounding.AwayFromZero);
    }
}
