namespace RandCond.Plotting;

public enum ImageFormat
{
    Png,
    Svg,
    Pdf,
}

internal static class ImageFormats
{
    public static ImageFormat FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ImageFormat.Png,
        ".svg" => ImageFormat.Svg,
        ".pdf" => ImageFormat.Pdf,
        var ext => throw new ArgumentException($"Cannot export a chart to '{path}': extension '{ext}' is not .png, .svg, .pdf or .html."),
    };
}
