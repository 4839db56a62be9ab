using System.Text.Json.Nodes;

namespace RandCond.Plotting;

/// <summary>
/// A column of plot values (numbers or category labels). Arrays and lists convert implicitly,
/// so <c>Scatter.Line(xs, ys)</c> accepts double[], float[], int[], long[] or string[].
/// Non-finite numbers become JSON null, which plotly.js draws as a gap.
/// </summary>
public readonly struct Series
{
    private readonly Func<JsonArray>? _build;

    private Series(int count, Func<JsonArray> build)
    {
        Count = count;
        _build = build;
    }

    public int Count { get; }

    public static Series Of(IEnumerable<double> values) => FromDoubles(values.ToArray());
    public static Series Of(IEnumerable<float> values) => FromFloats(values.ToArray());
    public static Series Of(IEnumerable<int> values) => FromInts(values.ToArray());
    public static Series Of(IEnumerable<string> values) => FromStrings(values.ToArray());

    /// <summary>0, 1, ..., count-1.</summary>
    public static Series Range(int count) => FromInts(Enumerable.Range(0, count).ToArray());

    public static implicit operator Series(double[] values) => FromDoubles(values);
    public static implicit operator Series(float[] values) => FromFloats(values);
    public static implicit operator Series(int[] values) => FromInts(values);
    public static implicit operator Series(long[] values) =>
        new(values.Length, () => JsonBuild.Array(values.Length, i => JsonValue.Create(values[i])));
    public static implicit operator Series(string[] values) => FromStrings(values);
    public static implicit operator Series(List<double> values) => FromDoubles(values.ToArray());
    public static implicit operator Series(List<float> values) => FromFloats(values.ToArray());
    public static implicit operator Series(List<int> values) => FromInts(values.ToArray());
    public static implicit operator Series(List<string> values) => FromStrings(values.ToArray());

    internal JsonArray ToJson() => _build is null ? new JsonArray() : _build();

    private static Series FromDoubles(double[] v) => new(v.Length, () => JsonBuild.Array(v.Length, i => JsonBuild.Number(v[i])));
    private static Series FromFloats(float[] v) => new(v.Length, () => JsonBuild.Array(v.Length, i => JsonBuild.Number(v[i])));
    private static Series FromInts(int[] v) => new(v.Length, () => JsonBuild.Array(v.Length, i => JsonValue.Create(v[i])));
    private static Series FromStrings(string[] v) => new(v.Length, () => JsonBuild.Array(v.Length, i => JsonValue.Create(v[i])));
}
