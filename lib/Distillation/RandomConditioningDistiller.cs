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
        using var run = Start(teacher, student, ema, schedule, data, corpusTokens, nullTokens, checkpointPath, progress, cancel);
        while (run.Advance()) { }
        return run.Outcome;
    }

    /// <summary>Any samples and conditions: D's samples with their own conditions, and the pool C (whose device is the training device).</summary>
    /// <returns>Every progress report of this call (the run's metrics over steps) and the step reached.</returns>
    public DistillationOutcome Train(INoisePredictor teacher, StudentModel student, StudentModel ema,
        NoiseSchedule schedule, DistillationInputs inputs, string? checkpointPath,
        IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default)
    {
        using var run = new DistillationRun(Options, teacher, student, ema, new DistillationBatches(inputs, schedule, Options), checkpointPath, progress, cancel);
        while (run.Advance()) { }
        return run.Outcome;
    }

    /// <summary>
    /// The run of <see cref="Train(INoisePredictor, StudentModel, StudentModel, NoiseSchedule, DistillationData, Tensor, Tensor, string?, IProgress{DistillationProgress}?, CancellationToken)"/>
    /// as a cursor, a step per <see cref="DistillationRun.Advance"/>: several students' runs can then be stepped together
    /// (<see cref="Training.Lockstep"/>). Resumes from the checkpoint now.
    /// </summary>
    public DistillationRun Start(INoisePredictor teacher, StudentModel student, StudentModel ema,
        NoiseSchedule schedule, DistillationData data, Tensor corpusTokens, Tensor nullTokens, string? checkpointPath,
        IProgress<DistillationProgress>? progress = null, CancellationToken cancel = default) =>
        new(Options, teacher, student, ema, new DistillationBatches(data, schedule, corpusTokens, nullTokens, Options), checkpointPath, progress, cancel);
}

/// <summary>
/// One student's distillation a step at a time (<see cref="RandomConditioningDistiller.Start"/>): owns its batches, its
/// step (and the step's CUDA graph) and its <see cref="TrainingRun"/>.
/// </summary>
public sealed class DistillationRun : ITrainingCursor
{
    private readonly DistillationOptions options;
    private readonly DistillationBatches batches;
    private readonly DistillationStep stepper;
    private readonly GraphedDistillationStep? graphed;
    private readonly TrainingRun run;

    /// <param name="batches">owned from here on</param>
    internal DistillationRun(DistillationOptions options, INoisePredictor teacher, StudentModel student, StudentModel ema, DistillationBatches batches,
        string? checkpointPath, IProgress<DistillationProgress>? progress, CancellationToken cancel)
    {
        this.options = options;
        this.batches = batches;
        try
        {
            var device = batches.Device;
            if (options.CudaGraph && !device.IsCuda) throw new ArgumentException($"DistillationOptions.CudaGraph needs a CUDA device; this run is on {device}");
            if (options.FusedNorms && !device.IsCuda) throw new ArgumentException($"DistillationOptions.FusedNorms: the fused normalization kernels run on CUDA only; this run is on {device}");
            stepper = new DistillationStep(teacher, student, ema, options);
            graphed = options.CudaGraph ? new GraphedDistillationStep(stepper) : null;
            var loop = new TrainingLoop
            {
                Steps = options.Steps, BatchSize = options.BatchSize, Terms = ["total", "output", "feature", "task", "replaced"],
                LogEvery = options.LogEvery, CheckpointEvery = options.CheckpointEvery, TimeBudget = options.TimeBudget,
                LearningRates = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.CosineDecay),
                Parts = new([("model", student), ("ema", ema)], [CheckpointOptimizer.Of("opt", stepper.Optimizer)]),
                CheckpointPath = checkpointPath,
                Recipe = new Dictionary<string, string> { ["student"] = student.Label, ["replacement"] = options.Replacement.Name },
            };
            (teacher as Module)?.Eval();
            student.Train();
            run = loop.Start(Step, r => progress?.Report(Progress(r)), cancel);
        }
        catch
        {
            graphed?.Dispose();
            stepper?.Dispose();
            batches.Dispose();
            throw;
        }
    }

    public bool Finished => run.Finished;

    /// <summary>The step reached and every progress report so far, those restored from the checkpoint included.</summary>
    public DistillationOutcome Outcome
    {
        get
        {
            var outcome = run.Outcome;
            return new DistillationOutcome(outcome.Steps, outcome.Reports.Select(Progress).ToList());
        }
    }

    /// <summary>Runs the next step (on the fused norm kernels when the options ask); false once the run is finished.</summary>
    public bool Advance()
    {
        using var norms = options.FusedNorms ? F.UseNormTraining(NormTrainingPath.FusedKernels) : null;
        return run.Advance();
    }

    private Tensor Step(int step)
    {
        var batch = batches.Draw(step, options.BatchSize);
        var terms = graphed?.Run(batch.Xt, batch.T, batch.Conditions, step, batch.Noise, batch.Kept)
                    ?? stepper.Run(batch.Xt, batch.T, batch.Conditions, step, batch.Noise, batch.Kept);
        return Torch.Stack([terms.Total.Detach(), terms.Output.Detach(), terms.Feature.Detach(), terms.Task.Detach(),
                            batch.Drawn.Replaced.To(DType.Float32).Mean()]);
    }

    private static DistillationProgress Progress(TrainingReport r) =>
        new(r.Step, r.TotalSteps, r.Means[0], r.Means[1], r.Means[2], r.Means[3], r.Means[4], r.ImagesPerSecond, r.Eta) { Restored = r.Restored };

    public void Dispose()
    {
        run.Dispose();
        graphed?.Dispose();
        stepper.Dispose();
        batches.Dispose();
    }
}
