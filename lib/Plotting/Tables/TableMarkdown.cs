using System.Text;

namespace RandCond.Plotting;

/// <summary>GitHub-flavoured Markdown: numeric columns right-aligned, best values in **bold**.</summary>
internal static class TableMarkdown
{
    public static string Write(Table table)
    {
        var md = new StringBuilder();
        int n = table.Columns.Count;
        md.Append('|');
        for (int c = 0; c < n; c++) md.Append(' ').Append(Escape(table.Columns[c].Name)).Append(table.Arrow(c, "↑", "↓")).Append(" |");
        md.Append('\n').Append('|');
        for (int c = 0; c < n; c++) md.Append(table.IsNumericColumn(c) ? " ---: |" : " :--- |");
        md.Append('\n');
        for (int r = 0; r < table.Rows.Count; r++)
        {
            md.Append('|');
            for (int c = 0; c < n; c++)
            {
                var cell = table.Rows[r][c];
                var format = table.Columns[c].Format;
                var text = Escape(cell.FormatValue(format));
                if (cell.FormatStd(format) is string std) text += " ± " + std;
                if (table.IsBest(r, c)) text = "**" + text + "**";
                md.Append(' ').Append(text).Append(" |");
            }
            md.Append('\n');
        }
        return md.ToString();
    }

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '\\' or '|' or '*' or '_' or '`') sb.Append('\\');
            sb.Append(ch is '\n' or '\r' ? ' ' : ch);
        }
        return sb.ToString();
    }
}
