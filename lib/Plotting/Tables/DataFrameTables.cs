using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;

namespace RandCond.Plotting;

/// <summary>
/// Paper and notebook output for Microsoft.Data.Analysis DataFrames: Markdown, LaTeX (booktabs), HTML and plain text
/// with per-column number formats and the best value of a column in bold, and RFC 4180 CSV in full precision.
/// A frame's <see cref="TableStyle"/> is either passed in or attached with <see cref="WithStyle"/> (kept beside the
/// frame, not inside it: a new frame made from it, e.g. by OrderBy, starts plain).
/// <code>
/// var frame = new DataFrame(new StringDataFrameColumn("model", ["RC", "no RC"]), new DoubleDataFrameColumn("FD", [8.1, 12.3]))
///     .WithStyle(new TableStyle().Column("FD", "0.00", Better.Lower));
/// File.WriteAllText("table.tex", frame.ToLatex());
/// </code>
/// </summary>
public static class DataFrameTables
{
    private static readonly ConditionalWeakTable<DataFrame, TableStyle> Styles = new();

    /// <summary>Attaches the style the exporters and the notebook display use for this frame; returns the frame.</summary>
    public static DataFrame WithStyle(this DataFrame frame, TableStyle style)
    {
        Styles.AddOrUpdate(frame, style);
        return frame;
    }

    /// <summary>The attached style, or a plain one.</summary>
    public static TableStyle Style(this DataFrame frame) => Styles.TryGetValue(frame, out var style) ? style : new TableStyle();

    public static string ToMarkdown(this DataFrame frame, TableStyle? style = null) => TableMarkdown.Write(Layout(frame, style));
    public static string ToLatex(this DataFrame frame, TableStyle? style = null) => TableLatex.Write(Layout(frame, style));
    public static string ToHtml(this DataFrame frame, TableStyle? style = null) => TableHtml.Write(Layout(frame, style));
    public static string ToText(this DataFrame frame, TableStyle? style = null) => TableText.Write(Layout(frame, style));
    public static string ToCsv(this DataFrame frame) => TableCsv.Write(frame);

    /// <summary>Writes the frame by extension: .md, .tex, .csv, .html/.htm or .txt (through a temporary file).</summary>
    public static void Save(this DataFrame frame, string path, TableStyle? style = null)
    {
        var text = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".md" => frame.ToMarkdown(style),
            ".tex" => frame.ToLatex(style),
            ".csv" => frame.ToCsv(),
            ".html" or ".htm" => frame.ToHtml(style),
            ".txt" => frame.ToText(style),
            var ext => throw new ArgumentException($"DataFrame.Save('{path}'): extension '{ext}' is not .md, .tex, .csv, .html or .txt.", nameof(path)),
        };
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>For each row, whether it holds the column's best value (ties all count; nulls and NaN never do).</summary>
    public static bool[] IsBest(this DataFrame frame, string column, Better better) =>
        TableLayout.BestOf(frame.Columns.IndexOf(column) >= 0 ? frame[column]
            : throw new ArgumentException($"IsBest: no column '{column}' (columns: {string.Join(", ", frame.Columns.Select(c => c.Name))}).", nameof(column)), better);

    private static TableLayout Layout(DataFrame frame, TableStyle? style) => new(frame, style ?? frame.Style());
}
