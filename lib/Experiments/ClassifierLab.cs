using System.Diagnostics;
using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Metrics;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// train-classifier: trains the domain classifier of a dataset (LeNet for MNIST, a small ResNet for
/// Fashion-MNIST), saves it to <see cref="RepoPaths.ClassifiersOut"/> (.cache/classifiers; data/classifiers with
/// --record), its test-set feature statistics next to it, and the accuracy and time to classifier-DATASET.json in
/// <see cref="RepoPaths.ResultsOut"/>.
/// </summary>
public static class ClassifierLab
{
    public static string FileName(DatasetKind kind) => $"{kind.Slug()}-classifier.safetensors";
    public static string StatisticsFileName(DatasetKind kind) => $"{kind.Slug()}-test-features.safetensors";

    /// <summary>The epochs a dataset's classifier trains for by default.</summary>
    public static int DefaultEpochs(DatasetKind kind) => kind == DatasetKind.Mnist ? 12 : 25;

    public static int Train(DatasetKind kind, Device device, int epochs, TextWriter log)
    {
        var outPath = Path.Combine(RepoPaths.ClassifiersOut(), FileName(kind));
        using var train = ImageDataset.Load(kind, DatasetSplit.Train, PixelRange.MinusOneOne, device);
        using var test = ImageDataset.Load(kind, DatasetSplit.Test, PixelRange.MinusOneOne, device);
        Torch.ManualSeed(0);
        using DomainClassifier classifier = kind == DatasetKind.Mnist ? new LeNetClassifier(device: device) : new ResNetClassifier(device: device);
        var options = new ClassifierTrainingOptions
        {
            Epochs = epochs, HorizontalFlip = kind == DatasetKind.FashionMnist, LabelSmoothing = kind == DatasetKind.FashionMnist ? 0.1 : 0,
        };
        var clock = Stopwatch.StartNew();
        var result = new ClassifierTrainer(options).Train(classifier, train.Images, train.Labels, test.Images, test.Labels,
            new Progress<ClassifierTrainingProgress>(p => log.WriteLine($"  {p}")));
        double accuracy = result.TestAccuracy ?? double.NaN;
        ClassifierCheckpoint.Save(outPath, classifier, kind.Slug(), accuracy);
        var statsPath = Path.Combine(Path.GetDirectoryName(outPath)!, StatisticsFileName(kind));
        using (var stats = FeatureStatistics.FromImages(classifier, test.Images)) stats.Save(statsPath);
        var json = RunRecord.Header("train-classifier", device);
        json["dataset"] = kind.Slug();
        json["architecture"] = classifier.Architecture;
        json["parameters"] = classifier.ParameterCount;
        json["epochs"] = epochs;
        json["test_accuracy"] = accuracy;
        json["goal"] = kind == DatasetKind.Mnist ? ">= 0.990" : ">= 0.920";
        json["train_seconds"] = clock.Elapsed.TotalSeconds;
        json["images_per_second"] = result.ImagesPerSecond;
        json["checkpoint"] = Path.GetFileName(outPath);
        var resultPath = ResultFiles.Write(Path.Combine(RepoPaths.ResultsOut(), $"classifier-{kind.Slug()}.json"), json);
        log.WriteLine($"{kind.DisplayName()} {classifier.Architecture}: test accuracy {accuracy:P2} after {epochs} epochs, {clock.Elapsed.TotalSeconds:F0} s -> {outPath}, {resultPath}");
        return 0;
    }
}
