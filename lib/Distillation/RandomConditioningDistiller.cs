using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Distillation;

/// <summary>
/// Distills a frozen conditional teacher into a student on a set D of clean samples and a condition pool C. Each step
/// draws samples of D and t uniformly, noises the samples, picks each sample's condition with the
/// <see cref="ConditionSampler"/> (D's own condition, or with probability p(t) a random one of C; then null-condition
/// dropout), and regresses the student's noise prediction and matched features onto the teacher's under that condition
/// (<see cref="DistillationStep"/>). AdamW with linear warm-up, gradient clipping and an EMA copy (with its decay warmed
/// up, see <see cref="Ema.Update(int)"/>); checkpoints every CheckpointEvery steps and resumes from the last one. The
/// teacher is any <see cref="INoisePredictor"/> (a text-conditioned U-Net, the closed-form toy predictor), the student
/// any <see cref="StudentModel"/>; the conditions are whatever both read (caption tokens, class ids).
/// </summary>
public sealed class RandomConditioningDistiller(DistillationOptions options)
{
    public DistillationOptions Options { get; } = options;

    /// <summary>Images with captions: D and C of <paramref name="data"/>, C's captions as the teacher's tokens.</summary>
    /// <param name="corpusTokens">Int64 (|C|, L): C's captions tokenized with the teacher's tokenizer, on the training device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    /// <returns>Every progress report of this call (the run's metrics over steps) and the step reached.</returns>
    public DistillationOutcome Train(INoisePredictor teacher, StudentModel student, StudentModel ema,
        NoiseSchedule schedule, DistillationData data, Tensor corpusTokens, Tensor nullTokens, string? checkpointPath,
        IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default)
    {
        using var batches = new DistillationBatches(data, schedule, corpusTokens, nullTokens, Options);
        return Train(teacher, student, ema, batches, checkpointPath, progress, cancel);
    }

    /// <summary>Any samples and conditions: D's samples with their own conditions, and the pool C (whose device is the training device).</summary>
    /// <returns>Every progress report of this call (the run's metrics over steps) and the step reached.</returns>
    public DistillationOutcome Train(INoisePredictor teacher, StudentModel student, StudentModel ema,
        NoiseSchedule schedule, DistillationInputs inputs, string? checkpointPath,
        IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default)
    {
        using var batches = new DistillationBatches(inputs, schedule, Options);
        return Train(teacher, student, ema, batches, checkpointPath, progress, cancel);
    }

    private DistillationOutcome Train(INoisePredictor teacher, StudentModel student, StudentModel ema, DistillationBatches batches,
        string? checkpointPath, IProgress<DistillationProgress>? progress, CancellationToken cancel)
    {
        var device = batches.Device;
        if (Options.CudaGraph && !device.IsCuda) throw new ArgumentException($"DistillationOptions.CudaGraph needs a CUDA device; this run is on {device}");
        if (Options.FusedNorms && !device.IsCuda) throw new ArgumentException($"DistillationOptions.FusedNorms: the fused normalization kernels run on CUDA only; this run is on {device}");
        using var norms = Options.FusedNorms ? F.UseNormTraining(NormTrainingPath.FusedKernels) : null;
        using var stepper = new DistillationStep(teacher, student, ema, Options);
        using var graphed = Options.CudaGraph ? new GraphedDistillationStep(stepper) : null;
        var loop = new TrainingLoop
        {
            Steps = Options.Steps, BatchSize = Options.BatchSize, Terms = ["total", "output", "feature", "task", "replaced"],
            LogEvery = Options.LogEvery, CheckpointEvery = Options.CheckpointEvery, TimeBudget = Options.TimeBudget,
            LearningRates = new LearningRateSchedule(Options.LearningRate, Options.WarmupSteps, Options.CosineDecay),
            Parts = new([("model", student), ("ema", ema)], [CheckpointOptimizer.Of("opt", stepper.Optimizer)]),
            CheckpointPath = checkpointPath,
            Recipe = new Dictionary<string, string> { ["student"] = student.Label, ["replacement"] = Options.Replacement.Name },
        };
        (teacher as Module)?.Eval();
        student.Train();
        Tensor Step(int step)
        {
            var batch = batches.Draw(step, Options.BatchSize);
            var terms = graphed?.Run(batch.Xt, batch.T, batch.Conditions, step, batch.Noise, batch.Kept)
                        ?? stepper.Run(batch.Xt, batch.T, batch.Conditions, step, batch.Noise, batch.Kept);
            return Torch.Stack([terms.Total.Detach(), terms.Output.Detach(), terms.Feature.Detach(), terms.Task.Detach(),
                                batch.Drawn.Replaced.To(DType.Float32).Mean()]);
        }
        var outcome = loop.Run(Step, r => progress?.Report(Progress(r)), cancel);
        return new DistillationOutcome(outcome.Steps, outcome.Reports.Select(Progress).ToList());
    }

    private static DistillationProgress Progress(TrainingReport r) =>
        new(r.Step, r.TotalSteps, r.Means[0], r.Means[1], r.Means[2], r.Means[3], r.Means[4], r.ImagesPerSecond, r.Eta) { Restored = r.Restored };
}
