using System.Diagnostics;
using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Metrics;

/// <summary>
/// Trains a <see cref="DomainClassifier"/> from image and label tensors: AdamW with a per-step learning-rate
/// schedule, cross-entropy (optionally label-smoothed), random shifts and flips, batches drawn through a
/// seeded permutation per epoch. Everything runs on the classifier's device; the host waits for the device
/// only when it reports progress. With a resume path it checkpoints every epoch and resumes from there.
/// </summary>
public sealed class ClassifierTrainer
{
    public ClassifierTrainer(ClassifierTrainingOptions? options = null)
    {
        Options = options ?? new ClassifierTrainingOptions();
        Options.Validate();
    }

    public ClassifierTrainingOptions Options { get; }

    /// <param name="images">(N, 1, 28, 28) in [-1, 1], on any device (copied once to the classifier's).</param>
    /// <param name="labels">(N) class indices.</param>
    public ClassifierTrainingResult Train(DomainClassifier classifier, Tensor images, Tensor labels,
                                         Tensor? testImages = null, Tensor? testLabels = null,
                                         IProgress<ClassifierTrainingProgress>? progress = null,
                                         CancellationToken cancellation = default)
    {
        if ((testImages is null) != (testLabels is null))
            throw new ArgumentException("ClassifierTrainer: give both test images and test labels, or neither");
        var o = Options;
        var device = classifier.Device;
        using var data = TrainingData.Prepare(images, labels, classifier.ClassCount, device);
        long n = data.Count;
        int batch = (int)Math.Min(o.BatchSize, n);
        long stepsPerEpoch = n / batch; // the last partial batch is dropped: every step sees a full batch
        long totalSteps = stepsPerEpoch * o.Epochs;

        using var optimizer = new AdamW(classifier, o.LearningRate, weightDecay: o.WeightDecay);
        int startEpoch = o.ResumePath is not null && File.Exists(o.ResumePath) ? Resume(o.ResumePath, classifier, optimizer, device) : 0;

        using var lossSum = Torch.Zeros([], DType.Float32, device);
        using var correct = Torch.Zeros([], DType.Int64, device);
        var clock = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        long windowSteps = 0;
        double lastLoss = double.NaN, lastAccuracy = double.NaN, rate = 0;
        double? testAccuracy = null;
        long step = startEpoch * stepsPerEpoch;
        classifier.Train();

        for (int epoch = startEpoch; epoch < o.Epochs; epoch++)
        {
            // One generator per epoch, seeded from (seed, epoch): a resumed run draws what the uninterrupted one would.
            using var generator = new Generator(o.Seed * 1_000_003UL + (ulong)epoch, device);
            using var permutation = Torch.Randperm(n, generator, device);
            for (long b = 0; b < stepsPerEpoch; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                double lr = ClassifierRateSchedules.At(o.Schedule, o.LearningRate, step, totalSteps, o.WarmupFraction);
                TrainStep(classifier, optimizer, data, permutation, b * batch, batch, generator, lr, lossSum, correct);
                step++;
                windowSteps++;
                bool epochEnd = b == stepsPerEpoch - 1;
                if (step % o.LogEvery != 0 && !epochEnd) continue;

                (lastLoss, lastAccuracy) = (lossSum.Item() / windowSteps, correct.Item() / (windowSteps * (double)batch));
                rate = windowSteps * batch / window.Elapsed.TotalSeconds;
                lossSum.ZeroInPlace();
                correct.ZeroInPlace();
                testAccuracy = epochEnd && testImages is not null
                    ? ClassifierAccuracy.Evaluate(classifier, testImages, testLabels!, o.EvalBatchSize) : null;
                progress?.Report(new ClassifierTrainingProgress(epoch + 1, o.Epochs, step, totalSteps, lastLoss, lastAccuracy,
                                                                rate, lr, testAccuracy, clock.Elapsed));
                windowSteps = 0;
                window.Restart();
            }
            if (o.ResumePath is not null) SaveResumePoint(o.ResumePath, classifier, optimizer, epoch + 1);
        }
        classifier.Eval();
        if (startEpoch >= o.Epochs && testImages is not null)
            testAccuracy = ClassifierAccuracy.Evaluate(classifier, testImages, testLabels!, o.EvalBatchSize);
        double overall = (step - startEpoch * stepsPerEpoch) * batch / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new ClassifierTrainingResult(testAccuracy, lastLoss, lastAccuracy, o.Epochs, step, clock.Elapsed, overall);
    }

    private void TrainStep(DomainClassifier classifier, AdamW optimizer, TrainingData data, Tensor permutation, long start, int batch,
                           Generator generator, double lr, Tensor lossSum, Tensor correct)
    {
        using var scope = Torch.NewDisposeScope();
        var indices = permutation.Narrow(0, start, batch);
        var x = data.Images.IndexSelect(0, indices);
        var y = data.Labels.IndexSelect(0, indices);
        if (Options.MaxShift > 0) x = ImageAugmentation.RandomShift(x, Options.MaxShift, generator);
        if (Options.HorizontalFlip) x = ImageAugmentation.RandomHorizontalFlip(x, generator);
        var logits = classifier.Forward(x);
        var loss = F.CrossEntropy(logits, y, labelSmoothing: Options.LabelSmoothing);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.LearningRate = lr;
        optimizer.Step();
        using var noGrad = Torch.NoGrad();
        lossSum.AddInPlace(loss.Detach());
        correct.AddInPlace(logits.ArgMax(1).Eq(y).Sum());
    }

    private static void SaveResumePoint(string path, DomainClassifier classifier, AdamW optimizer, int epochsDone)
    {
        var (optimizerTensors, optimizerMeta) = optimizer.StateDict();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in classifier.StateDict()) tensors[$"model.{name}"] = t;
        foreach (var (name, t) in optimizerTensors) tensors[$"optimizer.{name}"] = t;
        var metadata = optimizerMeta.ToDictionary(kv => $"optimizer.{kv.Key}", kv => kv.Value);
        metadata["architecture"] = classifier.Architecture;
        metadata["epochs_done"] = epochsDone.ToString(CultureInfo.InvariantCulture);
        Safetensors.Save(path, tensors, metadata);
    }

    private static int Resume(string path, DomainClassifier classifier, AdamW optimizer, Device device)
    {
        using var contents = Safetensors.Load(path, device);
        var meta = contents.Metadata;
        if (!meta.TryGetValue("architecture", out var architecture) || architecture != classifier.Architecture)
            throw new InvalidDataException($"{path}: resume point is for architecture '{architecture}', not '{classifier.Architecture}'");
        if (!meta.TryGetValue("epochs_done", out var doneText) || !int.TryParse(doneText, CultureInfo.InvariantCulture, out var done))
            throw new InvalidDataException($"{path}: resume point has no integer 'epochs_done' in its metadata");
        Dictionary<string, Tensor> Part(string prefix) => contents.Tensors
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        classifier.LoadStateDict(Part("model."));
        optimizer.LoadStateDict(Part("optimizer."), meta.Where(kv => kv.Key.StartsWith("optimizer.", StringComparison.Ordinal))
                                                         .ToDictionary(kv => kv.Key["optimizer.".Length..], kv => kv.Value));
        return done;
    }
}
