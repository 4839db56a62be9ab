using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>A heatmap; z[row, col] with row 0 drawn at the bottom (plotly's convention; see <see cref="ImageTrace"/> for images).</summary>
public sealed class Heatmap : Trace<Heatmap>
{
    private Heatmap(JsonArray z, Series? x, Series? y) : base("heatmap")
    {
        Json["z"] = z;
        if (x is { } xs) Json["x"] = xs.ToJson();
        if (y is { } ys) Json["y"] = ys.ToJson();
    }

    public static Heatmap Of(double[,] z, Series? x = null, Series? y = null, string? name = null) =>
        new Heatmap(Rows(z.GetLength(0), z.GetLength(1), (r, c) => JsonBuild.Number(z[r, c])), x, y).SetNamed(name);

    public static Heatmap Of(float[,] z, Series? x = null, Series? y = null, string? name = null) =>
        new Heatmap(Rows(z.GetLength(0), z.GetLength(1), (r, c) => JsonBuild.Number(z[r, c])), x, y).SetNamed(name);

    public static Heatmap Of(double[][] z, Series? x = null, Series? y = null, string? name = null) =>
        new Heatmap(JsonBuild.Array(z.Length, r => ((Series)z[r]).ToJson()), x, y).SetNamed(name);

    /// <summary>Row-major values of a rows x cols grid.</summary>
    public static Heatmap Of(float[] values, int rows, int cols, Series? x = null, Series? y = null, string? name = null)
    {
        CheckSize(values.Length, rows, cols);
        return new Heatmap(Rows(rows, cols, (r, c) => JsonBuild.Number(values[r * cols + c])), x, y).SetNamed(name);
    }

    /// <summary>Row-major values of a rows x cols grid.</summary>
    public static Heatmap Of(double[] values, int rows, int cols, Series? x = null, Series? y = null, string? name = null)
    {
        CheckSize(values.Length, rows, cols);
        return new Heatmap(Rows(rows, cols, (r, c) => JsonBuild.Number(values[r * cols + c])), x, y).SetNamed(name);
    }

    /// <summary>A plotly colorscale name ("Viridis", "Greys", "RdBu", ...).</summary>
    public Heatmap ColorScale(string name, bool reverse = false)
    {
        Json["colorscale"] = name;
        if (reverse) Json["reversescale"] = true;
        return this;
    }

    public Heatmap ZRange(double min, double max)
    {
        Json["zmin"] = min;
        Json["zmax"] = max;
        return this;
    }

    public Heatmap ShowScale(bool show = true) => Set("showscale", show);

    public Heatmap ColorBarTitle(string title) => Set("colorbar.title.text", title);

    private static JsonArray Rows(int rows, int cols, Func<int, int, JsonNode?> value) =>
        JsonBuild.Array(rows, r => JsonBuild.Array(cols, c => value(r, c)));

    private static void CheckSize(int length, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != length)
            throw new ArgumentException($"Heatmap: {length} values do not fill a {rows} x {cols} grid.");
    }
}
