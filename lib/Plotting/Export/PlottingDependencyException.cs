namespace RandCond.Plotting;

/// <summary>A tool the plotting code needs (chromium, plotly.js) is missing or failed; the message says how to fix it.</summary>
public sealed class PlottingDependencyException : Exception
{
    public PlottingDependencyException(string message, Exception? inner = null) : base(message, inner) { }
}
