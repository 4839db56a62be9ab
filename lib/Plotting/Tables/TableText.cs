using System.Text;

namespace RandCond.Plotting;

/// <summary>Plain monospace text with aligned columns; best values carry a trailing '*'.</summary>
internal static class TableText
{
    public static string Write(Table table)
    {
        int n = table.Columns.Count;
        var header = Enumerable.Range(0, n).Select(c => table.Columns[c].Name + table.Arrow(c, "↑", "↓")).ToArray();
        var cells = table.Rows.Select((row, r) => Enumerable.Range(0, n).Select(c =>
        {
            var format = table.Columns[c].Format;
            var text = row[c].FormatValue(format);
            if (row[c].FormatStd(format) is string std) text += " ± " + std;
            return table.IsBest(r, c) ? text + "*" : text;
        }).ToArray()).ToArray();
        var widths = Enumerable.Range(0, n).Select(c => cells.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        var text = new StringBuilder();
        if (table.Caption is not null) text.Append(table.Caption).Append('\n');
        AppendRow(text, header, widths, table);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in cells) AppendRow(text, row, widths, table);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] row, int[] widths, Table table)
    {
        var padded = row.Select((cell, c) => table.IsNumericColumn(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
        text.Append(string.Join("  ", padded).TrimEnd()).Append('\n');
    }
}
