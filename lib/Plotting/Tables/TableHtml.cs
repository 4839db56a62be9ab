using System.Net;
using System.Text;

namespace RandCond.Plotting;

/// <summary>An HTML table; numeric columns right-aligned, best values in &lt;b&gt;.</summary>
internal static class TableHtml
{
    public static string Write(Table table)
    {
        int n = table.Columns.Count;
        var html = new StringBuilder("<table class=\"randcond-table\">\n");
        if (table.Caption is not null) html.Append("<caption>").Append(WebUtility.HtmlEncode(table.Caption)).Append("</caption>\n");
        html.Append("<thead><tr>");
        for (int c = 0; c < n; c++)
            html.Append(Open("th", table, c)).Append(WebUtility.HtmlEncode(table.Columns[c].Name + table.Arrow(c, "↑", "↓"))).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            html.Append("<tr>");
            for (int c = 0; c < n; c++)
            {
                var cell = table.Rows[r][c];
                var format = table.Columns[c].Format;
                var text = cell.FormatValue(format);
                if (cell.FormatStd(format) is string std) text += " ± " + std;
                text = WebUtility.HtmlEncode(text);
                if (table.IsBest(r, c)) text = "<b>" + text + "</b>";
                html.Append(Open("td", table, c)).Append(text).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        return html.ToString();
    }

    private static string Open(string tag, Table table, int c) =>
        table.IsNumericColumn(c) ? $"<{tag} style=\"text-align:right\">" : $"<{tag} style=\"text-align:left\">";
}
