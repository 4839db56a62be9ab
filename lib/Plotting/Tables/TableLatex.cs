using System.Text;

namespace RandCond.Plotting;

/// <summary>A booktabs tabular (\toprule, \midrule, \bottomrule); best values in \textbf. Needs \usepackage{booktabs}.</summary>
internal static class TableLatex
{
    public static string Write(TableLayout table)
    {
        var tex = new StringBuilder();
        var style = table.Style;
        bool floating = style.Caption is not null || style.Label is not null;
        if (floating)
        {
            tex.Append("\\begin{table}[t]\n\\centering\n");
            if (style.Caption is not null) tex.Append("\\caption{").Append(Escape(style.Caption)).Append("}\n");
            if (style.Label is not null) tex.Append("\\label{").Append(style.Label).Append("}\n");
        }
        int n = table.Names.Length;
        tex.Append("\\begin{tabular}{").Append(string.Concat(table.Numeric.Select(numeric => numeric ? 'r' : 'l'))).Append("}\n\\toprule\n");
        tex.Append(string.Join(" & ", Enumerable.Range(0, n).Select(c =>
            Escape(table.Names[c]) + table.Header(c, "$\\uparrow$", "$\\downarrow$")[table.Names[c].Length..])));
        tex.Append(" \\\\\n\\midrule\n");
        for (int r = 0; r < table.Cells.Length; r++)
        {
            tex.Append(string.Join(" & ", Enumerable.Range(0, n).Select(c =>
                table.Best[r][c] ? "\\textbf{" + Escape(table.Cells[r][c]) + "}" : Escape(table.Cells[r][c]))));
            tex.Append(" \\\\\n");
        }
        tex.Append("\\bottomrule\n\\end{tabular}\n");
        if (floating) tex.Append("\\end{table}\n");
        return tex.ToString();
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
