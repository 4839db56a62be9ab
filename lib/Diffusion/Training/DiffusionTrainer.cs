using System.Diagnostics;
using RandCond.Data;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Diffusion.Training;

/// <summary>
/// Trains a text-conditioned diffusion model on captioned images: each step draws images, one caption per
/// image from the corpus (by class), replaces captions by the null caption with probability
/// NullCaptionProbability (for classifier-free guidance), draws t uniformly, and regresses the noise.
/// AdamW with linear warm-up, gradient clipping, an EMA copy; checkpoints every CheckpointEvery steps and
/// resumes from the last one.
/// </summary>
public sealed class DiffusionTrainer(DiffusionTrainingOptions options)
{
    public DiffusionTrainingOptions Options { get; } = options;

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
        int start = 0;
        if (checkpointPath is not null) CheckpointFiles.RemoveStaleTemporaries(checkpointPath);
        if (checkpointPath is not null && File.Exists(checkpointPath))
            start = TrainingCheckpoint.Load(checkpointPath, model, ema, optimizer);
        model.Train();
        using var generator = new Generator(Options.Seed);
        using var nullRow = nullTokens.Reshape(1, -1);
        long n = images.Size(0);
        var clock = Stopwatch.StartNew();
        var wall = Stopwatch.StartNew();
        double lossSum = 0;
        int lossCount = 0, stepsSinceLog = 0;
        Tensor? lossAccumulator = null;
        var rates = new LearningRateSchedule(Options.LearningRate, Options.WarmupSteps);
        for (int step = start; step < Options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            generator.Seed(Options.Seed * 1_000_003UL + (ulong)step);
            optimizer.LearningRate = rates.At(step, Options.Steps);
            using (var scope = Torch.NewDisposeScope())
            {
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
                var detached = loss.Detach();
                lossAccumulator = lossAccumulator is null ? detached.MoveToOuterScope() : Accumulate(lossAccumulator, detached);
            }
            lossCount++;
            stepsSinceLog++;
            bool last = step + 1 == Options.Steps ||
                        Options.TimeBudget is { } budget && (step + 1) % Options.LogEvery == 0 && wall.Elapsed > budget;
            if ((step + 1) % Options.LogEvery == 0 || last)
            {
                lossSum = lossAccumulator!.Item();          // the one host synchronization per LogEvery steps
                lossAccumulator.Dispose();
                lossAccumulator = null;
                double seconds = clock.Elapsed.TotalSeconds;
                double rate = stepsSinceLog * Options.BatchSize / Math.Max(seconds, 1e-9);
                var eta = TimeSpan.FromSeconds((Options.Steps - step - 1) * (double)Options.BatchSize / Math.Max(rate, 1e-9));
                progress?.Report(new DiffusionTrainingProgress(step + 1, Options.Steps, lossSum / lossCount, rate, eta));
                lossCount = 0;
                stepsSinceLog = 0;
                clock.Restart();
            }
            if (checkpointPath is not null && ((step + 1) % Options.CheckpointEvery == 0 || last))
                TrainingCheckpoint.Save(checkpointPath, model, ema, optimizer, step + 1);
            if (last) return step + 1;
        }
        lossAccumulator?.Dispose();
        return Math.Max(start, Options.Steps);
    }

    private static Tensor Accumulate(Tensor sum, Tensor value)
    {
        sum.AddInPlace(value);
        return sum;
    }
}
