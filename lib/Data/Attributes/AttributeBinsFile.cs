using System.Text.Json;
using System.Text.Json.Serialization;

namespace RandCond.Data.Attributes;

/// <summary>
/// Reads and writes <see cref="AttributeBins"/> as a small JSON file (snake_case fields). The committed file of a
/// dataset is data/attributes/{dataset}-attribute-bins.json; writing goes through a temporary file and a rename.
/// </summary>
internal static class AttributeBinsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        WriteIndented = true,
    };

    /// <summary>The committed bins of a dataset, e.g. data/attributes/mnist-attribute-bins.json in the repository.</summary>
    public static string Committed(DatasetKind kind)
    {
        var root = DatasetStore.FindRepositoryRoot() ?? throw new DirectoryNotFoundException(
            "AttributeBinsFile.Committed: cannot find the repository (a folder holding RandCond.Lib.csproj) above the current directory or the program");
        return Path.Combine(root, "data", "attributes", $"{kind.Slug()}-attribute-bins.json");
    }

    /// <summary>The bins committed for <paramref name="kind"/>.</summary>
    public static AttributeBins LoadCommitted(DatasetKind kind) => Load(Committed(kind));

    public static void Save(AttributeBins bins, string path)
    {
        ArgumentNullException.ThrowIfNull(bins);
        Validate(bins, path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(bins, Options) + "\n");
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public static AttributeBins Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"attribute bins file '{path}' does not exist; fit bins with AttributeBins.Fit on the training set and save them with AttributeBinsFile.Save", path);
        AttributeBins? bins;
        try { bins = JsonSerializer.Deserialize<AttributeBins>(File.ReadAllText(path), Options); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"attribute bins file '{path}' is not valid bins JSON: {e.Message}", e); // names the path and line
        }
        if (bins is null) throw new InvalidDataException($"attribute bins file '{path}' holds null, not an object");
        Validate(bins, path);
        return bins;
    }

    private static void Validate(AttributeBins bins, string path)
    {
        void Fail(string field, string problem) => throw new InvalidDataException($"attribute bins file '{path}': field {field} {problem}");
        if (bins.Format != AttributeBins.CurrentFormat) Fail("format", $"is {bins.Format}; this code reads format {AttributeBins.CurrentFormat}");
        if (string.IsNullOrWhiteSpace(bins.Dataset)) Fail("dataset", "is empty");
        if (bins.FittedImages < 1) Fail("fitted_images", $"is {bins.FittedImages}; bins are fitted on at least one image");
        if (bins.Classes is null || bins.Classes.Count == 0) Fail("classes", "is empty; it holds one entry per class");
        for (int c = 0; c < bins.Classes!.Count; c++)
        {
            var entry = bins.Classes[c];
            if (entry is null) { Fail($"classes[{c}]", "is null"); continue; }
            if (entry.Label != c) Fail($"classes[{c}].label", $"is {entry.Label}; classes are listed in label order from 0");
            Check($"classes[{c}].thickness", entry.Thickness);
            Check($"classes[{c}].slant", entry.Slant);
        }

        void Check(string field, MeasureQuartiles? q)
        {
            if (q is null) { Fail(field, "is missing"); return; }
            double[] values = [q.LowerQuartile, q.Median, q.UpperQuartile];
            if (!values.All(double.IsFinite)) Fail(field, $"holds a value that is not a finite number ({string.Join(", ", values)})");
            if (q.LowerQuartile < 0) Fail(field, $"has lower_quartile {q.LowerQuartile}; thickness and slant magnitude are not negative");
            if (!(q.LowerQuartile <= q.Median && q.Median <= q.UpperQuartile))
                Fail(field, $"has quartiles out of order: {q.LowerQuartile}, {q.Median}, {q.UpperQuartile}");
        }
    }
}
