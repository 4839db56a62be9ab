using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.UNet;
using RandCond.Distillation;
using RandCond.Experiments.Runs;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Experiments;

/// <summary>
/// One distillation run as the experiments do it: builds the student and its EMA from the teacher, distills on D and C,
/// resumes from its checkpoint under .cache/checkpoints (keyed by experiment, run name and the hash of its whole
/// <see cref="Recipe"/>, so another learning rate, batch, D or teacher is another checkpoint), and records configuration, loss curves and the final step in the
/// run store. Returns the EMA student (the projections are dropped). Each progress report (losses, replaced fraction,
/// images/s, ETA) goes to <c>progress</c> when one is given (a <see cref="ProgressLine"/> in a notebook), else as a line to the log.
/// </summary>
public static class StudentDistillation
{
    public static (TextDiffusionModel Student, DistillationOutcome Outcome, long RunId) Run(string experiment, string name,
        TeacherPipeline pipeline, DistillationData data, StudentSpec spec, DistillationOptions options, Device device, RunStore store, TextWriter log,
        JsonObject? extraConfig = null, IProgress<IProgressReport>? progress = null)
    {
        using var run = Start(experiment, name, pipeline, data, spec, options, device, store, log, extraConfig, progress);
        while (run.Advance()) { }
        return run.Finish();
    }

    /// <summary>
    /// The run of <see cref="Run"/> up to its first step: the student built, the run recorded in the store, the checkpoint
    /// resumed. Step it (<see cref="StudentDistillationRun.Advance"/>, or with other students' runs through
    /// <see cref="Lockstep"/>), then <see cref="StudentDistillationRun.Finish"/>. <paramref name="namedLines"/>: the log's
    /// progress lines start with the run's name (when several runs write to one log).
    /// </summary>
    public static StudentDistillationRun Start(string experiment, string name,
        TeacherPipeline pipeline, DistillationData data, StudentSpec spec, DistillationOptions options, Device device, RunStore store, TextWriter log,
        JsonObject? extraConfig = null, IProgress<IProgressReport>? progress = null, bool namedLines = false)
    {
        var (teacher, preset, teacherFingerprint) = (pipeline.Model, pipeline.Config, pipeline.Fingerprint);
        var owned = new List<IDisposable>();
        try
        {
            var student = Own(owned, NewStudent(teacher, spec, options, device));
            var ema = Own(owned, new DistillationStudent(teacher, spec, device));
            var config = new JsonObject
            {
                ["student"] = spec.Label,
                ["student_unet_parameters"] = student.StudentUNetParameters,
                ["teacher_unet_parameters"] = teacher.UNet.ParameterCount,
                ["student_macs"] = student.Student.UNet.Macs(28, 28, preset.MaxCaptionLength).Total,
                ["teacher_macs"] = teacher.UNet.Macs(28, 28, preset.MaxCaptionLength).Total,
                ["replacement"] = options.Replacement.Name,
                ["replacement_mean"] = options.Replacement.Mean(TeacherPreset.TimeSteps),
                ["steps"] = options.Steps,
                ["batch_size"] = options.BatchSize,
                ["learning_rate"] = options.LearningRate,
                ["weights"] = $"output {options.Weights.Output}, feature {options.Weights.Feature}, task {options.Weights.Task}",
                ["image_set_size"] = data.Images.Count,
                ["text_corpus_size"] = data.TextCorpus.Count,
                ["feature_pairs"] = string.Join(", ", student.Pairs.Select(p => p.Student)),
                ["projections"] = student.Projections.Count,
                ["copied_from_teacher"] = student.CopyReport?.ToString() ?? "none (random init)",
                ["device"] = RunRecord.DeviceName(device),
                ["git_commit"] = RunRecord.Commit(),
            };
            var recipe = Recipe(teacherFingerprint, data, spec, teacher.UNet.Config, options, TeacherPreset.TimeSteps);
            config["recipe_hash"] = recipe.Hash();
            if (extraConfig is not null) foreach (var (k, v) in extraConfig) config[k] = v?.DeepClone();
            long runId = store.StartRun(experiment, name, config);
            log.WriteLine($"{name}: {spec.Label}, {student.StudentUNetParameters / 1e6:F2} M U-Net parameters (teacher {teacher.UNet.ParameterCount / 1e6:F2} M), p(t) {options.Replacement.Name}, {options.Steps} steps of {options.BatchSize}");

            var corpusTokens = Own(owned, pipeline.Encode(data.TextCorpus, device));
            var nullTokens = Own(owned, pipeline.NullTokens(1, device));
            var nullRow = Own(owned, nullTokens.Reshape(-1));
            var schedule = Own(owned, pipeline.Schedule());
            var checkpoint = CheckpointPath(experiment, name, recipe);
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            string prefix = namedLines ? $"  {name} " : "  ";
            var cursor = Own(owned, new RandomConditioningDistiller(options).Start(teacher, student, ema, schedule, data, corpusTokens, nullRow, checkpoint,
                new SynchronousProgress<DistillationProgress>(p =>
                {
                    if (progress is not null) progress.Report(p);
                    else if (!p.Restored) log.WriteLine($"{prefix}{p}");
                    store.LogMetrics(runId, p.Step, new Dictionary<string, double>
                    {
                        ["loss"] = p.Total, ["loss_output"] = p.Output, ["loss_feature"] = p.Feature, ["loss_task"] = p.Task,
                        ["replaced_fraction"] = p.ReplacedFraction, ["images_per_second"] = p.ImagesPerSecond,
                    });
                })));
            return new StudentDistillationRun(name, options, log, runId, student, ema, cursor, owned);
        }
        catch
        {
            for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
            throw;
        }
    }

