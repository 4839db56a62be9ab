using RandCond.Diffusion;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// Trains a <see cref="CoDiModel"/> on (condition, image) pairs made by a <see cref="CoDiTask"/> from real images. With
/// <see cref="CoDiObjective.Distillation"/> each step draws one t in [SkipSteps, T) for the whole batch, s = t - SkipSteps,
/// and minimises <see cref="CoDiLoss.Compute"/> against an EMA copy of the model (updated after every step); with
/// <see cref="CoDiObjective.Denoising"/> it minimises the plain denoising loss (the fine-tuned baseline). A
/// <see cref="CoDiOptimizer"/> (AdamW per parameter group after global-norm clipping) over
/// <see cref="CoDiModel.TrainableParameters"/>. Checkpoints every CheckpointEvery steps and resumes from the last one,
/// repeating the same draws.
/// </summary>
public sealed class CoDiDistiller
{
    public CoDiDistiller(CoDiOptions options)
    {
        options.Validate();
        Options = options;
    }

    public CoDiOptions Options { get; }

    /// <param name="model">trained in place (its frozen parts stay bit-identical)</param>
    /// <param name="images">(N, C, H, W) in [-1, 1], on the training device</param>
    /// <returns>The number of steps completed (less than Options.Steps when the time budget ran out).</returns>
    public int Train(CoDiModel model, NoiseSchedule schedule, Tensor images, CoDiTask task,
                     IProgress<CoDiProgress>? progress = null, CancellationToken cancel = default)
    {
        if (Options.Objective == CoDiObjective.Distillation && Options.SkipSteps >= schedule.Steps)
            throw new ArgumentException($"CoDiDistiller: SkipSteps {Options.SkipSteps} must be below T = {schedule.Steps}");
        var device = images.Device;
        using var optimizer = new CoDiOptimizer(model, Options);
        bool distill = Options.Objective == CoDiObjective.Distillation;
        using var target = distill ? model.Clone() : null;
        var ema = target is null ? null : new Ema(model, target, Options.EmaDecay);
        target?.Eval();
        var path = Options.CheckpointPath;
        int batch = Options.BatchSize;
        using var log = new StepLog(Options.Steps, batch, Options.LogEvery, Options.TimeBudget);
        if (path is not null) CheckpointFiles.RemoveStaleTemporaries(path);
        int start = path is not null && File.Exists(path) ? CoDiCheckpoint.Load(path, model, target, optimizer, Options, log) : 0;
        foreach (var r in log.Reports)
            progress?.Report(new CoDiProgress(r.Step, Options.Steps, r.Means[0], r.Means[1], r.Means[2], r.ImagesPerSecond, TimeSpan.Zero) { Restored = true });
        model.Train();
        using var generator = new Generator(Options.Seed);
        long n = images.Size(0);
        try
        {
            for (int step = start; step < Options.Steps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                generator.Seed(Options.Seed * 1_000_003UL + (ulong)step);
                using (var scope = Torch.NewDisposeScope())
                {
                    var index = Torch.Randint(0, n, [batch], generator).To(device);
                    var x0 = images.IndexSelect(0, index);
                    var condition = task.Condition(x0);
                    Tensor terms;
                    if (distill)
                    {
                        int t = (int)Torch.Randint(Options.SkipSteps, schedule.Steps, [1], generator).ToArray<long>()[0];
                        var eps = Torch.Randn(x0.Shape, generator).To(device);
                        var loss = CoDiLoss.Compute(model, target!, schedule, x0, condition, t, t - Options.SkipSteps, eps, Options);
                        loss.Total.Backward();
                        terms = Torch.Stack([loss.Total.Detach(), loss.Consistency.Detach(), loss.Guidance.Detach()]);
                    }
                    else
                    {
                        var t = Torch.Randint(0, schedule.Steps, [batch], generator).To(device);
                        var eps = Torch.Randn(x0.Shape, generator).To(device);
                        var loss = CoDiLoss.Denoising(model, schedule, x0, condition, t, eps);
                        loss.Backward();
                        var zero = Torch.Zeros([], device: device);
                        terms = Torch.Stack([loss.Detach(), zero, zero]);
                    }
                    optimizer.Step();
                    optimizer.ZeroGrad();
                    ema?.Update();
                    log.Add(terms);
                }
                bool last = log.EndsAt(step);
                if (log.ReportsAt(step, last))
                {
                    var (mean, rate, eta) = log.Read(step);
                    progress?.Report(new CoDiProgress(step + 1, Options.Steps, mean[0], mean[1], mean[2], rate, eta));
                }
                if (path is not null && ((step + 1) % Options.CheckpointEvery == 0 || last))
                    CoDiCheckpoint.Save(path, model, target, optimizer, step + 1, Options, log);
                if (last) return step + 1;
            }
            return Math.Max(start, Options.Steps);
        }
        finally
        {
            model.Eval();
        }
    }
}
