using RandCond.Plotting;

namespace RandCond.Experiments;

/// <summary>
/// Figures and image grids beside a record are optional: a machine without plotly.js, Chromium or the native image
/// libraries (a bare GPU host) still keeps the measured record, with a line in the log saying what was not written and why.
/// </summary>
public static class OptionalFigure
{
    /// <summary>Runs <paramref name="write"/> on <paramref name="path"/>; returns the file name written, or null where a plotting or image dependency is missing.</summary>
    public static string? Write(string path, Action<string> write, TextWriter log)
    {
        try
        {
            write(path);
            return Path.GetFileName(path);
        }
        catch (Exception e) when (IsMissingDependency(e))
        {
            log.WriteLine($"  {Path.GetFileName(path)} not written: {e.GetBaseException().Message}");
            return null;
        }
    }

    /// <summary>plotly.js or Chromium missing (<see cref="PlottingDependencyException"/>), or SkiaSharp's native library not loading.</summary>
    public static bool IsMissingDependency(Exception e) => e is PlottingDependencyException or TypeInitializationException or DllNotFoundException;
}
