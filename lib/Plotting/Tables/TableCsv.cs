using System.Globalization;
using System.Text;

namespace RandCond.Plotting;

/// <summary>
/// RFC 4180 CSV (CRLF line ends; fields with comma, quote, CR or LF are quoted, quotes doubled).
/// Numbers are written in full round-trip precision, not the display format, and a column with any
/// std gets a following "&lt;name&gt; std" column. No best-value marking.
/// </summary>
internal static class TableCsv
{
    public static string Write(Table table)
    {
        int n = table.Columns.Count;
        var hasStd = Enumerable.Range(0, n).Select(c => table.Rows.Any(r => r[c].Std is not null)).ToArray();
        var csv = new StringBuilder();
        var header = new List<string>();
        for (int c = 0; c < n; c++)
        {
            header.Add(table.Columns[c].Name);
            if (hasStd[c]) header.Add(table.Columns[c].Name + " std");
        }
        AppendLine(csv, header);
        foreach (var row in table.Rows)
        {
            var fields = new List<string>();
            for (int c = 0; c < n; c++)
            {
                fields.Add(Raw(row[c]));
                if (hasStd[c]) fields.Add(row[c].Std is double s ? s.ToString("R", CultureInfo.InvariantCulture) : "");
            }
            AppendLine(csv, fields);
        }
        return csv.ToString();
    }

    private static string Raw(TableCell cell) => cell.Kind switch
    {
        TableCellKind.Text => cell.Text!,
        TableCellKind.Number => cell.Value.ToString("R", CultureInfo.InvariantCulture),
        TableCellKind.Integer => ((long)cell.Value).ToString(CultureInfo.InvariantCulture),
        _ => "",
    };

    private static void AppendLine(StringBuilder csv, IEnumerable<string> fields)
    {
        csv.Append(string.Join(",", fields.Select(Quote))).Append("\r\n");
    }

    public static string Quote(string field) =>
        field.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
