using System.Text;

namespace RandCond.Plotting;

/// <summary>Plain monospace text with aligned columns; best values carry a trailing '*'.</summary>
internal static class TableText
{
    public static string Write(TableLayout table)
    {
        int n = table.Names.Length;
        var header = Enumerable.Range(0, n).Select(c => table.Header(c, "↑", "↓")).ToArray();
        var cells = table.Cells.Select((row, r) => row.Select((text, c) => table.Best[r][c] ? text + "*" : text).ToArray()).ToArray();
        var widths = Enumerable.Range(0, n).Select(c => cells.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        var text = new StringBuilder();
        if (table.Style.Caption is not null) text.Append(table.Style.Caption).Append('\n');
        AppendRow(text, header, widths, table);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in cells) AppendRow(text, row, widths, table);
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] row, int[] widths, TableLayout table)
    {
        var padded = row.Select((cell, c) => table.Numeric[c] ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
        text.Append(string.Join("  ", padded).TrimEnd()).Append('\n');
    }
}
