using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>
/// A rows x cols grid of axes. Cell (row, col), 1-based with row 1 at the top, uses axis number
/// (row - 1) * cols + col: "xaxis"/"yaxis" for 1, "xaxis2"/"yaxis2" for 2, and so on.
/// </summary>
internal sealed class SubplotGrid
{
    public SubplotGrid(int rows, int cols, double horizontalSpacing, double verticalSpacing)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), "A subplot grid needs at least one row and one column.");
        if (horizontalSpacing < 0 || horizontalSpacing * (cols - 1) >= 1 || verticalSpacing < 0 || verticalSpacing * (rows - 1) >= 1)
            throw new ArgumentOutOfRangeException(nameof(horizontalSpacing), "Subplot spacing must be >= 0 and leave room for the plots (spacing * (n - 1) < 1).");
        Rows = rows;
        Cols = cols;
        HorizontalSpacing = horizontalSpacing;
        VerticalSpacing = verticalSpacing;
    }

    public static SubplotGrid Single { get; } = new(1, 1, 0, 0);

    public int Rows { get; }
    public int Cols { get; }
    public double HorizontalSpacing { get; }
    public double VerticalSpacing { get; }

    public int AxisNumber(int row, int col)
    {
        if (row < 1 || row > Rows || col < 1 || col > Cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"Subplot ({row}, {col}) is outside the {Rows} x {Cols} grid; call Subplots(rows, cols) first.");
        return (row - 1) * Cols + col;
    }

    public static string XAxisKey(int n) => n == 1 ? "xaxis" : $"xaxis{n}";
    public static string YAxisKey(int n) => n == 1 ? "yaxis" : $"yaxis{n}";
    public static string XRef(int n) => n == 1 ? "x" : $"x{n}";
    public static string YRef(int n) => n == 1 ? "y" : $"y{n}";

    public (double Start, double End) XDomain(int col)
    {
        double w = (1 - HorizontalSpacing * (Cols - 1)) / Cols;
        double start = (col - 1) * (w + HorizontalSpacing);
        return (start, Math.Min(1, start + w));
    }

    public (double Start, double End) YDomain(int row)
    {
        double h = (1 - VerticalSpacing * (Rows - 1)) / Rows;
        double end = 1 - (row - 1) * (h + VerticalSpacing);
        return (Math.Max(0, end - h), end);
    }

    /// <summary>Writes domain and anchor of every axis in the grid into the layout.</summary>
    public void WriteAxes(JsonObject layout)
    {
        for (int row = 1; row <= Rows; row++)
        for (int col = 1; col <= Cols; col++)
        {
            int n = AxisNumber(row, col);
            var (x0, x1) = XDomain(col);
            var (y0, y1) = YDomain(row);
            var x = JsonBuild.Child(layout, XAxisKey(n));
            x["domain"] = new JsonArray(x0, x1);
            x["anchor"] = YRef(n);
            var y = JsonBuild.Child(layout, YAxisKey(n));
            y["domain"] = new JsonArray(y0, y1);
            y["anchor"] = XRef(n);
        }
    }

    /// <summary>Subplot titles as annotations centred above each cell, in row-major order.</summary>
    public IEnumerable<JsonObject> TitleAnnotations(IReadOnlyList<string> titles)
    {
        for (int i = 0; i < titles.Count && i < Rows * Cols; i++)
        {
            var (x0, x1) = XDomain(i % Cols + 1);
            var (_, y1) = YDomain(i / Cols + 1);
            yield return new JsonObject
            {
                ["text"] = titles[i],
                ["showarrow"] = false,
                ["xref"] = "paper",
                ["yref"] = "paper",
                ["x"] = (x0 + x1) / 2,
                ["y"] = y1,
                ["xanchor"] = "center",
                ["yanchor"] = "bottom",
                ["font"] = new JsonObject { ["size"] = 14 },
            };
        }
    }
}
