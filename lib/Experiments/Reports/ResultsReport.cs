using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RandCond.Experiments.Reports;

/// <summary>
/// Writes the tables of a Markdown document from the records in results/: every block between
/// <c>&lt;!-- results-table: ID --&gt;</c> and <c>&lt;!-- /results-table --&gt;</c> is replaced by table ID of
/// <see cref="ResultsTables.All"/>, followed by the provenance of each record it read (file, device, date, commit). The
/// opening marker's indentation is kept, so a table can sit inside a list item. Nothing else in the document changes.
/// </summary>
public static partial class ResultsReport
{
    [GeneratedRegex(@"^(?<indent>[ \t]*)<!-- results-table: (?<id>[\w.-]+) -->\n(?<body>.*?)^[ \t]*<!-- /results-table -->", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    /// <summary>The document with every marked block regenerated from the records in <paramref name="resultsFolder"/>.</summary>
    public static string Render(string document, string resultsFolder, IReadOnlyList<ReportTable>? tables = null)
    {
        tables ??= ResultsTables.All;
        document = document.Replace("\r\n", "\n");
        var records = new Dictionary<string, JsonObject>();
        return Block().Replace(document, m =>
        {
            var id = m.Groups["id"].Value;
            var table = tables.FirstOrDefault(t => t.Id == id) ?? throw new InvalidDataException(
                $"line {LineOf(document, m.Index)}: no table named '{id}' (known: {string.Join(", ", tables.Select(t => t.Id))})");
            var indent = m.Groups["indent"].Value;
            var body = Markdown(table, name => Record(records, resultsFolder, name));
            var lines = body.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? "" : indent + l);
            return $"{indent}<!-- results-table: {id} -->\n{string.Join("\n", lines)}\n{indent}<!-- /results-table -->";
        });
    }

    /// <summary>The ids of the blocks a document marks, in order.</summary>
    public static IReadOnlyList<string> MarkedTables(string document) =>
        Block().Matches(document.Replace("\r\n", "\n")).Select(m => m.Groups["id"].Value).ToList();

    /// <summary>One table as Markdown: the table, a blank line, then "Records: `results/X.json` (device, date, commit C)".</summary>
    public static string Markdown(ReportTable table, Func<string, JsonObject> record)
    {
        bool labelled = table.Each is null && table.LabelHeader is not null;
        var md = new StringBuilder();
        var headers = (labelled ? [table.LabelHeader!] : Array.Empty<string>()).Concat(table.Columns.Select(c => c.Header)).ToList();
        md.Append("| ").Append(string.Join(" | ", headers.Select(Escape))).Append(" |\n");
        md.Append('|').Append(string.Concat(headers.Select((_, i) => i == 0 && labelled ? " --- |" : " ---: |"))).Append('\n');
        foreach (var row in table.Rows)
        {
            var json = record(row.Record);
            IEnumerable<JsonNode> bases = table.Each is null ? [json]
                : RecordPath.Read(json, table.Each) as JsonArray is { } array ? array.Select((e, i) => e ?? throw new InvalidDataException($"results/{row.Record}: '{table.Each}[{i}]' is null"))
                : throw new InvalidDataException($"results/{row.Record}: '{table.Each}' is not an array");
            foreach (var node in bases)
            {
                var cells = new List<string>();
                if (labelled) cells.Add(Escape(row.Label));
                foreach (var column in table.Columns)
                {
                    var text = Cell(node, column.Path.Replace("{key}", row.Key), column.Format, row.Record);
                    if (column.Path2 is not null) text += " / " + Cell(node, column.Path2.Replace("{key}", row.Key), column.Format2, row.Record);
                    cells.Add(Escape(text));
                }
                md.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
            }
        }
        md.Append('\n');
        var sources = table.Rows.Select(r => r.Record).Distinct().ToList();
        md.Append(sources.Count == 1 ? "Record: " : "Records: ")
          .Append(string.Join("; ", sources.Select(s => Provenance(s, record(s))))).Append(".\n");
        return md.ToString();
    }

    /// <summary>"`results/X.json` (NVIDIA H100 80GB HBM3, 2026-11-22T08:05:48Z, commit 4add14ee15ad)".</summary>
    public static string Provenance(string name, JsonObject json)
    {
        string Field(string f) => json[f] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "unknown";
        var commit = Field("git_commit");
        return $"`results/{name}` ({Field("device")}, {Field("date_utc")}, commit {RecordedRun.ShortCommit(commit)})";
    }

    /// <summary>
    /// The `randcond report results` command: regenerates the tables of docs/RESULTS.md from results/ (written atomically);
    /// with --check, changes nothing and fails when the committed tables differ from the records.
    /// </summary>
    /// <summary>
    /// Regenerates the marked tables of docs/RESULTS.md from results/ (or, with <paramref name="check"/>, only compares);
    /// returns 0 when they are (now) equal, 1 when a check finds them different.
    /// </summary>
    public static int Update(bool check, TextWriter stdout, TextWriter stderr)
    {
        var path = Path.Combine(RepoPaths.RequireRoot(), "docs", "RESULTS.md");
        var current = File.ReadAllText(path);
        var rendered = Render(current, RepoPaths.Results());
        int tables = MarkedTables(current).Count;
        if (rendered == current.Replace("\r\n", "\n"))
        {
            stdout.WriteLine($"{path}: {tables} tables, all equal to the records in results/");
            return 0;
        }
        if (check)
        {
            stderr.WriteLine($"{path}: its tables differ from the records in results/; run `randcond report results` and commit the result");
            return 1;
        }
        var tmp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(tmp, rendered);
        File.Move(tmp, path, overwrite: true);
        stdout.WriteLine($"{path}: {tables} tables regenerated from results/");
        return 0;
    }

    private static string Cell(JsonNode node, string path, string? format, string recordName)
    {
        JsonNode? value;
        try
        {
            value = RecordPath.Read(node, path);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"results/{recordName}: {e.Message}", e);
        }
        if (format is null || value is null) return RecordPath.Text(value);
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            return v.GetValue<double>().ToString(format, CultureInfo.InvariantCulture);
        throw new InvalidDataException($"results/{recordName}: '{path}' holds {value.ToJsonString()}, not the number format '{format}' expects");
    }

    private static JsonObject Record(Dictionary<string, JsonObject> cache, string folder, string name)
    {
        if (cache.TryGetValue(name, out var cached)) return cached;
        var path = Path.Combine(folder, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"results/{name}: the record this table reads is missing", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"results/{name}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"results/{name}: not valid JSON ({e.Message})", e);
        }
        return cache[name] = json;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
