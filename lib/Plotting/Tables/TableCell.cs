using System.Globalization;

namespace RandCond.Plotting;

public enum TableCellKind
{
    Empty,
    Text,
    Number,
    Integer,
}

/// <summary>One table value: text, a number (optionally mean ± std), an integer, or empty. Converts implicitly from string, double, int and long.</summary>
public readonly record struct TableCell(TableCellKind Kind, string? Text, double Value, double? Std)
{
    public static TableCell Empty => default;

    public static TableCell Mean(double mean, double std) => new(TableCellKind.Number, null, mean, std);

    public static implicit operator TableCell(string? text) => text is null ? Empty : new(TableCellKind.Text, text, 0, null);
    public static implicit operator TableCell(double value) => new(TableCellKind.Number, null, value, null);
    public static implicit operator TableCell(int value) => new(TableCellKind.Integer, null, value, null);
    public static implicit operator TableCell(long value) => new(TableCellKind.Integer, null, value, null);

    public bool IsNumeric => Kind is TableCellKind.Number or TableCellKind.Integer;

    /// <summary>The value without its std, formatted with the column's format.</summary>
    public string FormatValue(string? format) => Kind switch
    {
        TableCellKind.Empty => "",
        TableCellKind.Text => Text!,
        _ => FormatNumber(Value, format),
    };

    public string? FormatStd(string? format) => Std is double s ? FormatNumber(s, format) : null;

    private string FormatNumber(double v, string? format)
    {
        if (Kind == TableCellKind.Integer && format is null) return ((long)v).ToString(CultureInfo.InvariantCulture);
        if (Kind == TableCellKind.Integer) return ((long)v).ToString(format, CultureInfo.InvariantCulture);
        return v.ToString(format ?? "G4", CultureInfo.InvariantCulture);
    }
}
