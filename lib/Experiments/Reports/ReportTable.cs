namespace RandCond.Experiments.Reports;

/// <summary>
/// A column of a generated table: a value read from the row's record at <see cref="Path"/>, formatted with
/// <see cref="Format"/> (a .NET format string; "0.0 %" shows 0.965 as "96.5 %"), optionally followed by " / " and a second
/// value. Paths are read by <see cref="RecordPath"/>; "{key}" in a path is replaced by the row's <see cref="ReportRow.Key"/>.
/// </summary>
public sealed record ReportColumn(string Header, string Path, string? Format = null, string? Path2 = null, string? Format2 = null);

/// <summary>A row of a generated table: its label, the record in results/ it reads, and a key its columns' paths may use.</summary>
public sealed record ReportRow(string Label, string Record, string Key = "");

/// <summary>
/// A table of docs/RESULTS.md, generated from records in results/. With <see cref="Each"/>, each row spec stands for every
/// element of the array at that path in its record (and <see cref="LabelHeader"/> is not shown); otherwise one line per row.
/// </summary>
public sealed record ReportTable(string Id, string? LabelHeader, IReadOnlyList<ReportRow> Rows, IReadOnlyList<ReportColumn> Columns, string? Each = null)
{
    /// <summary>One line per element of <paramref name="arrayPath"/> in <paramref name="record"/>.</summary>
    public static ReportTable ForEach(string id, string record, string arrayPath, params ReportColumn[] columns) =>
        new(id, null, [new ReportRow("", record)], columns, arrayPath);

    /// <summary>One line per row spec, labelled.</summary>
    public static ReportTable Lines(string id, string labelHeader, IReadOnlyList<ReportRow> rows, params ReportColumn[] columns) =>
        new(id, labelHeader, rows, columns);
}
