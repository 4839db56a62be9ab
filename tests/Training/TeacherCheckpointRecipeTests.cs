using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Tests.Training;

/// <summary>The teacher trainer's checkpoint records its recipe: a changed run refuses it, an unchanged one resumes and replays its reports.</summary>
public sealed class TeacherCheckpointRecipeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rc-teacher-recipe-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private static readonly WordTokenizer Tokenizer = WordTokenizer.ForDatasets();
    private static readonly TextEncoderConfig Text = new() { VocabSize = Tokenizer.VocabularySize, MaxLength = 8, Width = 16, Layers = 1, Heads = 2 };
    private static readonly UNetConfig Net = new()
    {
        BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [1], CrossAttentionStages = [1],
        AttentionHeads = 2, GroupNormGroups = 4, Conditioning = Conditioning.Text, ContextDim = 16,
    };

    private static DiffusionTrainingOptions Options => new() { Steps = 5, BatchSize = 4, LearningRate = 2e-3, WarmupSteps = 1, CheckpointEvery = 3, LogEvery = 2, Seed = 5 };

    private List<DiffusionTrainingProgress> Train(DiffusionTrainingOptions options, string checkpoint, CancellationToken cancel = default, Action<DiffusionTrainingProgress>? onReport = null)
    {
        using var generator = new Generator(3);
        using var images = Torch.Rand([16, 1, 28, 28], generator) * 2 - 1;
        using var labels = Torch.Randint(0, 10, [16], generator);
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        using var tokens = corpus.Encode(Tokenizer, 8);
        using var nullTokens = Tokenizer.NullTokens(1, 8).Reshape(-1);
        using var schedule = NoiseSchedule.Linear(1000);
        Torch.ManualSeed(11);
        using var model = new TextDiffusionModel(Text, Net);
        using var ema = new TextDiffusionModel(Text, Net);
        var reports = new List<DiffusionTrainingProgress>();
        new DiffusionTrainer(options).Train(model, ema, schedule, images, labels, corpus, tokens, nullTokens, checkpoint,
            new Experiments.SynchronousProgress<DiffusionTrainingProgress>(p => { reports.Add(p); onReport?.Invoke(p); }), cancel);
        return reports;
    }

    [Fact]
    public void A_checkpoint_of_another_learning_rate_is_refused_by_name()
    {
        var checkpoint = Path.Combine(dir, "teacher.safetensors");
        Train(Options with { Steps = 3 }, checkpoint);
        var e = Assert.Throws<InvalidDataException>(() => Train(Options with { Steps = 3, LearningRate = 0.5 }, checkpoint));
        Assert.Contains(checkpoint, e.Message);
        Assert.Contains("another training recipe", e.Message);
    }

    [Fact]
    public void An_interrupted_run_resumed_under_another_time_budget_reports_what_the_uninterrupted_run_reports()
    {
        var whole = Train(Options, Path.Combine(dir, "whole.safetensors"));
        Assert.Equal([2, 4, 5], whole.Select(p => p.Step));

        var checkpoint = Path.Combine(dir, "interrupted.safetensors");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Train(Options, checkpoint, cancel.Token, p => { if (p.Step == 4) cancel.Cancel(); }));
        var resumed = Train(Options with { TimeBudget = TimeSpan.FromHours(1), LogEvery = 2 }, checkpoint);

        Assert.Equal([true, false, false], resumed.Select(p => p.Restored));
        Assert.Equal(whole.Select(p => (p.Step, p.Loss)), resumed.Select(p => (p.Step, p.Loss)));
    }
}
