namespace RandCond.Plotting;

/// <summary>
/// A plotly "image" trace: pixels drawn at their true aspect with row 0 at the top.
/// The picture travels as a PNG data URI, which is far smaller than a JSON array of pixels.
/// </summary>
public sealed class ImageTrace : Trace<ImageTrace>
{
    private ImageTrace(string dataUri) : base("image")
    {
        Json["source"] = dataUri;
    }

    public static ImageTrace FromPng(byte[] png, string? name = null) =>
        new ImageTrace("data:image/png;base64," + Convert.ToBase64String(png)).SetNamed(name);

    /// <summary>Places the image's top-left pixel at (x0, y0) with pixels dx by dy axis units.</summary>
    public ImageTrace Placement(double x0, double y0, double dx = 1, double dy = 1) =>
        Set("x0", x0).Set("y0", y0).Set("dx", dx).Set("dy", dy);
}
