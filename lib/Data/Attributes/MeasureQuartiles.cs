namespace RandCond.Data.Attributes;

/// <summary>Quartiles of one measure over one digit's fitting images; the median separates that attribute's two bins.</summary>
public sealed record MeasureQuartiles(double LowerQuartile, double Median, double UpperQuartile)
{
    /// <summary>The quartiles of <paramref name="values"/> (linear interpolation between order statistics, as NumPy's default).</summary>
    public static MeasureQuartiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("MeasureQuartiles.Of: no values", nameof(values));
        var sorted = values.Order().ToArray();
        double At(double q)
        {
            double position = q * (sorted.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, sorted.Length - 1);
            return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }
        return new MeasureQuartiles(At(0.25), At(0.5), At(0.75));
    }

    /// <summary>Where a value counts as clear of the median for a margin <paramref name="band"/> (0..1) of the half-spread on its side.</summary>
    public (double Below, double Above) ClearEdges(double band) =>
        (Median - band * (Median - LowerQuartile), Median + band * (UpperQuartile - Median));
}
