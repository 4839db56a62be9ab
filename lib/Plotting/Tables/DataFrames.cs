using Microsoft.Data.Analysis;

namespace RandCond.Plotting;

/// <summary>
/// DataFrame helpers that guard two caveats of Microsoft.Data.Analysis 0.24: <c>GroupBy().Mean</c> and
/// <c>Description()</c> count nulls in the denominator ([1, null, 3] gives 1.333), and <c>LoadCsv</c> reads numbers
/// back as Single unless it is told the column types.
/// </summary>
public static class DataFrames
{
    /// <summary>Stands for the null group key (a dictionary key cannot be null).</summary>
    private static readonly object NullKey = new();

    /// <summary>An empty frame with typed columns (string, double, int, long, bool, DateTime), to fill with <c>Append(row, inPlace: true)</c>.</summary>
    public static DataFrame Empty(params (string Name, Type Type)[] columns) =>
        new(columns.Select(c => Column(c.Name, c.Type)).ToArray());

    private static DataFrameColumn Column(string name, Type type) => type switch
    {
        _ when type == typeof(string) => new StringDataFrameColumn(name, 0),
        _ when type == typeof(double) => new DoubleDataFrameColumn(name),
        _ when type == typeof(float) => new SingleDataFrameColumn(name),
        _ when type == typeof(int) => new Int32DataFrameColumn(name),
        _ when type == typeof(long) => new Int64DataFrameColumn(name),
        _ when type == typeof(bool) => new BooleanDataFrameColumn(name),
        _ when type == typeof(DateTime) => new DateTimeDataFrameColumn(name),
        _ => throw new ArgumentException($"DataFrames.Empty: column '{name}' has type {type.Name}; expected string, double, float, int, long, bool or DateTime.", nameof(type)),
    };

    /// <summary>Appends one row (nulls allowed) and returns the frame.</summary>
    public static DataFrame AddRow(this DataFrame frame, params object?[] values)
    {
        if (values.Length != frame.Columns.Count)
            throw new ArgumentException($"DataFrame row {frame.Rows.Count + 1}: {values.Length} values for {frame.Columns.Count} columns ({string.Join(", ", frame.Columns.Select(c => c.Name))}).", nameof(values));
        frame.Append(values, inPlace: true);
        return frame;
    }

    /// <summary>
    /// The mean of each value column per group, over the non-null values only (a group whose values are all null
    /// gets null), groups in order of first appearance. Use this, not <c>GroupBy().Mean</c>.
    /// </summary>
    public static DataFrame MeanBy(this DataFrame frame, string groupColumn, params string[] valueColumns)
    {
        var keys = frame[groupColumn] ?? throw new ArgumentException($"MeanBy: no column '{groupColumn}'.", nameof(groupColumn));
        var values = valueColumns.Select(name => frame.Columns.IndexOf(name) >= 0 ? frame[name]
            : throw new ArgumentException($"MeanBy: no column '{name}' (columns: {string.Join(", ", frame.Columns.Select(c => c.Name))}).", nameof(valueColumns))).ToArray();
        if (values.FirstOrDefault(c => !TableLayout.IsNumericType(c.DataType)) is { } text)
            throw new ArgumentException($"MeanBy: column '{text.Name}' holds {text.DataType.Name}, not numbers.", nameof(valueColumns));
        var groups = new List<object>();
        var rowsOf = new Dictionary<object, List<long>>();
        for (long r = 0; r < keys.Length; r++)
        {
            var key = keys[r] ?? NullKey;
            if (!rowsOf.TryGetValue(key, out var rows))
            {
                rowsOf[key] = rows = new List<long>();
                groups.Add(key);
            }
            rows.Add(r);
        }
        var keyColumn = Column(groupColumn, keys.DataType);
        var result = new DataFrame(new[] { keyColumn }.Concat(values.Select(c => (DataFrameColumn)new DoubleDataFrameColumn(c.Name))).ToArray());
        foreach (var key in groups)
        {
            var rows = rowsOf[key];
            var means = values.Select(c =>
            {
                var present = rows.Select(r => c[r]).Where(v => v is not null).Select(Convert.ToDouble).ToArray();
                return present.Length == 0 ? (object?)null : present.Average();
            });
            result.Append(means.Prepend(key == NullKey ? null : key).ToArray(), inPlace: true);
        }
        return result;
    }

    /// <summary>Reads a CSV with a header row; numeric columns come back as Double (not LoadCsv's default Single).</summary>
    public static DataFrame ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ReadCsv: no file '{path}'.", path);
        var guessed = DataFrame.LoadCsv(path);
        var types = guessed.Columns.Select(c => c.DataType == typeof(float) ? typeof(double) : c.DataType).ToArray();
        return DataFrame.LoadCsv(path, dataTypes: types);
    }
}
