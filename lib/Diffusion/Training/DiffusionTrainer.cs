using RandCond.Data;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Diffusion.Training;

/// <summary>
/// Trains a text-conditioned diffusion model on captioned images: each step draws images, one caption per
/// image from the corpus (by class), replaces captions by the null caption with probability
/// NullCaptionProbability (for classifier-free guidance), draws t uniformly, and regresses the noise.
/// AdamW with linear warm-up, gradient clipping, an EMA copy, run by a <see cref="TrainingLoop"/> (checkpoints every
/// CheckpointEvery steps, resumes from the last one and replays its reports). A checkpoint records the hash of the
/// run's <see cref="Recipe"/> and one of another recipe is refused, so a changed run never resumes an old one.
/// </summary>
public sealed class DiffusionTrainer(DiffusionTrainingOptions options)
{
    /// <summary>The checkpoint metadata key of the recipe hash.</summary>
    public const string RecipeKeyName = "recipe_hash";

    public DiffusionTrainingOptions Options { get; } = options;

    /// <summary>What changes the trained weights: the options (not the log and checkpoint intervals or the time budget), the images, labels and captions.</summary>
    public RecipeKey Recipe(Tensor images, Tensor labels, CaptionCorpus corpus) => new RecipeKey()
        .AddJson("options", Options with { TimeBudget = null, LogEvery = 1, CheckpointEvery = 1 })
        .AddTensor("images", images)
        .AddTensor("labels", labels)
        .Add("captions", string.Join("\n", corpus.Entries.Select(e => $"{e.Label}\t{e.Caption}")));

    /// <param name="images">(N, C, H, W) in [-1, 1], on the training device</param>
    /// <param name="labels">Int64 (N) class of each image</param>
    /// <param name="captionTokens">Int64 (captions, L): the corpus's captions, tokenized, on the device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    /// <returns>The number of steps completed (less than Options.Steps when the time budget ran out).</returns>
    public int Train(TextDiffusionModel model, TextDiffusionModel ema, NoiseSchedule schedule, Tensor images, Tensor labels,
                      CaptionCorpus corpus, Tensor captionTokens, Tensor nullTokens, string? checkpointPath,
                      IProgress<DiffusionTrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        var device = images.Device;
        using var optimizer = new AdamW(model, lr: Options.LearningRate, weightDecay: Options.WeightDecay);
        var average = new Ema(model, ema, Options.EmaDecay);
        var loop = new TrainingLoop
        {
            Steps = Options.Steps, BatchSize = Options.BatchSize, Terms = ["loss"], LogEvery = Options.LogEvery,
            CheckpointEvery = Options.CheckpointEvery, TimeBudget = Options.TimeBudget,
            LearningRates = new LearningRateSchedule(Options.LearningRate, Options.WarmupSteps),
            Parts = new([("model", model), ("ema", ema)], [CheckpointOptimizer.Of("opt", optimizer)]),
            CheckpointPath = checkpointPath,
            Recipe = checkpointPath is null ? new Dictionary<string, string>()
                : new Dictionary<string, string> { [RecipeKeyName] = Recipe(images, labels, corpus).Hash() },
        };
        model.Train();
        using var generator = new Generator(Options.Seed);
        using var nullRow = nullTokens.Reshape(1, -1);
        long n = images.Size(0);
        Tensor Step(int step)
        {
            generator.Seed(Options.Seed * 1_000_003UL + (ulong)step);
            var index = Torch.Randint(0, n, [Options.BatchSize], generator).To(device);
            var x0 = images.IndexSelect(0, index);
            var y = labels.IndexSelect(0, index);
            var captions = corpus.SampleForLabels(y, generator);
            var tokens = captionTokens.IndexSelect(0, captions);
            var drop = (Torch.Rand([Options.BatchSize], generator).To(device) < Options.NullCaptionProbability).Unsqueeze(1);
            tokens = nullRow.ExpandAs(tokens).Where(drop, tokens);
            var t = Torch.Randint(0, schedule.Steps, [Options.BatchSize], generator).To(device);
            var eps = Torch.Randn(x0.Shape, generator).To(device);
            var xt = ForwardProcess.QSample(schedule, x0, t, eps);
            var loss = F.MseLoss(model.Forward(xt, t, tokens), eps);
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), Options.MaxGradNorm);
            optimizer.Step();
            optimizer.ZeroGrad();
            average.Update(step);
            return loss.Detach().Reshape(1);
        }
        return loop.Run(Step, r => progress?.Report(new DiffusionTrainingProgress(r.Step, r.TotalSteps, r.Means[0], r.ImagesPerSecond, r.Eta)
        {
            Restored = r.Restored,
        }), cancel).Steps;
    }
}
