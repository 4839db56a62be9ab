using System.Diagnostics;
using RandCond.Metrics;
using RandCond.Tensors;

namespace RandCond.Tests.Metrics;

/// <summary>A small LeNet trained once on synthetic blobs, shared by the tests that need a trained classifier.</summary>
public sealed class TrainedClassifierFixture : IDisposable
{
    public TrainedClassifierFixture()
    {
        (TrainImages, TrainLabels) = SyntheticImages.Draw(2048, seed: 10);
        (TestImages, TestLabels) = SyntheticImages.Draw(1000, seed: 11);
        Classifier = Small();
        var options = new ClassifierTrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 3e-3, LogEvery = 10, Seed = 7 };
        var clock = Stopwatch.StartNew();
        Result = new ClassifierTrainer(options).Train(Classifier, TrainImages, TrainLabels, TestImages, TestLabels, new ListProgress(Reports));
        TrainingTime = clock.Elapsed;
    }

    public static LeNetClassifier Small(Device? device = null) => new(channels1: 8, channels2: 16, featureDim: 32, device: device);

    public Tensor TrainImages { get; }
    public Tensor TrainLabels { get; }
    public Tensor TestImages { get; }
    public Tensor TestLabels { get; }
    public LeNetClassifier Classifier { get; }
    public ClassifierTrainingResult Result { get; }
    public TimeSpan TrainingTime { get; }
    public List<ClassifierTrainingProgress> Reports { get; } = new();

    public void Dispose()
    {
        Classifier.Dispose();
        foreach (var t in new[] { TrainImages, TrainLabels, TestImages, TestLabels }) t.Dispose();
    }
}

/// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class ListProgress(List<ClassifierTrainingProgress> reports) : IProgress<ClassifierTrainingProgress>
{
    public void Report(ClassifierTrainingProgress value) => reports.Add(value);
}

internal sealed class ActionProgress(Action<ClassifierTrainingProgress> action) : IProgress<ClassifierTrainingProgress>
{
    public void Report(ClassifierTrainingProgress value) => action(value);
}
