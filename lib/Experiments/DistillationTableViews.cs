using Microsoft.Data.Analysis;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>What the distillation-table notebooks show between the steps: D as a grid, C and D per class, the students' sizes, samples side by side.</summary>
public static class DistillationTableViews
{
    /// <summary>The first <paramref name="perClass"/> images of each class of D, one row per class named as D's captions name it (a class absent from D has no row).</summary>
    public static ImageGrid ImageSetGrid(ImageSet set, int perClass)
    {
        using var scope = Torch.NewDisposeScope();
        var cpuImages = set.Images.Cpu().Float();
        var pixels = cpuImages.ToArray<float>();
        var labels = set.Labels.Cpu().To(DType.Int64).ToArray<long>();
        int size = (int)(cpuImages.NumEl / Math.Max(1, labels.Length));
        var classes = labels.Distinct().Order().ToArray();
        int columns = (int)Math.Min(perClass, classes.Min(c => labels.LongCount(l => l == c)));
        var picked = new List<float>();
        foreach (var c in classes)
            foreach (var i in Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Take(columns))
                picked.AddRange(pixels.AsSpan(i * size, size).ToArray());
        var shape = cpuImages.Shape;
        return ImageGrid.FromPixels(picked.ToArray(), classes.Length * columns, (int)shape[1], (int)shape[2], (int)shape[3], Plotting.PixelRange.MinusOneToOne)
            .Columns(columns).Upscale(2).RowLabels(classes.Select(c => set.Captions.ClassNames[(int)c]).ToArray());
    }

    /// <summary>Per class: captions in C, captions in D's part of C, and images in each D; the totals in the last row.</summary>
    public static DataFrame CaptionCounts(DistillationTableConfig config, IReadOnlyDictionary<ImageSource, ImageSet> imageSets)
    {
        var columns = new List<(string, Type)> { ("class", typeof(string)), ("captions in C", typeof(int)), ("captions of D", typeof(int)) };
        columns.AddRange(imageSets.Keys.Select(s => ($"images in D ({DistillationTableConfig.Name(s)})", typeof(int))));
        var table = DataFrames.Empty([.. columns]);
        using var scope = Torch.NewDisposeScope();
        var counts = imageSets.ToDictionary(p => p.Key, p => p.Value.Labels.Cpu().To(DType.Int64).ToArray<long>());
        var c = config.TextCorpus;
        var d = config.ImageCaptions;
        for (int k = 0; k < config.Dataset.NumClasses(); k++)
        {
            int label = k;
            table.AddRow([config.Dataset.ClassNames()[k], c.CaptionsOf(k).Count, d.Classes.Contains(k) ? d.CaptionsOf(k).Count : 0,
                          .. counts.Values.Select(l => (object?)l.Count(x => x == label))]);
        }
        table.AddRow(["all", c.Count, d.Count, .. counts.Values.Select(l => (object?)l.Length)]);
        return table;
    }

    /// <summary>The teacher and each student: U-Net parameters and multiply-adds per 28x28 image, and their share of the teacher's.</summary>
    public static DataFrame StudentSizes(TextDiffusionModel teacher, IReadOnlyList<StudentSpec> students, long contextLength, Device device)
    {
        var table = DataFrames.Empty(("model", typeof(string)), ("U-Net params (M)", typeof(double)), ("MACs (M)", typeof(double)),
            ("params vs teacher", typeof(double)), ("MACs vs teacher", typeof(double)));
        long teacherParameters = teacher.UNet.ParameterCount, teacherMacs = teacher.UNet.Macs(28, 28, contextLength).Total;
        table.AddRow("teacher", teacherParameters / 1e6, teacherMacs / 1e6, 1.0, 1.0);
        foreach (var spec in students)
        {
            using var student = new DistillationStudent(teacher, spec, device);
            long parameters = student.StudentUNetParameters, macs = student.Student.UNet.Macs(28, 28, contextLength).Total;
            table.AddRow(spec.Label, parameters / 1e6, macs / 1e6, (double)parameters / teacherParameters, (double)macs / teacherMacs);
        }
        return table.WithStyle(new TableStyle().Column("U-Net params (M)", "0.00").Column("MACs (M)", "0").Column("params vs teacher", "0%").Column("MACs vs teacher", "0%"));
    }

    /// <summary>
    /// Samples of every model from the same noise and captions: one row per model, the first <paramref name="perRow"/>
    /// classes' first sample each (the samples are class-major, <paramref name="perClass"/> of each class).
    /// </summary>
    public static ImageGrid SampleGrid(IReadOnlyList<(string Label, Tensor Samples)> models, int perClass, DatasetKind kind)
    {
        using var scope = Torch.NewDisposeScope();
        int classes = kind.NumClasses();
        var rows = models.SelectMany(m => Enumerable.Range(0, classes).Select(c => m.Samples.Narrow(0, (long)c * perClass, 1))).ToArray();
        var picked = Torch.Cat(rows).Clamp(-1, 1).Cpu().Float();
        return ImageGrid.FromPixels(picked.ToArray<float>(), (int)picked.Size(0), (int)picked.Size(1), (int)picked.Size(2), (int)picked.Size(3), Plotting.PixelRange.MinusOneToOne)
            .Columns(classes).Upscale(2).RowLabels(models.Select(m => m.Label).ToArray()).ColumnLabels([.. kind.ClassNames()]);
    }
}
