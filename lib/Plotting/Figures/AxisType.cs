namespace RandCond.Plotting;

public enum AxisType
{
    Linear,
    Log,
    Category,
    Date,
}

internal static class AxisTypeNames
{
    public static string ToPlotly(this AxisType type) => type switch
    {
        AxisType.Linear => "linear",
        AxisType.Log => "log",
        AxisType.Category => "category",
        AxisType.Date => "date",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
