using RandCond.Metrics;
using RandCond.Tensors;
using Xunit;

namespace RandCond.Tests.Metrics;

public class ClassifierTrainingTests(TrainedClassifierFixture trained) : IClassFixture<TrainedClassifierFixture>
{
    [Fact]
    public void LeNetLearnsSyntheticClassesQuicklyOnTheCpu()
    {
        Assert.True(trained.Result.TestAccuracy >= 0.95, $"test accuracy {trained.Result.TestAccuracy:P2}");
        Assert.True(trained.TrainingTime < TimeSpan.FromSeconds(20), $"training took {trained.TrainingTime}");
        Assert.Equal(trained.Result.TestAccuracy!.Value,
                     ClassifierAccuracy.Evaluate(trained.Classifier, trained.TestImages, trained.TestLabels), 1e-12);
        Assert.False(trained.Classifier.Training); // handed back in eval mode
    }

    [Fact]
    public void ProgressReportsEveryLogIntervalAndEachEpochEnd()
    {
        var reports = trained.Reports;
        const long stepsPerEpoch = 2048 / 64;
        Assert.Equal(stepsPerEpoch * 3, reports[^1].Step);
        Assert.Equal(stepsPerEpoch * 3, reports[^1].TotalSteps);
        // Steps 10, 20, 30, 32 (epoch end), 40, ...: epoch ends carry the test accuracy, the rest do not.
        Assert.Equal(new long[] { 10, 20, 30, 32, 40 }, reports.Take(5).Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(r.Step % stepsPerEpoch == 0, r.TestAccuracy is not null));
        Assert.All(reports, r => Assert.True(r.ImagesPerSecond > 0 && double.IsFinite(r.Loss) && r.Accuracy is >= 0 and <= 1));
        Assert.True(reports[^1].Loss < reports[0].Loss, "loss went down");
        Assert.Equal(1, reports[0].Epoch);
        Assert.Equal(3, reports[^1].Epoch);
    }

    [Fact]
    public void OneCycleWarmsUpThenDecaysToZero()
    {
        const long total = 100;
        double At(long step) => ClassifierRateSchedules.At(ClassifierRateSchedule.OneCycle, 1.0, step, total, 0.2);
        Assert.Equal(0.04, At(0), 1e-12);
        Assert.Equal(1.0, At(20), 1e-12);
        Assert.True(At(10) is > 0.04 and < 1);
        Assert.True(At(60) < At(40));
        Assert.Equal(0.0, At(total - 1), 1e-12);
        Assert.Equal(1.0, ClassifierRateSchedules.At(ClassifierRateSchedule.Cosine, 1.0, 0, total));
        Assert.Equal(0.5, ClassifierRateSchedules.At(ClassifierRateSchedule.Constant, 0.5, 70, total));
    }

    [Fact]
    public void RandomShiftMovesEachImageByAtMostTheShiftAndFillsWithBackground()
    {
        using var scope = Torch.NewDisposeScope();
        var images = Torch.Full([64, 1, 28, 28], -1.0);
        images.Narrow(2, 14, 1).Narrow(3, 10, 1).FillInPlace(1.0);
        using var g = new Generator(3);
        var shifted = ImageAugmentation.RandomShift(images, 2, g);
        Assert.Equal(images.Shape, shifted.Shape);
        var bright = shifted.Flatten(1).ArgMax(1);
        var rows = (bright / 28L).Floor().Long().ToArray<long>();
        var cols = (bright % 28L).ToArray<long>();
        Assert.All(rows, r => Assert.InRange(r, 12, 16));
        Assert.All(cols, c => Assert.InRange(c, 8, 12));
        Assert.True(rows.Distinct().Count() > 1 && cols.Distinct().Count() > 1, "offsets vary between images");
        Assert.Equal(64.0, shifted.Eq(1.0).Sum().Item()); // one bright pixel each, the rest background
        Assert.Equal(-1.0, shifted.Min().Item());
    }

    [Fact]
    public void HorizontalFlipMirrorsSomeImagesAndLeavesTheOthers()
    {
        using var scope = Torch.NewDisposeScope();
        using var g = new Generator(4);
        var images = Torch.Randn([32, 1, 28, 28], g);
        var flipped = ImageAugmentation.RandomHorizontalFlip(images, g);
        var same = (flipped - images).Abs().Flatten(1).Amax(1).Eq(0.0).ToArray<bool>();
        var mirrored = (flipped - images.Flip(3)).Abs().Flatten(1).Amax(1).Eq(0.0).ToArray<bool>();
        Assert.All(same.Zip(mirrored), p => Assert.True(p.First ^ p.Second));
        Assert.Contains(true, same);
        Assert.Contains(true, mirrored);
    }

    [Fact]
    public void BadTrainingInputIsRejectedWithTheReason()
    {
        using var scope = Torch.NewDisposeScope();
        using var net = TrainedClassifierFixture.Small();
        var trainer = new ClassifierTrainer(new ClassifierTrainingOptions { Epochs = 1 });
        var bytes = Torch.Full([8, 1, 28, 28], 255.0);
        var labels = Torch.Zeros([8], DType.Int64);
        Assert.Contains("[-1, 1]", Assert.Throws<ArgumentException>(() => trainer.Train(net, bytes, labels)).Message);
        Assert.Contains("(N, 1, 28, 28)", Assert.Throws<ArgumentException>(() => trainer.Train(net, Torch.Zeros([8, 28, 28]), labels)).Message);
        Assert.Contains("[0, 10)", Assert.Throws<ArgumentException>(() => trainer.Train(net, Torch.Zeros([8, 1, 28, 28]), labels + 10L)).Message);
    }

    [Fact]
    public void ResumedTrainingMatchesAnUninterruptedRun()
    {
        using var scope = Torch.NewDisposeScope();
        var (images, labels) = SyntheticImages.Draw(256, seed: 20);
        var path = Path.Combine(Path.GetTempPath(), $"rc-resume-{Guid.NewGuid():N}.safetensors");
        try
        {
            var options = new ClassifierTrainingOptions { Epochs = 2, BatchSize = 64, Seed = 5, HorizontalFlip = true };
            // Without dropout: dropout draws from the global stream, which a resumed process does not restore.
            static LeNetClassifier Net() => new(channels1: 8, channels2: 16, featureDim: 32, dropout: 0);
            Torch.ManualSeed(1);
            using var straight = Net();
            new ClassifierTrainer(options).Train(straight, images, labels);

            // Interrupted after the first epoch's resume point was written, as a killed process would be.
            Torch.ManualSeed(1);
            using var interrupted = Net();
            using var stop = new CancellationTokenSource();
            var stopAfterEpoch1 = new ActionProgress(r => { if (r.Step == 4) stop.Cancel(); });
            Assert.Throws<OperationCanceledException>(() =>
                new ClassifierTrainer(options with { ResumePath = path }).Train(interrupted, images, labels, progress: stopAfterEpoch1, cancellation: stop.Token));
            using var fresh = Net(); // the weights come from the resume point
            var reports = new List<ClassifierTrainingProgress>();
            var result = new ClassifierTrainer(options with { ResumePath = path }).Train(fresh, images, labels, progress: new ListProgress(reports));
            Assert.All(reports, r => Assert.Equal(2, r.Epoch));
            Assert.Equal(8, result.Steps);

            var a = straight.Forward(images).ToArray<float>();
            var b = fresh.Forward(images).ToArray<float>();
            Assert.Equal(a, b, (x, y) => Math.Abs(x - y) <= 1e-4f * (1 + Math.Abs(x)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
