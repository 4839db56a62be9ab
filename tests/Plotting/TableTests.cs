using Microsoft.Data.Analysis;
using RandCond.Notebooks.Execution;
using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

/// <summary>DataFrames as paper tables: the exporters, the best-value highlight, the display, the null-safe helpers.</summary>
public class TableTests
{
    private static TableStyle Style() => new TableStyle()
        .Column("FD", "F2", Better.Lower)
        .Column("Acc (%)", "F1", Better.Higher);

    private static DataFrame Sample() => new(
        new StringDataFrameColumn("Method", new[] { "no_RC & co", "RC", "teacher" }),
        new DoubleDataFrameColumn("FD", new double?[] { 12.346, 8.1, null }),
        new DoubleDataFrameColumn("Acc (%)", new double?[] { 71.26, 93.04, 99.0 }),
        new Int32DataFrameColumn("Params", new int?[] { 1200, 1200, 9000 }));

    [Fact]
    public void Markdown_is_exact()
    {
        const string expected =
            "| Method | FD ↓ | Acc (%) ↑ | Params |\n" +
            "| :--- | ---: | ---: | ---: |\n" +
            "| no\\_RC & co | 12.35 | 71.3 | 1200 |\n" +
            "| RC | **8.10** | 93.0 | 1200 |\n" +
            "| teacher |  | **99.0** | 9000 |\n";
        Assert.Equal(expected, Sample().ToMarkdown(Style()));
    }

    [Fact]
    public void Latex_is_exact_booktabs_with_escaping()
    {
        const string expected =
            "\\begin{table}[t]\n" +
            "\\centering\n" +
            "\\caption{Main results: FD \\& accuracy, 100\\% \\$ \\#1 \\{x\\} a\\textasciitilde{}b\\textasciicircum{}c \\textbackslash{}}\n" +
            "\\label{tab:main}\n" +
            "\\begin{tabular}{lrrr}\n" +
            "\\toprule\n" +
            "Method & FD $\\downarrow$ & Acc (\\%) $\\uparrow$ & Params \\\\\n" +
            "\\midrule\n" +
            "no\\_RC \\& co & 12.35 & 71.3 & 1200 \\\\\n" +
            "RC & \\textbf{8.10} & 93.0 & 1200 \\\\\n" +
            "teacher &  & \\textbf{99.0} & 9000 \\\\\n" +
            "\\bottomrule\n" +
            "\\end{tabular}\n" +
            "\\end{table}\n";
        var style = Style().WithCaption("Main results: FD & accuracy, 100% $ #1 {x} a~b^c \\", "tab:main");
        Assert.Equal(expected, Sample().ToLatex(style));
    }

    [Fact]
    public void Latex_without_caption_is_a_bare_tabular()
    {
        var tex = Sample().ToLatex(Style());
        Assert.StartsWith("\\begin{tabular}{lrrr}\n\\toprule\n", tex);
        Assert.EndsWith("\\bottomrule\n\\end{tabular}\n", tex);
    }

    [Fact]
    public void Csv_has_full_precision_empty_nulls_and_crlf()
    {
        const string expected =
            "Method,FD,Acc (%),Params\r\n" +
            "no_RC & co,12.346,71.26,1200\r\n" +
            "RC,8.1,93.04,1200\r\n" +
            "teacher,,99,9000\r\n";
        Assert.Equal(expected, Sample().ToCsv());
    }

