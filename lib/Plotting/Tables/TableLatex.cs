using System.Text;

namespace RandCond.Plotting;

/// <summary>A booktabs tabular (\toprule, \midrule, \bottomrule); best values in \textbf. Needs \usepackage{booktabs}.</summary>
internal static class TableLatex
{
    public static string Write(Table table)
    {
        var tex = new StringBuilder();
        bool floating = table.Caption is not null || table.Label is not null;
        if (floating)
        {
            tex.Append("\\begin{table}[t]\n\\centering\n");
            if (table.Caption is not null) tex.Append("\\caption{").Append(Escape(table.Caption)).Append("}\n");
            if (table.Label is not null) tex.Append("\\label{").Append(table.Label).Append("}\n");
        }
        int n = table.Columns.Count;
        tex.Append("\\begin{tabular}{");
        for (int c = 0; c < n; c++) tex.Append(table.IsNumericColumn(c) ? 'r' : 'l');
        tex.Append("}\n\\toprule\n");
        tex.Append(string.Join(" & ", Enumerable.Range(0, n).Select(c =>
            Escape(table.Columns[c].Name) + table.Arrow(c, "$\\uparrow$", "$\\downarrow$"))));
        tex.Append(" \\\\\n\\midrule\n");
        for (int r = 0; r < table.Rows.Count; r++)
        {
            tex.Append(string.Join(" & ", Enumerable.Range(0, n).Select(c => Cell(table, r, c))));
            tex.Append(" \\\\\n");
        }
        tex.Append("\\bottomrule\n\\end{tabular}\n");
        if (floating) tex.Append("\\end{table}\n");
        return tex.ToString();
    }

    private static string Cell(Table table, int r, int c)
    {
        var cell = table.Rows[r][c];
        var format = table.Columns[c].Format;
        var text = Escape(cell.FormatValue(format));
        if (cell.FormatStd(format) is string std) text += " $\\pm$ " + Escape(std);
        return table.IsBest(r, c) ? "\\textbf{" + text + "}" : text;
    }

    /// <summary>Escapes the ten LaTeX special characters for text mode.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            sb.Append(ch switch
            {
                '\\' => "\\textbackslash{}",
                '&' => "\\&",
                '%' => "\\%",
                '$' => "\\$",
                '#' => "\\#",
                '_' => "\\_",
                '{' => "\\{",
                '}' => "\\}",
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                '\n' or '\r' => " ",
                _ => ch.ToString(),
            });
        }
        return sb.ToString();
    }
}
