using RandCond.Plotting;
using Xunit;

namespace RandCond.Tests.Plotting;

public class TableTests
{
    private static Table Sample() => new Table()
        .Column("Method")
        .Column("FD", "F2", Better.Lower)
        .Column("Acc (%)", "F1", Better.Higher)
        .Column("Params")
        .AddRow("no_RC & co", 12.346, 71.26, 1200)
        .AddRow("RC", 8.1, TableCell.Mean(93.04, 0.51), 1200);

    [Fact]
    public void Markdown_is_exact()
    {
        const string expected =
            "| Method | FD ↓ | Acc (%) ↑ | Params |\n" +
            "| :--- | ---: | ---: | ---: |\n" +
            "| no\\_RC & co | 12.35 | 71.3 | 1200 |\n" +
            "| RC | **8.10** | **93.0 ± 0.5** | 1200 |\n";
        Assert.Equal(expected, Sample().ToMarkdown());
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
            "RC & \\textbf{8.10} & \\textbf{93.0 $\\pm$ 0.5} & 1200 \\\\\n" +
            "\\bottomrule\n" +
            "\\end{tabular}\n" +
            "\\end{table}\n";
        var table = Sample().WithCaption("Main results: FD & accuracy, 100% $ #1 {x} a~b^c \\", "tab:main");
        Assert.Equal(expected, table.ToLatex());
    }

    [Fact]
    public void Latex_without_caption_is_a_bare_tabular()
    {
        var tex = Sample().ToLatex();
        Assert.StartsWith("\\begin{tabular}{lrrr}\n\\toprule\n", tex);
        Assert.EndsWith("\\bottomrule\n\\end{tabular}\n", tex);
    }

    [Fact]
    public void Csv_has_full_precision_a_std_column_and_crlf()
    {
        const string expected =
            "Method,FD,Acc (%),Acc (%) std,Params\r\n" +
            "no_RC & co,12.346,71.26,,1200\r\n" +
            "RC,8.1,93.04,0.51,1200\r\n";
        Assert.Equal(expected, Sample().ToCsv());
    }

    [Fact]
    public void Csv_quotes_by_rfc_4180()
    {
        var csv = new Table().Column("name").Column("note")
            .AddRow("a, b", "say \"hi\"")
            .AddRow("line\nbreak", "plain")
            .ToCsv();
        Assert.Equal("name,note\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",plain\r\n", csv);
    }

    [Fact]
    public void Ties_are_all_best_and_none_columns_never()
    {
        var table = new Table().Column("m").Column("acc", "F2", Better.Higher).Column("n")
            .AddRow("a", 0.9, 5).AddRow("b", 0.9, 7).AddRow("c", 0.5, 9);
        Assert.True(table.IsBest(0, 1));
        Assert.True(table.IsBest(1, 1));
        Assert.False(table.IsBest(2, 1));
        Assert.False(table.IsBest(2, 2));
        Assert.Contains("| a | **0.90** | 5 |", table.ToMarkdown());
    }

    [Fact]
    public void Html_escapes_and_bolds()
    {
        var html = Sample().WithCaption("<A&B>").ToHtml();
        Assert.Contains("<caption>&lt;A&amp;B&gt;</caption>", html);
        Assert.Contains("<td style=\"text-align:left\">no_RC &amp; co</td>", html);
        Assert.Contains("<td style=\"text-align:right\"><b>8.10</b></td>", html);
        Assert.Contains("<b>93.0 &#177; 0.5</b>", html);
    }

    [Fact]
    public void Text_aligns_columns()
    {
        var text = Sample().ToText();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("Method", lines[0]);
        Assert.Contains("FD ↓", lines[0]);
        Assert.Contains("8.10*", lines[3]);
        // The last column is numeric (right-aligned), so every line ends at the same column.
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));
    }

    [Fact]
    public void Row_with_wrong_width_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => new Table().Column("a").Column("b").AddRow(1.0));
        Assert.Contains("row 1 has 1 values, but the table has 2 columns (a, b)", error.Message);
    }

    [Fact]
    public void Save_writes_by_extension()
    {
        var dir = Directory.CreateTempSubdirectory("randcond-test-");
        try
        {
            var path = Path.Combine(dir.FullName, "t.tex");
            Sample().Save(path);
            Assert.Equal(Sample().ToLatex(), File.ReadAllText(path));
            Assert.Throws<ArgumentException>(() => Sample().Save(Path.Combine(dir.FullName, "t.xlsx")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
