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
/// <see cref="CoDiModel.TrainableParameters"/>. Run by a <see cref="TrainingLoop"/>: checkpoints every CheckpointEvery
/// steps (the model, the EMA target, each group's moments, the loss log) and resumes from the last one, repeating the same draws.
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
        var parts = new CheckpointParts(target is null ? [("model", model)] : [("model", model), ("ema", target)],
                                        [new CheckpointOptimizer("opt", optimizer.StateDict, optimizer.LoadStateDict)]);
        var loop = new TrainingLoop
        {
            Steps = Options.Steps, BatchSize = Options.BatchSize, Terms = ["loss", "consistency", "guidance"], LogEvery = Options.LogEvery,
            CheckpointEvery = Options.CheckpointEvery, TimeBudget = Options.TimeBudget, Parts = parts, CheckpointPath = Options.CheckpointPath,
            Recipe = new Dictionary<string, string> { ["variant"] = Options.Variant, ["recipe"] = Recipe(Options) },
        };
        model.Train();
        using var generator = new Generator(Options.Seed);
        long n = images.Size(0);
        Tensor Step(int step)
        {
            generator.Seed(Options.Seed * 1_000_003UL + (ulong)step);
            var index = Torch.Randint(0, n, [Options.BatchSize], generator).To(device);
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
                var t = Torch.Randint(0, schedule.Steps, [Options.BatchSize], generator).To(device);
                var eps = Torch.Randn(x0.Shape, generator).To(device);
                var loss = CoDiLoss.Denoising(model, schedule, x0, condition, t, eps);
                loss.Backward();
                var zero = Torch.Zeros([], device: device);
                terms = Torch.Stack([loss.Detach(), zero, zero]);
            }
            optimizer.Step();
            optimizer.ZeroGrad();
            ema?.Update();
            return terms;
        }
        try
        {
            return loop.Run(Step, r => progress?.Report(new CoDiProgress(r.Step, r.TotalSteps, r.Means[0], r.Means[1], r.Means[2], r.ImagesPerSecond, r.Eta)
            {
                Restored = r.Restored,
            }), cancel).Steps;
        }
        finally
        {
            model.Eval();
        }
    }

    /// <summary>What, besides the variant, makes a run another run: resuming across it would mix two recipes in one model.</summary>
    private static string Recipe(CoDiOptions o) =>
        FormattableString.Invariant($"lr {o.LearningRate:R}, ema {o.EmaDecay:R}, batch {o.BatchSize}, weight decay {o.WeightDecay:R}, seed {o.Seed}");
}
