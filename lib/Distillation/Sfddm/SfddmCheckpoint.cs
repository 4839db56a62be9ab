using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Distillation.Sfddm;

/// <summary>
/// The resumable state of a distillation in one safetensors file: the student ("model.*"), the optimizer's moments
/// ("opt.*"), and in metadata the step, T', the index list and the training recipe (a checkpoint of another T', list or
/// recipe is refused) and the progress reports so far (<see cref="StepLog.MetadataKey"/>).
/// No EMA: SFDDM uses none. Written atomically, so a killed run leaves the last complete one.
/// </summary>
public static class SfddmCheckpoint
{
    /// <summary>What, besides T' and the index list, makes a run another run: resuming across it would mix two recipes in one student.</summary>
    private static string Recipe(SfddmOptions o) => FormattableString.Invariant(
        $"lr {o.LearningRate:R}, warm-up {o.WarmupSteps}, {(o.CosineDecay ? $"cosine decay over {o.Steps} steps" : "constant rate")}, batch {o.BatchSize}, ") +
        FormattableString.Invariant($"null captions {o.NullCaptionProbability:R}, loss {o.OutputWeight:R} output + {o.FeatureWeight:R} {o.FeatureBlock}, seed {o.Seed}");

    public static void Save(string path, Module student, AdamW optimizer, int step, SfddmOptions options, StepLog log)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in student.StateDict()) tensors["model." + k] = v;
        var (opt, optMeta) = optimizer.StateDict();
        foreach (var (k, v) in opt) tensors["opt." + k] = v;
        var meta = new Dictionary<string, string>(optMeta)
        {
            ["training_step"] = step.ToString(CultureInfo.InvariantCulture),
            ["sfddm_student_steps"] = options.StudentSteps.ToString(CultureInfo.InvariantCulture),
            ["sfddm_index_list"] = SfddmSchedule.Name(options.IndexList),
            ["sfddm_recipe"] = Recipe(options),
        };
        foreach (var (k, v) in log.Metadata()) meta[k] = v;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Restores the student, the optimizer and the log's reports; returns the step the checkpoint was taken at.</summary>
    public static int Load(string path, Module student, AdamW optimizer, SfddmOptions options, StepLog log)
    {
        using var contents = Safetensors.Load(path, student.Parameters().First().Data.Device);
        var meta = contents.Metadata;
        string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: SFDDM checkpoint metadata has no '{key}'");
        if (Need("sfddm_student_steps") != options.StudentSteps.ToString(CultureInfo.InvariantCulture) ||
            Need("sfddm_index_list") != SfddmSchedule.Name(options.IndexList))
            throw new InvalidDataException($"{path}: checkpoint of a student with T' = {meta["sfddm_student_steps"]} ({meta["sfddm_index_list"]}), " +
                                           $"but this run distills T' = {options.StudentSteps} ({SfddmSchedule.Name(options.IndexList)}); delete it or choose another checkpoint path");
        if (!meta.TryGetValue("sfddm_recipe", out var recipe))
            throw new InvalidDataException($"{path}: SFDDM checkpoint of an older format (no training recipe recorded); delete it to start this run afresh");
        if (recipe != Recipe(options))
            throw new InvalidDataException($"{path}: checkpoint trained with {recipe}, but this run uses {Recipe(options)}; delete it or choose another checkpoint path");
        Dictionary<string, Tensor> Part(string prefix) => contents.Tensors
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        student.LoadStateDict(Part("model."));
        optimizer.LoadStateDict(Part("opt."), meta);
        if (!int.TryParse(Need("training_step"), CultureInfo.InvariantCulture, out var step))
            throw new InvalidDataException($"{path}: checkpoint metadata 'training_step' is not an integer");
        log.Restore(meta, path, terms: 3);   // loss, output, feature
        return step;
    }
}
