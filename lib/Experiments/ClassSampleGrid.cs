using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>Samples of several models drawn from the same noise, class by class: for each class asked, one row per model.</summary>
public static class ClassSampleGrid
{
    /// <summary>
    /// For each of <paramref name="classes"/>, one row per model holding its first <paramref name="columns"/> samples of that
    /// class (at most <paramref name="perClass"/>), labelled "CLASS MODEL".
    /// </summary>
    /// <param name="samples">each model's class-major samples (N, 1, H, W) in [-1, 1], <paramref name="perClass"/> of every class from 0</param>
    /// <param name="models">the row label of each model, in the order of <paramref name="samples"/></param>
    public static ImageGrid Of(IReadOnlyList<Tensor> samples, IReadOnlyList<string> models, int perClass, IReadOnlyList<int> classes,
        Func<int, string> className, int columns = 8)
    {
        if (samples.Count == 0 || samples.Count != models.Count)
            throw new ArgumentException($"ClassSampleGrid: {samples.Count} sample tensors for {models.Count} model names; expected one per model, at least one");
        if (classes.Count == 0) throw new ArgumentException("ClassSampleGrid: no classes to show", nameof(classes));
        if (perClass < 1 || columns < 1) throw new ArgumentOutOfRangeException(nameof(perClass), $"ClassSampleGrid: perClass {perClass} and columns {columns} must be positive");
        foreach (var c in classes)
            foreach (var s in samples)
                if (c < 0 || (long)(c + 1) * perClass > s.Size(0))
                    throw new ArgumentOutOfRangeException(nameof(classes), c, $"ClassSampleGrid: class {c} is outside samples of {s.Size(0)} images, {perClass} per class");
        using var scope = Torch.NewDisposeScope();
        int shown = Math.Min(perClass, columns);
        var rows = new List<Tensor>();
        var labels = new List<string>();
        foreach (var c in classes)
            for (int m = 0; m < samples.Count; m++)
            {
                rows.Add(samples[m].Narrow(0, (long)c * perClass, shown));
                labels.Add($"{className(c)} {models[m]}");
            }
        var picked = Torch.Cat(rows).Clamp(-1, 1).Cpu().Float();
        return ImageGrid.FromPixels(picked.ToArray<float>(), (int)picked.Size(0), (int)picked.Size(1), (int)picked.Size(2), (int)picked.Size(3),
                Plotting.PixelRange.MinusOneToOne)
            .Columns(shown).Upscale(2).Padding(2).RowLabels(labels.ToArray());
    }
}
