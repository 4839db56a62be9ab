using System.Text.Json.Nodes;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Distillation;
using RandCond.Experiments.Runs;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// One distillation run as the experiments do it: builds the student and its EMA from the teacher, distills on D and C,
/// resumes from its checkpoint under .cache/checkpoints (keyed by experiment, run name and teacher fingerprint), and records configuration, loss curves and the final step in the
/// run store. Returns the EMA student (the projections are dropped).
/// </summary>
public static class StudentDistillation
{
    public static (TextDiffusionModel Student, DistillationOutcome Outcome, long RunId) Run(string experiment, string name,
        TextDiffusionModel teacher, string teacherFingerprint, TeacherPreset preset, WordTokenizer tokenizer, DistillationData data, StudentSpec spec,
        DistillationOptions options, Device device, RunStore store, TextWriter log, JsonObject? extraConfig = null)
    {
        Torch.ManualSeed(options.Seed);
        using var student = new DistillationStudent(teacher, spec, device);
        var ema = new DistillationStudent(teacher, spec, device);
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
        if (extraConfig is not null) foreach (var (k, v) in extraConfig) config[k] = v?.DeepClone();
        long runId = store.StartRun(experiment, name, config);
        log.WriteLine($"{name}: {spec.Label}, {student.StudentUNetParameters / 1e6:F2} M U-Net parameters (teacher {teacher.UNet.ParameterCount / 1e6:F2} M), p(t) {options.Replacement.Name}, {options.Steps} steps of {options.BatchSize}");

        using var corpusTokens = data.TextCorpus.Encode(tokenizer, preset.MaxCaptionLength, device);
        using var nullTokens = tokenizer.NullTokens(1, preset.MaxCaptionLength, device);
        using var nullRow = nullTokens.Reshape(-1);
        using var schedule = preset.Schedule();
        // Keyed by the teacher's weights too: a run of the same name distilled from another teacher is another run.
        var checkpoint = RepoPaths.Cache("checkpoints", $"{experiment}-{name}-{teacherFingerprint[..12]}.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        var outcome = new RandomConditioningDistiller(options).Train(teacher, student, ema, schedule, data, corpusTokens, nullRow, checkpoint,
            new SynchronousProgress<DistillationProgress>(p =>
            {
                if (!p.Restored) log.WriteLine($"  {p}");
                store.LogMetrics(runId, p.Step, new Dictionary<string, double>
                {
                    ["loss"] = p.Total, ["loss_output"] = p.Output, ["loss_feature"] = p.Feature, ["loss_task"] = p.Task,
                    ["replaced_fraction"] = p.ReplacedFraction, ["images_per_second"] = p.ImagesPerSecond,
                });
            }));
        ema.Student.Eval();
        var result = ema.Student;
        ema.Projections.Dispose();
        return (result, outcome, runId);
    }
}