    [Fact]
    public void Csv_quotes_by_rfc_4180()
    {
        var csv = new DataFrame(new StringDataFrameColumn("name", new[] { "a, b", "line\nbreak" }),
                                new StringDataFrameColumn("note", new[] { "say \"hi\"", "plain" })).ToCsv();
        Assert.Equal("name,note\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",plain\r\n", csv);
    }

    [Fact]
    public void Ties_are_all_best_nulls_never_and_lower_means_minimum()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("acc", new double?[] { 0.9, 0.9, 0.5, null, double.NaN }));
        Assert.Equal(new[] { true, true, false, false, false }, frame.IsBest("acc", Better.Higher));
        Assert.Equal(new[] { false, false, true, false, false }, frame.IsBest("acc", Better.Lower));
        Assert.Equal(new[] { false, false, false, false, false }, frame.IsBest("acc", Better.None));
        Assert.Contains("no column 'fd'", Assert.Throws<ArgumentException>(() => frame.IsBest("fd", Better.Lower)).Message);
    }

    [Fact]
    public void Html_escapes_and_bolds()
    {
        var html = Sample().ToHtml(Style().WithCaption("<A&B>"));
        Assert.Contains("<caption>&lt;A&amp;B&gt;</caption>", html);
        Assert.Contains("<td style=\"text-align:left\">no_RC &amp; co</td>", html);
        Assert.Contains("<td style=\"text-align:right\"><b>8.10</b></td>", html);
        Assert.Contains("<th style=\"text-align:right\">FD ↓</th>", html);
    }

    [Fact]
    public void Text_aligns_columns()
    {
        var lines = Sample().ToText(Style()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("Method", lines[0]);
        Assert.Contains("FD ↓", lines[0]);
        Assert.Contains("8.10*", lines[3]);
        // The last column is numeric (right-aligned), so every line ends at the same column.
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));
    }

    [Fact]
    public void An_attached_style_is_used_by_the_exporters_and_the_kernel_display()
    {
        var frame = Sample().WithStyle(Style().WithDirectionArrows(false));
        Assert.Equal(frame.ToMarkdown(frame.Style()), frame.ToMarkdown());
        Assert.Contains("| RC | **8.10** |", frame.ToMarkdown());

        var bundle = MimeFormatter.Format(frame);
        Assert.Contains("<b>8.10</b>", bundle["text/html"]);
        Assert.StartsWith("Method", bundle["text/plain"]);
        Assert.DoesNotContain("↓", bundle["text/plain"]);
        // A frame made from it starts plain: G4 numbers, no highlight.
        Assert.DoesNotContain("<b>", MimeFormatter.Format(frame.Head(2))["text/html"]);
    }

    [Fact]
    public void Rows_of_the_wrong_width_are_a_clear_error()
    {
        var frame = DataFrames.Empty(("a", typeof(string)), ("b", typeof(double)));
        frame.AddRow("x", null);
        var error = Assert.Throws<ArgumentException>(() => frame.AddRow(1.0));
        Assert.Contains("row 2: 1 values for 2 columns (a, b)", error.Message);
        Assert.Contains("type Decimal", Assert.Throws<ArgumentException>(() => DataFrames.Empty(("c", typeof(decimal)))).Message);
    }

    [Fact]
    public void Save_writes_by_extension()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "t.tex");
            Sample().Save(path, Style());
            Assert.Equal(Sample().ToLatex(Style()), File.ReadAllText(path));
            Assert.Equal(new[] { "t.tex" }, dir.GetFiles().Select(f => f.Name).ToArray());
            var error = Assert.Throws<ArgumentException>(() => Sample().Save(Path.Combine(dir.FullName, "t.xlsx")));
            Assert.Contains("'.xlsx'", error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MeanBy_skips_nulls_where_the_library_counts_them()
    {
        var frame = new DataFrame(new StringDataFrameColumn("arm", new[] { "rc", "rc", "rc", "off", "off", null }),
                                  new DoubleDataFrameColumn("fd", new double?[] { 1, null, 3, null, null, 5 }));

        var means = frame.MeanBy("arm", "fd");

        Assert.Equal(new[] { "rc", "off" }, new[] { (string)means["arm"][0], (string)means["arm"][1] });
        Assert.Equal(2.0, (double)means["fd"][0]);
        Assert.Null(means["fd"][1]);
        Assert.Equal(3, means.Rows.Count);   // rows without a group key form their own group
        Assert.Null(means["arm"][2]);
        Assert.Equal(5.0, (double)means["fd"][2]);
        // The library's GroupBy().Mean divides by 3 for [1, null, 3]: what MeanBy exists to avoid.
        Assert.NotEqual(2.0, Convert.ToDouble(frame.GroupBy("arm").Mean("fd")["fd"][0]), 6);
        Assert.Contains("no column 'acc'", Assert.Throws<ArgumentException>(() => frame.MeanBy("arm", "acc")).Message);
    }

    [Fact]
    public void Csv_reads_back_as_doubles_with_full_precision()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "t.csv");
            Sample().Save(path);

            var back = DataFrames.ReadCsv(path);

            Assert.Equal(typeof(double), back["FD"].DataType);
            Assert.Equal(12.346, (double)back["FD"][0]);
            Assert.Null(back["FD"][2]);
            Assert.Equal("no_RC & co", back["Method"][0]);
            Assert.Throws<FileNotFoundException>(() => DataFrames.ReadCsv(Path.Combine(dir.FullName, "missing.csv")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
