using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>Test accuracy of a classifier, batched, without gradients, on the classifier's device.</summary>
public static class ClassifierAccuracy
{
    public static double Evaluate(DomainClassifier classifier, Tensor images, Tensor labels, int batchSize = 1000)
    {
        long n = images.Size(0);
        if (labels.Shape is not [var m] || m != n)
            throw new ArgumentException($"ClassifierAccuracy: {n} images need labels of shape [{n}], got [{string.Join(", ", labels.Shape)}]");
        if (n == 0) throw new ArgumentException("ClassifierAccuracy: no images");
        var device = classifier.Device;
        bool wasTraining = classifier.Training;
        classifier.Eval();
        try
        {
            using var noGrad = Torch.NoGrad();
            using var correct = Torch.Zeros([], DType.Int64, device);
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = Torch.NewDisposeScope();
                long size = Math.Min(batchSize, n - start);
                var x = images.Narrow(0, start, size).To(device, DType.Float32);
                var y = labels.Narrow(0, start, size).To(device, DType.Int64);
                correct.AddInPlace(classifier.Forward(x).ArgMax(1).Eq(y).Sum());
            }
            return correct.Item() / n;
        }
        finally
        {
            classifier.Train(wasTraining);
        }
    }
}
