using System.Text.Json.Nodes;
using RandCond.Experiments;
using RandCond.Experiments.Reports;

namespace RandCond.Tests.Docs;

/// <summary>docs/RESULTS.md's tables are what the generator makes of the committed records, so none is typed by hand.</summary>
public sealed class ResultsReportTests
{
    private static string ResultsDoc => Path.Combine(RepoPaths.RequireRoot(), "docs", "RESULTS.md");

    [Fact]
    public void The_committed_tables_equal_what_the_records_give()
    {
        var committed = File.ReadAllText(ResultsDoc).Replace("\r\n", "\n");

        var rendered = ResultsReport.Render(committed, RepoPaths.Results());

        if (rendered != committed)
        {
            var a = committed.Split('\n');
            var b = rendered.Split('\n');
            int line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
            Assert.Fail($"docs/RESULTS.md line {line + 1} differs from the records (run `randcond report results`):\n" +
                        $"  committed: {(line < a.Length ? a[line] : "<end>")}\n  generated: {(line < b.Length ? b[line] : "<end>")}");
        }
    }

    [Fact]
    public void Every_table_the_generator_knows_is_in_the_document_once()
    {
        var marked = ResultsReport.MarkedTables(File.ReadAllText(ResultsDoc));

        Assert.Equal(ResultsTables.All.Select(t => t.Id).Order(), marked.Order());
        Assert.True(marked.Count >= 18, $"{marked.Count} tables");
    }

    [Fact]
    public void A_table_shows_the_records_fields_and_their_provenance()
    {
        using var folder = new Folder();
        folder.Record("run.json", """
            {"git_commit": "0123456789abcdef", "device": "Some GPU", "date_utc": "2026-01-02T03:04:05Z", "teacher_accuracy": 0.5,
             "rows": [{"arm": "a", "fd": 1.23456, "accuracy": 0.965}, {"arm": "b", "fd": 2, "accuracy": 1}]}
            """);
        ReportTable[] tables =
        [
            ReportTable.ForEach("each", "run.json", "rows", new ReportColumn("arm", "arm"), new ReportColumn("FD", "fd", "0.00"),
                                new ReportColumn("acc", "accuracy", "0.0 %")),
            ReportTable.Lines("lines", "arm", [new("first", "run.json", "a"), new("second", "run.json", "b")],
                              new ReportColumn("FD / teacher", "rows[arm={key}].fd", "0.0", "teacher_accuracy", "0 %")),
        ];
        const string document = "# R\n\ntext\n  <!-- results-table: each -->\n  stale | table\n  <!-- /results-table -->\nmore\n<!-- results-table: lines -->\n<!-- /results-table -->\n";

        var rendered = ResultsReport.Render(document, folder.Path, tables);

        Assert.Equal("""
            # R

            text
              <!-- results-table: each -->
              | arm | FD | acc |
              | ---: | ---: | ---: |
              | a | 1.23 | 96.5 % |
              | b | 2.00 | 100.0 % |

              Record: `results/run.json` (Some GPU, 2026-01-02T03:04:05Z, commit 0123456789ab).
              <!-- /results-table -->
            more
            <!-- results-table: lines -->
            | arm | FD / teacher |
            | --- | ---: |
            | first | 1.2 / 50 % |
            | second | 2.0 / 50 % |

            Record: `results/run.json` (Some GPU, 2026-01-02T03:04:05Z, commit 0123456789ab).
            <!-- /results-table -->

            """.Replace("\r\n", "\n"), rendered);
        Assert.Equal(rendered, ResultsReport.Render(rendered, folder.Path, tables));
    }

    [Fact]
    public void A_missing_record_field_or_table_is_named()
    {
        using var folder = new Folder();
        folder.Record("run.json", """{"rows": [{"arm": "a"}]}""");
        ReportTable[] tables = [ReportTable.ForEach("t", "run.json", "rows", new ReportColumn("FD", "fd", "0.0"))];

        var field = Assert.Throws<InvalidDataException>(() => ResultsReport.Render("<!-- results-table: t -->\n<!-- /results-table -->\n", folder.Path, tables));
        Assert.Contains("results/run.json", field.Message);
        Assert.Contains("'fd'", field.Message);

        var table = Assert.Throws<InvalidDataException>(() => ResultsReport.Render("a\n<!-- results-table: nope -->\n<!-- /results-table -->\n", folder.Path, tables));
        Assert.Contains("line 2", table.Message);
        Assert.Contains("'nope'", table.Message);

        ReportTable[] missing = [ReportTable.ForEach("m", "absent.json", "rows", new ReportColumn("FD", "fd"))];
        var file = Assert.Throws<FileNotFoundException>(() => ResultsReport.Render("<!-- results-table: m -->\n<!-- /results-table -->\n", folder.Path, missing));
        Assert.Contains("results/absent.json", file.Message);
    }

    [Fact]
    public void A_path_selects_by_index_or_by_field_values()
    {
        var json = JsonNode.Parse("""{"rows": [{"model": "codi", "steps": 4, "fd": 7}, {"model": "codi", "steps": 8, "fd": 5}], "a": {"b": [1, 2]}}""")!;

        Assert.Equal(5, RecordPath.Number(json, "rows[model=codi,steps=8].fd"));
        Assert.Equal(2, RecordPath.Number(json, "a.b[1]"));
        Assert.Contains("2 elements", Assert.Throws<KeyNotFoundException>(() => RecordPath.Read(json, "rows[model=codi].fd")).Message);
        Assert.Contains("no [5]", Assert.Throws<KeyNotFoundException>(() => RecordPath.Read(json, "a.b[5]")).Message);
        Assert.Contains("no field 'c'", Assert.Throws<KeyNotFoundException>(() => RecordPath.Read(json, "a.c")).Message);
    }

    [Fact]
    public void The_report_command_checks_without_writing()
    {
        var before = File.ReadAllText(ResultsDoc);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = RandCond.Cli.Program.Run(["report", "results", "--check"], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("all equal to the records", stdout.ToString());
        Assert.Equal(before, File.ReadAllText(ResultsDoc));
        Assert.Equal(2, RandCond.Cli.Program.Run(["report", "nothing"], stdout, stderr));
    }

    private sealed class Folder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "randcond-report-" + Guid.NewGuid().ToString("N")[..8]);

        public Folder() => Directory.CreateDirectory(Path);

        public void Record(string name, string json) => File.WriteAllText(System.IO.Path.Combine(Path, name), json);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
