namespace RandCond.Plotting;

/// <summary>
/// A result table for papers and notebooks: named, formatted columns; rows of text, numbers
/// (optionally mean ± std) and integers; the best value per column marked bold.
/// Renders to Markdown, LaTeX (booktabs), HTML, CSV (RFC 4180) and plain text.
/// <code>
/// new Table().Column("Method").Column("FD", "F2", Better.Lower).Column("Acc", "0.0%", Better.Higher)
///     .AddRow("no RC", 12.3, 0.71).AddRow("RC", 8.1, TableCell.Mean(0.93, 0.01)).ToLatex()
/// </code>
/// </summary>
[TypeFormatterSource(typeof(TableFormatterSource), PreferredMimeTypes = new[] { "text/html", "text/markdown" })]
public sealed class Table
{
    private readonly List<TableColumn> _columns = new();
    private readonly List<TableCell[]> _rows = new();

    public Table(params TableColumn[] columns)
    {
        _columns.AddRange(columns);
    }

    public IReadOnlyList<TableColumn> Columns => _columns;
    public IReadOnlyList<IReadOnlyList<TableCell>> Rows => _rows;
    public string? Caption { get; private set; }
    public string? Label { get; private set; }

    /// <summary>Whether headers of "better" columns get an arrow (↑ higher, ↓ lower is better).</summary>
    public bool DirectionArrows { get; private set; } = true;

    public Table Column(string name, string? format = null, Better better = Better.None)
    {
        if (_rows.Count > 0) throw new InvalidOperationException("Table: add all columns before the first row.");
        _columns.Add(new TableColumn(name, format, better));
        return this;
    }

    public Table AddRow(params TableCell[] cells)
    {
        if (cells.Length != _columns.Count)
            throw new ArgumentException($"Table: row {_rows.Count + 1} has {cells.Length} values, but the table has {_columns.Count} columns ({string.Join(", ", _columns.Select(c => c.Name))}).");
        _rows.Add(cells.ToArray());
        return this;
    }

    /// <summary>Caption and label (used by LaTeX, which then wraps the tabular in a table float, and by HTML).</summary>
    public Table WithCaption(string caption, string? label = null)
    {
        Caption = caption;
        Label = label;
        return this;
    }

    public Table WithDirectionArrows(bool show)
    {
        DirectionArrows = show;
        return this;
    }

    /// <summary>True when the cell holds its column's best value (ties all count).</summary>
    public bool IsBest(int row, int col)
    {
        var column = _columns[col];
        var cell = _rows[row][col];
        if (column.Better == Better.None || !cell.IsNumeric || double.IsNaN(cell.Value)) return false;
        var values = _rows.Select(r => r[col]).Where(c => c.IsNumeric && !double.IsNaN(c.Value)).Select(c => c.Value);
        double best = column.Better == Better.Higher ? values.Max() : values.Min();
        return cell.Value == best;
    }

    /// <summary>A column is numeric (right-aligned) when it has values and all of them are numbers.</summary>
    public bool IsNumericColumn(int col) =>
        _rows.Any(r => r[col].Kind != TableCellKind.Empty) && _rows.All(r => r[col].Kind == TableCellKind.Empty || r[col].IsNumeric);

    internal string Arrow(int col, string up, string down) => !DirectionArrows ? "" : _columns[col].Better switch
    {
        Better.Higher => " " + up,
        Better.Lower => " " + down,
        _ => "",
    };

    public string ToMarkdown() => TableMarkdown.Write(this);
    public string ToLatex() => TableLatex.Write(this);
    public string ToCsv() => TableCsv.Write(this);
    public string ToHtml() => TableHtml.Write(this);
    public string ToText() => TableText.Write(this);

    public override string ToString() => ToText();

    /// <summary>Writes the table by extension: .md, .tex, .csv, .html/.htm or .txt (through a temporary file).</summary>
    public void Save(string path)
    {
        var text = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".md" => ToMarkdown(),
            ".tex" => ToLatex(),
            ".csv" => ToCsv(),
            ".html" or ".htm" => ToHtml(),
            ".txt" => ToText(),
            var ext => throw new ArgumentException($"Table.Save('{path}'): extension '{ext}' is not .md, .tex, .csv, .html or .txt."),
        };
        AtomicFile.WriteAllText(path, text);
    }

    public IReadOnlyDictionary<string, string> ToMimeBundle() => new Dictionary<string, string>
    {
        ["text/html"] = ToHtml(),
        ["text/markdown"] = ToMarkdown(),
        ["text/plain"] = ToText(),
    };
}