    private static T Own<T>(List<IDisposable> owned, T item) where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    /// <summary>
    /// Everything that changes the student's trained weights: the teacher's weights, the student's architecture and
    /// initialization, the options (learning rate, batch, steps, schedule, p(t), loss weights, seed, precision; not the log
    /// and checkpoint intervals, the time budget or the teacher's stream, which change no value), p(t)'s values, D (images
    /// and captions) and C.
    /// </summary>
    public static RecipeKey Recipe(string teacherFingerprint, DistillationData data, StudentSpec spec, UNetConfig teacherUNet,
                                   DistillationOptions options, int timeSteps)
    {
        static string Captions(CaptionCorpus corpus) => string.Join("\n", corpus.Entries.Select(e => $"{e.Label}\t{e.Caption}"));
        return new RecipeKey()
            .Add("teacher", teacherFingerprint)
            .Add("student", spec.Label)
            .AddJson("student_unet", spec.ConfigFor(teacherUNet))
            .AddJson("options", options with { TimeBudget = null, LogEvery = 1, CheckpointEvery = 1, OverlappedTeacher = false })
            .AddNumbers("replacement_probability", Enumerable.Range(0, timeSteps).Select(t => options.Replacement.At(t, timeSteps)))
            .AddTensor("image_set", data.Images.Images)
            .AddTensor("image_set_captions", data.Images.CaptionIndices)
            .Add("image_set_caption_corpus", Captions(data.Images.Captions))
            .Add("text_corpus", Captions(data.TextCorpus));
    }

    /// <summary>Where a run's resumable state lives: .cache/checkpoints/EXPERIMENT-NAME-RECIPEHASH.ckptN.safetensors (N: <see cref="TrainingCheckpoint.Format"/>).</summary>
    public static string CheckpointPath(string experiment, string name, RecipeKey recipe) =>
        RepoPaths.Cache("checkpoints", TrainingCheckpoint.FileName($"{experiment}-{name}-{recipe.Hash()}"));

    /// <summary>The student as a run of these options starts: built from the teacher (copied or random, per the spec) under the options' seed.</summary>
    public static DistillationStudent NewStudent(TextDiffusionModel teacher, StudentSpec spec, DistillationOptions options, Device device)
    {
        Torch.ManualSeed(options.Seed);
        return new DistillationStudent(teacher, spec, device);
    }
}
