using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>Runs a classifier over many images in batches, in eval mode without gradients, on the classifier's device.</summary>
public static class ClassifierOutputs
{
    /// <summary>Features (N, D) and logits (N, K) of images (N, 1, 28, 28), on the classifier's device.</summary>
    public static ClassifierOutput Collect(DomainClassifier classifier, Tensor images, int batchSize = 500)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be positive");
        long n = images.Size(0);
        if (n == 0) throw new ArgumentException("ClassifierOutputs: no images");
        var device = classifier.Device;
        bool wasTraining = classifier.Training;
        classifier.Eval();
        try
        {
            using var scope = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            var features = new List<Tensor>();
            var logits = new List<Tensor>();
            for (long start = 0; start < n; start += batchSize)
            {
                var batch = images.Narrow(0, start, Math.Min(batchSize, n - start)).To(device, DType.Float32);
                var output = classifier.ForwardWithFeatures(batch);
                features.Add(output.Features);
                logits.Add(output.Logits);
            }
            return new ClassifierOutput(Torch.Cat(features).MoveToOuterScope(), Torch.Cat(logits).MoveToOuterScope());
        }
        finally
        {
            classifier.Train(wasTraining);
        }
    }
}
