using System.Text;

namespace RandCond.Plotting;

/// <summary>GitHub-flavoured Markdown: numeric columns right-aligned, best values in **bold**.</summary>
internal static class TableMarkdown
{
    public static string Write(TableLayout table)
    {
        var md = new StringBuilder();
        int n = table.Names.Length;
        md.Append('|');
        for (int c = 0; c < n; c++) md.Append(' ').Append(Escape(table.Header(c, "↑", "↓"))).Append(" |");
        md.Append('\n').Append('|');
        for (int c = 0; c < n; c++) md.Append(table.Numeric[c] ? " ---: |" : " :--- |");
        md.Append('\n');
        for (int r = 0; r < table.Cells.Length; r++)
        {
            md.Append('|');
            for (int c = 0; c < n; c++)
            {
                var text = Escape(table.Cells[r][c]);
                md.Append(' ').Append(table.Best[r][c] ? "**" + text + "**" : text).Append(" |");
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
