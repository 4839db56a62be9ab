namespace RandCond.Plotting;

/// <summary>Which value of a column is the best one, marked bold when the table renders.</summary>
public enum Better
{
    None,
    Higher,
    Lower,
}

/// <summary>
/// A table column: its name, a .NET numeric format (e.g. "F2", "N0", "0.0%"; invariant culture)
/// applied to numbers and their std, and which direction is better.
/// Without a format, doubles print with "G4" and integers in full.
/// </summary>
public sealed record TableColumn(string Name, string? Format = null, Better Better = Better.None);
