using Microsoft.Data.Analysis;
using RandCond.Data;
using RandCond.Data.Attributes;
using RandCond.Plotting;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>What notebook 09 shows between the steps of the compositional experiment: the forty classes and which D holds, the committed attribute bins, D's images measured, samples of the classes D lacks.</summary>
public static class CompositionalViews
{
    /// <summary>
    /// One row per digit, one column per (thickness, slant) combination: "in D" with D's images of that class (when
    /// <paramref name="images"/> is given), or "unseen" for a class only C's captions name.
    /// </summary>
    public static DataFrame Classes(CompositionalConfig config, CaptionCorpus corpus, ImageSet? images = null)
    {
        var combinations = Enumerable.Range(0, AttributeCaptions.Combinations).ToArray();
        var table = DataFrames.Empty([("digit", typeof(int)), .. combinations.Select(c => (AttributeCaptions.Words(c), typeof(string)))]);
        var counts = new long[10 * AttributeCaptions.Combinations];
        if (images is not null)
            using (var labels = images.Labels.Cpu())
                foreach (var label in labels.ToArray<long>()) counts[label]++;
        var seen = config.SeenClasses.ToHashSet();
        for (int d = 0; d < 10; d++)
            table.AddRow([d, .. combinations.Select(c => AttributeCaptions.Label(d, c)).Select(l =>
                (object)(!seen.Contains(l) ? "unseen" : images is null ? "in D" : $"in D: {counts[l]} images"))]);
        return table.WithStyle(new TableStyle().WithCaption(
            $"The 40 classes: C holds {corpus.Count} captions of all of them ({corpus.Count / corpus.NumClasses} per class); " +
            $"D holds images of {config.SeenClasses.Count}, {config.CombinationsPerDigit} combination(s) per digit"));
    }

    /// <summary>The committed bins: per digit, the quartiles of its training images' thickness (pixels) and slant magnitude (degrees); each median is the threshold between the two words.</summary>
    public static DataFrame Bins(AttributeBins bins)
    {
        var table = DataFrames.Empty(("digit", typeof(int)), ("thickness q1", typeof(double)), ("thickness median", typeof(double)), ("thickness q3", typeof(double)),
            ("|slant| q1", typeof(double)), ("|slant| median", typeof(double)), ("|slant| q3", typeof(double)));
        foreach (var d in bins.Classes)
            table.AddRow(d.Label, d.Thickness.LowerQuartile, d.Thickness.Median, d.Thickness.UpperQuartile, d.Slant.LowerQuartile, d.Slant.Median, d.Slant.UpperQuartile);
        var style = new TableStyle();
        foreach (var column in new[] { "thickness q1", "thickness median", "thickness q3" }) style.Column(column, "0.00");
        foreach (var column in new[] { "|slant| q1", "|slant| median", "|slant| q3" }) style.Column(column, "0.0");
        return table.WithStyle(style.WithCaption(
            $"Attribute bins of {bins.Dataset}, fitted on {bins.FittedImages} training images: thickness in pixels, slant magnitude in degrees; above a digit's median is \"thick\" / \"slanted\""));
    }

    /// <summary>
    /// The first image of each class of D, measured: its caption, the thickness and slant read from its pixels next to its
    /// digit's thresholds, the words those measures give, and whether they are the words its caption asked for.
    /// </summary>
    public static DataFrame Measurements(ImageSet images, AttributeBins bins)
    {
        using var scope = Torch.NewDisposeScope();
        var labels = images.Labels.Cpu().ToArray<long>();
        var first = labels.Distinct().Order().Select(c => (long)Array.IndexOf(labels, c)).ToArray();
        var index = Torch.FromArray(first, device: images.Device);
        var picked = images.Images.IndexSelect(0, index);
        var asked = images.Labels.IndexSelect(0, index);
        using var measures = StrokeMeasurement.Measure(picked);
        var measured = bins.Classify(measures, AttributeCaptions.Digits(asked)).Cpu().ToArray<long>();
        var (thickness, slant) = measures.ToArrays();
        var captions = images.Captions.CaptionsAt(images.CaptionIndices.IndexSelect(0, index));
        var table = DataFrames.Empty(("caption", typeof(string)), ("asked", typeof(string)), ("thickness (px)", typeof(double)), ("digit's median", typeof(double)),
            ("slant (°)", typeof(double)), ("digit's |slant| median", typeof(double)), ("measured", typeof(string)), ("as asked", typeof(string)));
        for (int i = 0; i < first.Length; i++)
        {
            int label = (int)labels[first[i]];
            var digit = bins.Classes[AttributeCaptions.Digit(label)];
            table.AddRow(captions[i], AttributeCaptions.Words(AttributeCaptions.Combination(label)), (double)thickness[i], digit.Thickness.Median,
                (double)slant[i], digit.Slant.Median, AttributeCaptions.Words((int)measured[i]), measured[i] == AttributeCaptions.Combination(label) ? "yes" : "no");
        }
        return table.WithStyle(new TableStyle().Column("thickness (px)", "0.00").Column("digit's median", "0.00").Column("slant (°)", "0.0")
            .Column("digit's |slant| median", "0.0").WithCaption("The first image of each class of D, measured from its pixels and put in its digit's bins"));
    }

    /// <summary>For each of <paramref name="classes"/>, one row per model of its samples (class-major over the 40 classes), labelled with the class's name.</summary>
    public static ImageGrid SampleGrid(IReadOnlyList<Tensor> samples, IReadOnlyList<string> models, int perClass, IReadOnlyList<int> classes, int columns = 8) =>
        ClassSampleGrid.Of(samples, models, perClass, classes, c => AttributeCaptions.ClassNames[c], columns);
}
