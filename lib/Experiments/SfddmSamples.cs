using RandCond.Data;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// Samples of every class (SamplesPerClass each, class-major) from a student of T' steps and from the teacher with DDIM
/// over the same teacher steps, from the same noise and captions, with each side's sampling speed. Owns its tensors.
/// </summary>
public sealed record SfddmSamples(int StudentSteps, Tensor Student, Tensor Teacher, Tensor Labels, double StudentImagesPerSecond,
                                  double TeacherImagesPerSecond, DatasetKind Dataset, int PerClass) : IDisposable
{
    /// <summary>One row per side (S T' and T T'), one column per class: the first sample of each class.</summary>
    public ImageGrid Grid() => SfddmSampleGrid.Render([.. Rows()], Student.Shape[1..], Dataset.NumClasses());

    internal IEnumerable<(string Label, float[] Pixels)> Rows()
    {
        yield return ($"S {StudentSteps}", FirstOfEachClass(Student));
        yield return ($"T {StudentSteps}", FirstOfEachClass(Teacher));
    }

    private float[] FirstOfEachClass(Tensor images)
    {
        using var scope = Torch.NewDisposeScope();
        var picked = Torch.Cat(Enumerable.Range(0, Dataset.NumClasses()).Select(c => images.Narrow(0, (long)c * PerClass, 1)).ToArray());
        return picked.Cpu().Float().ToArray<float>();
    }

    public void Dispose()
    {
        Student.Dispose();
        Teacher.Dispose();
        Labels.Dispose();
    }
}

/// <summary>A grid of one sample per class, a row per student (S T') and per teacher at the same steps (T T'), grown student by student.</summary>
public sealed class SfddmSampleGrid
{
    private readonly List<(string Label, float[] Pixels)> rows = [];
    private long[]? imageShape;
    private int classes;

    public int RowCount => rows.Count;

    public void Add(SfddmSamples samples)
    {
        imageShape ??= samples.Student.Shape[1..];
        classes = samples.Dataset.NumClasses();
        rows.AddRange(samples.Rows());
    }

    public ImageGrid Image() => imageShape is null
        ? throw new InvalidOperationException("SfddmSampleGrid: no samples added")
        : Render(rows, imageShape, classes);

    internal static ImageGrid Render(IReadOnlyList<(string Label, float[] Pixels)> rows, long[] imageShape, int classes) =>
        ImageGrid.FromPixels(rows.SelectMany(r => r.Pixels).ToArray(), rows.Count * classes, (int)imageShape[0], (int)imageShape[1], (int)imageShape[2],
                Plotting.PixelRange.MinusOneToOne)
            .Columns(classes).Upscale(2).Padding(2).RowLabels(rows.Select(r => r.Label).ToArray());
}
