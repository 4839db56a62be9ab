using System.Net;
using System.Text;

namespace RandCond.Plotting;

/// <summary>An HTML table; numeric columns right-aligned, best values in &lt;b&gt;.</summary>
internal static class TableHtml
{
    public static string Write(TableLayout table)
    {
        int n = table.Names.Length;
        var html = new StringBuilder("<table class=\"randcond-table\">\n");
        if (table.Style.Caption is not null) html.Append("<caption>").Append(WebUtility.HtmlEncode(table.Style.Caption)).Append("</caption>\n");
        html.Append("<thead><tr>");
        for (int c = 0; c < n; c++) html.Append(Open("th", table, c)).Append(WebUtility.HtmlEncode(table.Header(c, "↑", "↓"))).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < table.Cells.Length; r++)
        {
            html.Append("<tr>");
            for (int c = 0; c < n; c++)
            {
                var text = WebUtility.HtmlEncode(table.Cells[r][c]);
                html.Append(Open("td", table, c)).Append(table.Best[r][c] ? "<b>" + text + "</b>" : text).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        return html.ToString();
    }

    private static string Open(string tag, TableLayout table, int c) =>
        $"<{tag} style=\"text-align:{(table.Numeric[c] ? "right" : "left")}\">";
}
