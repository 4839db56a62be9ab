using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation.Sfddm;
using RandCond.Experiments;
using RandCond.Tensors;
using RandCond.Tests.Diffusion;
using Xunit.Abstractions;

namespace RandCond.Tests.Distillation.Sfddm;

/// <summary>A tiny teacher distilled on real MNIST images: the loss falls, and a killed-and-resumed run ends where an uninterrupted one does.</summary>
public class SfddmDistillerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-sfddm-").FullName;
    private readonly SingleThreaded threads = new();

    public void Dispose()
    {
        threads.Dispose();
        Directory.Delete(dir, true);
    }

    /// <summary>The data, the frozen teacher (seed 1) and its schedule that every test distils from.</summary>
    private sealed record Setup(ImageDataset Data, Tensor Images, Tensor Labels, CaptionCorpus Corpus, Tensor Tokens, Tensor Null,
                                TextDiffusionModel Teacher, NoiseSchedule Schedule) : IDisposable
    {
        public int Distill(SfddmOptions options, TextDiffusionModel student, IProgress<SfddmProgress>? progress = null, CancellationToken cancel = default) =>
            new SfddmDistiller(options).Distill(Teacher, student, Schedule, Images, Labels, Corpus, Tokens, Null, progress, cancel);

        public void Dispose()
        {
            Tokens.Dispose();
            Null.Dispose();
            Data.Dispose();
            Teacher.Dispose();
            Schedule.Dispose();
        }
    }

    private static Setup Load()
    {
        var data = ImageDataset.Mnist(DatasetSplit.Test, PixelRange.MinusOneOne);
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        return new Setup(data, data.Images.Narrow(0, 0, 256), data.Labels.Narrow(0, 0, 256), corpus,
                         corpus.Encode(SfddmTestNets.Tokenizer, SfddmTestNets.CaptionLength),
                         SfddmTestNets.Tokenizer.NullTokens(1, SfddmTestNets.CaptionLength).Reshape(-1),
                         SfddmTestNets.Fresh(1), NoiseSchedule.Linear(1000));
    }

    private SfddmOptions Options(int steps, string? checkpoint = null) => new()
    {
        StudentSteps = 10, Steps = steps, BatchSize = 8, LearningRate = 2e-3, Seed = 9, LogEvery = 10, CheckpointEvery = 10,
        CheckpointPath = checkpoint is null ? null : Path.Combine(dir, checkpoint),
    };

    [Fact]
    public void LossFallsAndEachTermIsReported()
    {
        using var s = Load();
        using var student = SfddmTestNets.Fresh(2);
        var reports = new List<SfddmProgress>();
        int done = s.Distill(Options(40) with { LogEvery = 5 }, student, new SynchronousProgress<SfddmProgress>(reports.Add));
        foreach (var r in reports) output.WriteLine(r.ToString());
        Assert.Equal(40, done);
        Assert.Equal(8, reports.Count);
        Assert.All(reports, r => Assert.Equal(r.OutputLoss + r.FeatureLoss, r.Loss, 1e-4));
        Assert.True(reports[^1].Loss < 0.75 * reports[0].Loss, $"loss went from {reports[0]} to {reports[^1]}");
        Assert.Null(s.Teacher.Parameters().First().Grad);
    }

    [Fact]
    public void ACudaGraphRunOffTheGpuIsRefusedByName()
    {
        using var s = Load();
        using var student = SfddmTestNets.Fresh(2);
        var e = Assert.Throws<ArgumentException>(() => s.Distill(Options(5) with { CudaGraph = true }, student));
        Assert.Contains("CudaGraph needs a CUDA device", e.Message);
    }

    [Fact]
    public void ACosineDecayWithWarmUpTrainsDifferentlyFromAConstantRate()
    {
        using var s = Load();
        using var constant = SfddmTestNets.Fresh(2);
        using var decayed = SfddmTestNets.Fresh(2);
        s.Distill(Options(12), constant);
        s.Distill(Options(12) with { CosineDecay = true, WarmupSteps = 4 }, decayed);
        var (pc, pd) = (constant.Parameters().First().Data.ToArray<float>(), decayed.Parameters().First().Data.ToArray<float>());
        Assert.False(pc.SequenceEqual(pd), "the learning-rate schedule had no effect on the trained weights");
        Assert.Throws<ArgumentOutOfRangeException>(() => new SfddmDistiller(Options(12) with { WarmupSteps = -1 }));
    }

    [Fact]
    public void AFinishedRunCalledAgainTrainsNoStepAndReplaysItsWholeLossCurve()
    {
        using var s = Load();
        using var a = SfddmTestNets.Fresh(2);
        var first = new List<SfddmProgress>();
        s.Distill(Options(20, "done.safetensors"), a, new SynchronousProgress<SfddmProgress>(first.Add));
        using var b = SfddmTestNets.Fresh(2);
        var again = new List<SfddmProgress>();
        Assert.Equal(20, s.Distill(Options(20, "done.safetensors"), b, new SynchronousProgress<SfddmProgress>(again.Add)));

        Assert.Equal([10, 20], again.Select(p => p.Step));
        Assert.All(again, p => Assert.True(p.Restored));
        Assert.Equal(first.Select(p => (p.Step, p.Loss, p.OutputLoss, p.FeatureLoss)), again.Select(p => (p.Step, p.Loss, p.OutputLoss, p.FeatureLoss)));
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
            Assert.True(pa.Data.ToArray<float>().SequenceEqual(pb.Data.ToArray<float>()), $"parameter {name} was not restored");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KilledAndResumedRunEndsWhereAnUninterruptedOneDoes(bool cosine)
    {
        using var s = Load();
        SfddmOptions Options(int steps, string checkpoint) => this.Options(steps, checkpoint) with { CosineDecay = cosine, WarmupSteps = cosine ? 5 : 0 };

        using var a = SfddmTestNets.Fresh(2);
        int doneA = s.Distill(Options(30, "a.safetensors"), a);

        var killed = new List<SfddmProgress>();
        using (var b = SfddmTestNets.Fresh(2))
        {
            using var cancel = new CancellationTokenSource();
            // "Kill" the run right after its checkpoint at step 20 (cancellation stops before step 21 starts).
            var progress = new SynchronousProgress<SfddmProgress>(p => { killed.Add(p); if (killed.Count == 2) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => s.Distill(Options(30, "b.safetensors"), b, progress, cancel.Token));
        }

        using var c = SfddmTestNets.Fresh(2);
        var resumed = new List<SfddmProgress>();
        int doneC = s.Distill(Options(30, "b.safetensors"), c, new SynchronousProgress<SfddmProgress>(resumed.Add));

        Assert.Equal(30, doneA);
        Assert.Equal(30, doneC);
        // the killed run's reports come back from the checkpoint first, so the resumed run's loss curve starts at step 10
        Assert.Equal([10, 20, 30], resumed.Select(p => p.Step));
        Assert.Equal([true, true, false], resumed.Select(p => p.Restored));
        Assert.Equal(killed.Select(p => (p.Loss, p.OutputLoss, p.FeatureLoss)), resumed.Take(2).Select(p => (p.Loss, p.OutputLoss, p.FeatureLoss)));
        foreach (var ((name, pa), (_, pc)) in a.NamedParameters().Zip(c.NamedParameters()))
            Assert.True(pa.Data.ToArray<float>().SequenceEqual(pc.Data.ToArray<float>()), $"parameter {name} differs after resume");

        // a checkpoint of another T' is refused
        using var d = SfddmTestNets.Fresh(2);
        var e = Assert.Throws<InvalidDataException>(() => s.Distill(Options(30, "b.safetensors") with { StudentSteps = 5 }, d));
        Assert.Contains("T' = 10", e.Message);
        // and so is one of another learning rate, named in the message
        var r = Assert.Throws<InvalidDataException>(() => s.Distill(Options(30, "b.safetensors") with { LearningRate = 1e-3 }, d));
        Assert.Contains("lr 0.001", r.Message);
    }
}
