using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace RandCond.Plotting;

/// <summary>
/// RFC 4180 CSV (CRLF line ends; fields with comma, quote, CR or LF are quoted, quotes doubled). Numbers are written
/// in full round-trip precision, not the display format; nulls are empty fields. Read back with
/// <see cref="DataFrames.ReadCsv"/>, which keeps numbers as doubles.
/// </summary>
internal static class TableCsv
{
    public static string Write(DataFrame frame)
    {
        var csv = new StringBuilder();
        AppendLine(csv, frame.Columns.Select(c => c.Name));
        for (long r = 0; r < frame.Rows.Count; r++) AppendLine(csv, frame.Columns.Select(c => Raw(c[r])));
        return csv.ToString();
    }

    private static string Raw(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void AppendLine(StringBuilder csv, IEnumerable<string> fields) =>
        csv.Append(string.Join(",", fields.Select(Quote))).Append("\r\n");

    private static string Quote(string field) =>
        field.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
