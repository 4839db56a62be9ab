using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Distillation.Sfddm;

/// <summary>
/// SFDDM (Hong et al. 2024): distils a T-step teacher into a T'-step student of the same architecture in one fold.
/// Each step draws real images with one caption each (by class, null caption with probability
/// NullCaptionProbability), the student's step t' uniformly in [0, T') and shared noise, and minimises
/// <see cref="SfddmLoss"/> with Adam (no weight decay, no EMA). The student's time embedding sees t', the teacher's
/// index(t'). Run by a <see cref="TrainingLoop"/>: checkpoints every CheckpointEvery steps (the student, Adam's moments, the
/// loss log) and resumes from the last one, repeating the same draws.
/// With <see cref="SfddmOptions.CudaGraph"/> the loss, backward and Adam update of a step are replayed as a CUDA graph
/// (<see cref="GraphedFunction"/>) after three eager steps; the batch is still drawn eagerly, as without.
/// </summary>
public sealed class SfddmDistiller
{
    public SfddmDistiller(SfddmOptions options)
    {
        options.Validate();
        Options = options;
    }

    public SfddmOptions Options { get; }

    /// <summary>The student's schedule for a teacher schedule (dispose it when done).</summary>
    public NoiseSchedule StudentSchedule(NoiseSchedule teacher) => SfddmSchedule.Student(teacher, Options.StudentSteps, Options.IndexList);

    /// <param name="teacher">frozen; put in eval mode and never updated</param>
    /// <param name="student">the teacher's architecture, on the same device; trained in place</param>
    /// <param name="images">(N, C, H, W) in [-1, 1], on the training device</param>
    /// <param name="labels">Int64 (N) class of each image</param>
    /// <param name="captionTokens">Int64 (captions, L): the corpus's captions, tokenized, on the device</param>
    /// <param name="nullTokens">Int64 (L): the null caption</param>
    /// <returns>The number of steps completed (less than Options.Steps when the time budget ran out).</returns>
    public int Distill(TextDiffusionModel teacher, TextDiffusionModel student, NoiseSchedule teacherSchedule, Tensor images, Tensor labels,
                       CaptionCorpus corpus, Tensor captionTokens, Tensor nullTokens,
                       IProgress<SfddmProgress>? progress = null, CancellationToken cancel = default)
    {
        if (images.Size(0) != labels.Size(0))
            throw new ArgumentException($"SfddmDistiller: {images.Size(0)} images but {labels.Size(0)} labels");
        var device = images.Device;
        if (Options.CudaGraph && !device.IsCuda) throw new ArgumentException($"SfddmOptions.CudaGraph needs a CUDA device; this run is on {device}");
        using var schedule = StudentSchedule(teacherSchedule);
        using var optimizer = new AdamW(student, lr: Options.LearningRate, weightDecay: 0, capturable: Options.CudaGraph);
        Tensor[] Update(Tensor[] batchTensors)
        {
            var loss = SfddmLoss.Compute(student, teacher, schedule, batchTensors[0], batchTensors[1], batchTensors[2], batchTensors[3],
                                         Options.FeatureBlock, Options.OutputWeight, Options.FeatureWeight);
            loss.Total.Backward();
            optimizer.Step();
            optimizer.ZeroGrad();
            return [loss.Total.Detach(), loss.Output.Detach(), loss.Feature.Detach()];
        }
        using var graphed = Options.CudaGraph ? new GraphedFunction(Update, warmupCalls: 3) : null;
        int batch = Options.BatchSize;
        var loop = new TrainingLoop
        {
            Steps = Options.Steps, BatchSize = batch, Terms = ["loss", "output", "feature"], LogEvery = Options.LogEvery,
            CheckpointEvery = Options.CheckpointEvery, TimeBudget = Options.TimeBudget,
            LearningRates = new LearningRateSchedule(Options.LearningRate, Options.WarmupSteps, Options.CosineDecay),
            Parts = new([("model", student)], [CheckpointOptimizer.Of("opt", optimizer)]),   // no EMA: SFDDM uses none
            CheckpointPath = Options.CheckpointPath,
            Recipe = new Dictionary<string, string>
            {
                ["student_steps"] = FormattableString.Invariant($"T' = {Options.StudentSteps} ({SfddmSchedule.Name(Options.IndexList)})"),
                ["recipe"] = Recipe(Options),
            },
        };
        teacher.Eval();
        student.Train();
        using var generator = new Generator(Options.Seed);
        using var nullRow = nullTokens.Reshape(1, -1);
        long n = images.Size(0);
        Tensor Step(int step)
        {
            generator.Seed(Options.Seed * 1_000_003UL + (ulong)step);
            var index = Torch.Randint(0, n, [batch], generator).To(device);
            var x0 = images.IndexSelect(0, index);
            var y = labels.IndexSelect(0, index);
            var tokens = captionTokens.IndexSelect(0, corpus.SampleForLabels(y, generator));
            var drop = (Torch.Rand([batch], generator).To(device) < Options.NullCaptionProbability).Unsqueeze(1);
            tokens = nullRow.ExpandAs(tokens).Where(drop, tokens);
            var t = Torch.Randint(0, Options.StudentSteps, [batch], generator).To(device);
            var eps = Torch.Randn(x0.Shape, generator).To(device);
            Tensor[] batchTensors = [x0, t, eps, tokens];
            return Torch.Stack(graphed?.Run(batchTensors) ?? Update(batchTensors));
        }
        return loop.Run(Step, r => progress?.Report(new SfddmProgress(r.Step, r.TotalSteps, r.Means[0], r.Means[1], r.Means[2], r.ImagesPerSecond, r.Eta)
        {
            Restored = r.Restored,
        }), cancel).Steps;
    }

    /// <summary>What, besides T' and the index list, makes a run another run: resuming across it would mix two recipes in one student.</summary>
    private static string Recipe(SfddmOptions o) => FormattableString.Invariant(
        $"lr {o.LearningRate:R}, warm-up {o.WarmupSteps}, {(o.CosineDecay ? $"cosine decay over {o.Steps} steps" : "constant rate")}, batch {o.BatchSize}, ") +
        FormattableString.Invariant($"null captions {o.NullCaptionProbability:R}, loss {o.OutputWeight:R} output + {o.FeatureWeight:R} {o.FeatureBlock}, seed {o.Seed}");
}
