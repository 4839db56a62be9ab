namespace RandCond.Plotting;

/// <summary>Which value of a column is the best one, highlighted when a table renders.</summary>
public enum Better
{
    None,
    Higher,
    Lower,
}

/// <summary>
/// How one column prints: a .NET numeric format (e.g. "F2", "N0", "0.0%"; invariant culture) and which direction is
/// better. Without a format, floating-point values print with "G4" and integers in full.
/// </summary>
public sealed record ColumnStyle(string? Format = null, Better Better = Better.None);

/// <summary>
/// How a DataFrame prints as a paper or notebook table: per-column formats and best-value direction, a caption and a
/// label (LaTeX then wraps the tabular in a table float), and whether "better" headers get an arrow (↑ higher, ↓ lower).
/// Columns without a style print with the defaults. Attach it to a frame with <see cref="DataFrameTables.WithStyle"/>
/// or pass it to an exporter.
/// <code>
/// new TableStyle().Column("FD", "0.00", Better.Lower).Column("accuracy", "0.0%", Better.Higher).WithCaption("Students", "tab:students")
/// </code>
/// </summary>
public sealed class TableStyle
{
    private readonly Dictionary<string, ColumnStyle> _columns = new();

    public IReadOnlyDictionary<string, ColumnStyle> Columns => _columns;
    public string? Caption { get; private set; }
    public string? Label { get; private set; }
    public bool DirectionArrows { get; private set; } = true;

    public TableStyle Column(string name, string? format = null, Better better = Better.None)
    {
        _columns[name] = new ColumnStyle(format, better);
        return this;
    }

    public TableStyle WithCaption(string caption, string? label = null)
    {
        Caption = caption;
        Label = label;
        return this;
    }

    public TableStyle WithDirectionArrows(bool show)
    {
        DirectionArrows = show;
        return this;
    }

    public ColumnStyle For(string column) => _columns.TryGetValue(column, out var style) ? style : new ColumnStyle();
}
