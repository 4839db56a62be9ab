using System.Text.Json.Serialization;
using RandCond.Tensors;

namespace RandCond.Data.Attributes;

/// <summary>
/// The words of each stroke attribute and, per digit class, the thresholds between them: the median of that digit's
/// measures on the fitting set, so "thick" means thick for that digit and each (digit, thickness, slant) combination
/// holds images. A combination index is thickness bin * 2 + slant bin: 0 thin upright, 1 thin slanted, 2 thick
/// upright, 3 thick slanted. Teacher captions, the image set D and the scorer read the same committed file
/// (<see cref="CommittedFile"/>) through <see cref="Load"/>.
/// </summary>
public sealed record AttributeBins(
    [property: JsonPropertyOrder(0)] int Format,
    [property: JsonPropertyOrder(1)] string Dataset,
    [property: JsonPropertyOrder(2)] long FittedImages,
    [property: JsonPropertyOrder(3)] IReadOnlyList<DigitBins> Classes)
{
    public const int CurrentFormat = 1;
    public const int Combinations = 4;

    /// <summary>Thickness words by bin: 0 for a thickness at or below the digit's median, 1 above.</summary>
    public static IReadOnlyList<string> ThicknessWords { get; } = ["thin", "thick"];

    /// <summary>Slant words by bin: 0 for a slant magnitude at or below the digit's median, 1 above.</summary>
    public static IReadOnlyList<string> SlantWords { get; } = ["upright", "slanted"];

    [JsonIgnore] public int NumClasses => Classes.Count;

    /// <summary>Bins fitted on a whole dataset split (normally MNIST's training set).</summary>
    public static AttributeBins Fit(ImageDataset set)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var measures = StrokeMeasurement.Measure(set.Images, set.Range);
        return Fit(measures, set.Labels, set.NumClasses, set.Kind.Slug());
    }

    /// <summary>Bins fitted on measured images with Int64 (N) <paramref name="labels"/> in 0..numClasses-1; every class needs images.</summary>
    public static AttributeBins Fit(StrokeMeasures measures, Tensor labels, int numClasses, string dataset)
    {
        ArgumentNullException.ThrowIfNull(measures);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "AttributeBins.Fit: numClasses must be at least 1");
        var classes = CheckLabels(measures, labels, numClasses, "AttributeBins.Fit");
        var (thickness, slant) = measures.ToArrays();
        var bins = new DigitBins[numClasses];
        for (int c = 0; c < numClasses; c++)
        {
            var members = Enumerable.Range(0, classes.Length).Where(i => classes[i] == c).ToArray();
            if (members.Length == 0) throw new ArgumentException($"AttributeBins.Fit: class {c} has no images to fit its thresholds on", nameof(labels));
            bins[c] = new DigitBins(c,
                MeasureQuartiles.Of(members.Select(i => (double)thickness[i]).ToArray()),
                MeasureQuartiles.Of(members.Select(i => Math.Abs((double)slant[i])).ToArray()));
        }
        return new AttributeBins(CurrentFormat, dataset, classes.Length, bins);
    }

    /// <summary>The combination index (Int64 (N), 0..3) of each measured image of the given class.</summary>
    public Tensor Classify(StrokeMeasures measures, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(measures);
        CheckLabels(measures, labels, NumClasses, "AttributeBins.Classify");
        using var scope = Torch.NewDisposeScope();
        var thick = (measures.Thickness > Thresholds(c => c.Thickness.Median, labels)).Long();
        var slanted = (measures.Slant.Abs() > Thresholds(c => c.Slant.Median, labels)).Long();
        return (thick * 2 + slanted).MoveToOuterScope();
    }

    /// <summary>Measures a floating-point (N, 1, H, W) batch with values in <paramref name="range"/> and classifies it.</summary>
    public Tensor Classify(Tensor images, Tensor labels, PixelRange range = PixelRange.MinusOneOne)
    {
        using var measures = StrokeMeasurement.Measure(images, range);
        return Classify(measures, labels);
    }

    /// <summary>
    /// Bool (N): true where both measures lie clear of their digit's median by <paramref name="band"/> (0..1) of the
    /// distance to the quartile on their side. Captions of images inside the band name an attribute the image barely has;
    /// leaving them out of training sharpens the words at the cost of data (band 0 keeps all but exact ties).
    /// </summary>
    public Tensor ClearOfThresholds(StrokeMeasures measures, Tensor labels, double band)
    {
        ArgumentNullException.ThrowIfNull(measures);
        if (!(band >= 0 && band <= 1)) throw new ArgumentOutOfRangeException(nameof(band), band, "AttributeBins.ClearOfThresholds: band must be in 0..1");
        CheckLabels(measures, labels, NumClasses, "AttributeBins.ClearOfThresholds");
        using var scope = Torch.NewDisposeScope();
        Tensor Clear(Tensor value, Func<DigitBins, MeasureQuartiles> of) =>
            Torch.Op("aten::logical_or", "", value < Thresholds(c => of(c).ClearEdges(band).Below, labels),
                     value > Thresholds(c => of(c).ClearEdges(band).Above, labels));
        var clear = Clear(measures.Thickness, c => c.Thickness).LogicalAnd(Clear(measures.Slant.Abs(), c => c.Slant));
        return clear.MoveToOuterScope();
    }

    /// <summary>The committed bins of a dataset: data/attributes/{dataset}-attribute-bins.json in the repository.</summary>
    public static string CommittedFile(DatasetKind kind) => AttributeBinsFile.Committed(kind);

    /// <summary>The bins committed for <paramref name="kind"/>; a missing or malformed file is an error naming it.</summary>
    public static AttributeBins LoadCommitted(DatasetKind kind) => AttributeBinsFile.Load(CommittedFile(kind));

    /// <summary>Reads bins written by <see cref="Save"/>; errors name the file and the field that is wrong.</summary>
    public static AttributeBins Load(string path) => AttributeBinsFile.Load(path);

    /// <summary>Writes these bins as JSON to <paramref name="path"/> (through a temporary file and a rename).</summary>
    public void Save(string path) => AttributeBinsFile.Save(this, path);

    /// <summary>The combination index of a thickness bin and a slant bin (each 0 or 1).</summary>
    public static int Combination(int thicknessBin, int slantBin)
    {
        if (thicknessBin is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(thicknessBin), thicknessBin, "a thickness bin is 0 (thin) or 1 (thick)");
        if (slantBin is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(slantBin), slantBin, "a slant bin is 0 (upright) or 1 (slanted)");
        return thicknessBin * 2 + slantBin;
    }

    /// <summary>The words of a combination index: ("thick", "slanted") for 3.</summary>
    public static (string Thickness, string Slant) Words(int combination)
    {
        if (combination is < 0 or >= Combinations)
            throw new ArgumentOutOfRangeException(nameof(combination), combination, $"a combination index is 0..{Combinations - 1}");
        return (ThicknessWords[combination / 2], SlantWords[combination % 2]);
    }

    /// <summary>The thickness bin (0 thin, 1 thick) of each combination index of an Int64 tensor.</summary>
    public static Tensor ThicknessBinOf(Tensor combinations) => (combinations >= 2).Long();

    /// <summary>The slant bin (0 upright, 1 slanted) of each combination index of an Int64 tensor.</summary>
    public static Tensor SlantBinOf(Tensor combinations) => combinations % 2;

    // Per-image thresholds: the value for each image's class, on the labels' device.
    private Tensor Thresholds(Func<DigitBins, double> of, Tensor labels)
    {
        using var table = Torch.FromArray(Classes.Select(c => (float)of(c)).ToArray(), device: labels.Device);
        return table.IndexSelect(0, labels);
    }

    // Checks labels against measures and returns them on the host.
    private static long[] CheckLabels(StrokeMeasures measures, Tensor labels, int numClasses, string caller)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.DType != DType.Int64 || labels.Shape is not [var n] || n != measures.Count)
            throw new ArgumentException($"{caller}: labels must be Int64 ({measures.Count}), one per measured image; got {labels.Describe()}", nameof(labels));
        if (labels.Device != measures.Thickness.Device)
            throw new ArgumentException($"{caller}: labels are on {labels.Device} but the measures on {measures.Thickness.Device}", nameof(labels));
        using var host = labels.Cpu();
        var values = host.ToArray<long>();
        int bad = Array.FindIndex(values, v => v < 0 || v >= numClasses);
        if (bad >= 0) throw new ArgumentException($"{caller}: label {values[bad]} at index {bad} is not a class (0..{numClasses - 1})", nameof(labels));
        return values;
    }
}
