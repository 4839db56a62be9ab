using SkiaSharp;

namespace RandCond.Plotting;

/// <summary>
/// The typeface of image-grid labels: DejaVu Sans (Debian's fonts-dejavu-core, installed by scripts/install/plotting.sh)
/// read from its file. SkiaSharp's native library is the build without fontconfig, so that it loads on bare machines
/// (GPU hosts) as well; there a grid with labels fails with a clear message, and one without labels still draws.
/// </summary>
internal static class LabelFont
{
    private static readonly Lazy<SKTypeface> Typeface = new(Find);

    public static SKFont Create(float size) => new(Typeface.Value, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static IEnumerable<string> FontFiles =>
        new[] { Environment.GetEnvironmentVariable("RANDCOND_FONT"), "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" }
            .OfType<string>().Where(p => p.Length > 0);

    private static SKTypeface Find()
    {
        foreach (var path in FontFiles)
        {
            if (!File.Exists(path)) continue;
            var typeface = SKTypeface.FromFile(path);
            if (typeface is not null && typeface.GlyphCount > 0) return typeface;
        }
        throw new PlottingDependencyException(
            $"ImageGrid labels: no usable font (looked for {string.Join(", ", FontFiles)}). " +
            "Install one with scripts/install/plotting.sh (Debian: fonts-dejavu-core), set RANDCOND_FONT to a .ttf file, or draw the grid without labels.");
    }
}
