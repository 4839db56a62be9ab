using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Tests.Diffusion.Training;

/// <summary>A tiny text-conditioned teacher on real MNIST: the loss falls, and a killed-and-resumed run ends where an uninterrupted one does.</summary>
public class TeacherTrainingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-teacher-").FullName;
    private readonly SingleThreaded threads = new();

    public void Dispose()
    {
        threads.Dispose();
        Directory.Delete(dir, true);
    }

    private static readonly TextEncoderConfig Text = new() { VocabSize = 0, MaxLength = 8, Width = 16, Layers = 1, Heads = 2 };

    private static readonly UNetConfig Net = new()
    {
        BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [1], CrossAttentionStages = [1],
        AttentionHeads = 2, GroupNormGroups = 4, Conditioning = Conditioning.Text, ContextDim = 16,
    };

    private sealed record Setup(ImageDataset Data, Tensor Images, Tensor Labels, CaptionCorpus Corpus, Tensor Tokens, Tensor Null, TextEncoderConfig Text);

    private static Setup Load()
    {
        var data = ImageDataset.Mnist(DatasetSplit.Test, PixelRange.MinusOneOne);
        var images = data.Images.Narrow(0, 0, 512);
        var labels = data.Labels.Narrow(0, 0, 512);
        var tokenizer = WordTokenizer.ForDatasets();
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        return new Setup(data, images, labels, corpus, corpus.Encode(tokenizer, 8), tokenizer.NullTokens(1, 8).Reshape(-1),
                         Text with { VocabSize = tokenizer.VocabularySize });
    }

    private static (TextDiffusionModel Model, TextDiffusionModel Ema) Fresh(Setup s)
    {
        Torch.ManualSeed(11);
        return (new TextDiffusionModel(s.Text, Net), new TextDiffusionModel(s.Text, Net));
    }

    private static DiffusionTrainingOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 16, LearningRate = 2e-3, WarmupSteps = 5, CheckpointEvery = 10, LogEvery = 10, Seed = 5,
    };

    [Fact]
    public void LossFallsOnRealMnist()
    {
        var s = Load();
        using var _ = s.Data;
        var (model, ema) = Fresh(s);
        using var m = model;
        using var e = ema;
        using var schedule = NoiseSchedule.Linear(1000);
        var losses = new List<double>();
        new DiffusionTrainer(Options(200) with { LogEvery = 20 }).Train(model, ema, schedule, s.Images, s.Labels, s.Corpus, s.Tokens, s.Null, null,
            new Experiments.SynchronousProgress<DiffusionTrainingProgress>(p => losses.Add(p.Loss)));
        Assert.Equal(10, losses.Count);
        Assert.True(losses[^1] < 0.5 * losses[0], $"loss went from {losses[0]:F4} to {losses[^1]:F4}");
    }

    [Fact]
    public void KilledAndResumedRunEndsWhereAnUninterruptedOneDoes()
    {
        var s = Load();
        using var _ = s.Data;
        using var schedule = NoiseSchedule.Linear(1000);

        var (a, aEma) = Fresh(s);
        using var a1 = a;
        using var a2 = aEma;
        int doneA = new DiffusionTrainer(Options(30)).Train(a, aEma, schedule, s.Images, s.Labels, s.Corpus, s.Tokens, s.Null, Path.Combine(dir, "a.safetensors"));

        var checkpoint = Path.Combine(dir, "b.safetensors");
        var (b, bEma) = Fresh(s);
        using (b)
        using (bEma)
        {
            using var cancel = new CancellationTokenSource();
            int reports = 0;
            // "Kill" the run right after its checkpoint at step 20 (cancellation stops before step 21 starts).
            var progress = new Experiments.SynchronousProgress<DiffusionTrainingProgress>(p => { if (++reports == 2) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => new DiffusionTrainer(Options(30)).Train(b, bEma, schedule, s.Images, s.Labels,
                s.Corpus, s.Tokens, s.Null, checkpoint, progress, cancel.Token));
        }

        var (c, cEma) = Fresh(s);
        using var c1 = c;
        using var c2 = cEma;
        int doneC = new DiffusionTrainer(Options(30)).Train(c, cEma, schedule, s.Images, s.Labels, s.Corpus, s.Tokens, s.Null, checkpoint);

        Assert.Equal(30, doneA);
        Assert.Equal(30, doneC);
        foreach (var ((name, pa), (_, pc)) in a.NamedParameters().Zip(c.NamedParameters()))
            Assert.True(pa.Data.ToArray<float>().SequenceEqual(pc.Data.ToArray<float>()), $"parameter {name} differs after resume");
        foreach (var ((name, pa), (_, pc)) in aEma.NamedParameters().Zip(cEma.NamedParameters()))
            Assert.True(pa.Data.ToArray<float>().SequenceEqual(pc.Data.ToArray<float>()), $"EMA parameter {name} differs after resume");
    }
}
