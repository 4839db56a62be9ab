using SkiaSharp;

namespace RandCond.Plotting;

/// <summary>
/// The typeface of image-grid labels: DejaVu Sans through fontconfig (Debian's fonts-dejavu-core, installed by
/// scripts/install/plotting.sh), else whatever sans-serif fontconfig offers.
/// </summary>
internal static class LabelFont
{
    private static readonly Lazy<SKTypeface> Typeface = new(Find);

    public static SKFont Create(float size) => new(Typeface.Value, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static SKTypeface Find()
    {
        foreach (var family in new[] { "DejaVu Sans", "sans-serif" })
        {
            var typeface = SKFontManager.Default.MatchFamily(family);
            if (typeface is not null && typeface.GlyphCount > 0) return typeface;
        }
        throw new InvalidOperationException(
            "ImageGrid labels: fontconfig found no usable font (looked for 'DejaVu Sans', then 'sans-serif'). " +
            "Install one with scripts/install/plotting.sh (Debian: fonts-dejavu-core), or draw the grid without labels.");
    }
}
