using System.Globalization;
using Microsoft.Data.Analysis;

namespace RandCond.Plotting;

/// <summary>
/// A DataFrame as the exporters see it: each cell's display text, which columns are numeric (right-aligned) and
/// which cells hold their column's best value (ties all count; nulls and NaN never do).
/// </summary>
internal sealed class TableLayout
{
    public TableLayout(DataFrame frame, TableStyle style)
    {
        Style = style;
        Columns = frame.Columns.ToArray();
        Names = Columns.Select(c => c.Name).ToArray();
        Numeric = Columns.Select(c => IsNumericType(c.DataType)).ToArray();
        long rows = frame.Rows.Count;
        Cells = new string[rows][];
        Best = new bool[rows][];
        var best = Columns.Select((c, i) => BestOf(c, style.For(Names[i]).Better)).ToArray();
        for (long r = 0; r < rows; r++)
        {
            Cells[r] = Columns.Select((column, c) => Format(column[r], style.For(Names[c]).Format)).ToArray();
            Best[r] = best.Select(flags => flags[r]).ToArray();
        }
    }

    public TableStyle Style { get; }
    public DataFrameColumn[] Columns { get; }
    public string[] Names { get; }
    public bool[] Numeric { get; }
    public string[][] Cells { get; }
    public bool[][] Best { get; }

    /// <summary>The column's header with its direction arrow, when the style asks for one.</summary>
    public string Header(int c, string up, string down) => !Style.DirectionArrows ? Names[c] : Style.For(Names[c]).Better switch
    {
        Better.Higher => Names[c] + " " + up,
        Better.Lower => Names[c] + " " + down,
        _ => Names[c],
    };

    public static string Format(object? value, string? format) => value switch
    {
        null => "",
        double d => d.ToString(format ?? "G4", CultureInfo.InvariantCulture),
        float f => f.ToString(format ?? "G4", CultureInfo.InvariantCulture),
        IFormattable n => n.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static bool IsNumericType(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(decimal) || type == typeof(int) || type == typeof(long)
        || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort);

    private static double? ToDouble(object? value) => value switch
    {
        null or string or bool or char => null,
        IConvertible c when double.IsFinite(c.ToDouble(CultureInfo.InvariantCulture)) => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>For each row, whether it holds the column's best value.</summary>
    public static bool[] BestOf(DataFrameColumn column, Better better)
    {
        var values = Enumerable.Range(0, (int)column.Length).Select(i => ToDouble(column[i])).ToArray();
        var present = values.OfType<double>().ToArray();
        if (better == Better.None || !IsNumericType(column.DataType) || present.Length == 0) return new bool[values.Length];
        double best = better == Better.Higher ? present.Max() : present.Min();
        return values.Select(v => v == best).ToArray();
    }
}
