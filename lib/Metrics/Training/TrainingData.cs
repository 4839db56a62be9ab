using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>A checked copy of a training set on the training device: float images and Int64 labels.</summary>
internal sealed class TrainingData : IDisposable
{
    private TrainingData(Tensor images, Tensor labels) => (Images, Labels) = (images, labels);

    public Tensor Images { get; }
    public Tensor Labels { get; }
    public long Count => Labels.Size(0);

    public static TrainingData Prepare(Tensor images, Tensor labels, long classCount, Device device)
    {
        var s = images.Shape;
        if (s.Length != 4 || s[1] != 1 || s[2] != DomainClassifier.ImageSize || s[3] != DomainClassifier.ImageSize)
            throw new ArgumentException($"training images: expected shape (N, 1, 28, 28), got [{string.Join(", ", s)}]");
        if (labels.Shape is not [var n] || n != s[0])
            throw new ArgumentException($"training labels: expected shape [{s[0]}], got [{string.Join(", ", labels.Shape)}]");
        if (n == 0) throw new ArgumentException("training set is empty");
        var x = images.To(device, DType.Float32).DetachFromDisposeScope();
        var y = labels.To(device, DType.Int64).DetachFromDisposeScope();
        var data = new TrainingData(x, y);
        try
        {
            using var scope = Torch.NewDisposeScope();
            double min = x.Min().Item(), max = x.Max().Item();
            if (min < -1.0001 || max > 1.0001)
                throw new ArgumentException($"training images: values must lie in [-1, 1], found [{min}, {max}] (scale x/127.5 - 1 from bytes)");
            long low = y.Min().ItemLong(), high = y.Max().ItemLong();
            if (low < 0 || high >= classCount)
                throw new ArgumentException($"training labels: must lie in [0, {classCount}), found [{low}, {high}]");
        }
        catch
        {
            data.Dispose();
            throw;
        }
        return data;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
