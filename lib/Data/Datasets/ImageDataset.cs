using RandCond.Tensors;

namespace RandCond.Data;

/// <summary>
/// One split of MNIST or Fashion-MNIST in memory: <see cref="Images"/> Float32 (N, 1, 28, 28) scaled to a
/// <see cref="PixelRange"/>, <see cref="Labels"/> Int64 (N). Owns its tensors (they belong to no dispose scope).
/// </summary>
public sealed class ImageDataset : IDisposable
{
    private ImageDataset(DatasetKind kind, DatasetSplit split, PixelRange range, Tensor images, Tensor labels)
    {
        Kind = kind;
        Split = split;
        Range = range;
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Count = labels.Size(0);
    }

    /// <summary>Reads a split from <paramref name="store"/> (default <see cref="DatasetStore.Default"/>), verified against its manifest.</summary>
    public static ImageDataset Load(DatasetKind kind, DatasetSplit split, PixelRange range = PixelRange.ZeroOne,
                                    Device? device = null, DatasetStore? store = null)
    {
        var files = (store ?? DatasetStore.Default).Files(kind, split);
        var images = IdxReader.Read(files.Images, IdxReader.ImagesMagic);
        var labels = IdxReader.Read(files.Labels, IdxReader.LabelsMagic);
        // Both datasets are 28 x 28 grey images; the models built for them take nothing else.
        if (images.Dimensions is not [_, 28, 28])
            throw new IdxFormatException(files.Images, "dimensions", $"images of {string.Join(" x ", images.Dimensions[1..])} pixels; {kind.DisplayName()} has 28 x 28");
        if (labels.Count != images.Count)
            throw new IdxFormatException(files.Labels, "dimension 0", $"{labels.Count} labels, but {files.Images} holds {images.Count} images");
        int classes = kind.NumClasses();
        int bad = Array.FindIndex(labels.Data, b => b >= classes);
        if (bad >= 0)
            throw new IdxFormatException(files.Labels, "data", $"label {labels.Data[bad]} at index {bad} is not a class of {kind.DisplayName()} (0..{classes - 1})");
        return new ImageDataset(kind, split, range, IdxReader.ToImageTensor(images, range, device), IdxReader.ToLabelTensor(labels, device));
    }

    public static ImageDataset Mnist(DatasetSplit split, PixelRange range = PixelRange.ZeroOne, Device? device = null) =>
        Load(DatasetKind.Mnist, split, range, device);

    public static ImageDataset FashionMnist(DatasetSplit split, PixelRange range = PixelRange.ZeroOne, Device? device = null) =>
        Load(DatasetKind.FashionMnist, split, range, device);

    public DatasetKind Kind { get; }
    public DatasetSplit Split { get; }
    public PixelRange Range { get; }

    /// <summary>Float32 (N, 1, H, W).</summary>
    public Tensor Images { get; }

    /// <summary>Int64 (N), values 0..NumClasses-1.</summary>
    public Tensor Labels { get; }

    public long Count { get; }
    public IReadOnlyList<string> ClassNames => Kind.ClassNames();
    public int NumClasses => Kind.NumClasses();
    public Device Device => Images.Device;

    /// <summary>The number of images of each class, by label.</summary>
    public long[] ClassCounts()
    {
        using var counts = Torch.Op("aten::bincount", "", Labels, null, (long)NumClasses);
        using var host = counts.Cpu();
        return host.ToArray<long>();
    }

    /// <summary>
    /// One epoch in a random order drawn from <paramref name="generator"/>: batches of images, labels and dataset
    /// indices on <paramref name="device"/> (default: where the dataset is), gathered with IndexSelect.
    /// </summary>
    public IEnumerable<ImageBatch> Batches(int batchSize, Generator generator, bool dropLast = false, Device? device = null)
    {
        var target = device ?? Device;
        foreach (var indices in ShuffledBatches.Indices(Count, batchSize, generator, dropLast, Device))
        {
            ImageBatch batch;
            using (var scope = Torch.NewDisposeScope())
            {
                var images = Images.IndexSelect(0, indices).To(target).MoveToOuterScope();
                var labels = Labels.IndexSelect(0, indices).To(target).MoveToOuterScope();
                var where = indices.To(target).MoveToOuterScope();
                batch = new ImageBatch(images, labels, where);
            }
            indices.Dispose();
            yield return batch;
        }
    }

    public override string ToString() => $"{Kind.DisplayName()} {Split}: {Count} images {Images.Describe()}, {Range}";

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
