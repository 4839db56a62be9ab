using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Training;

/// <summary>What a training checkpoint holds: named modules (student, EMA, adapter …) and named optimizers.</summary>
public sealed record CheckpointParts(IReadOnlyList<(string Name, Module Module)> Modules, IReadOnlyList<CheckpointOptimizer> Optimizers)
{
    public IEnumerable<string> Names => Modules.Select(m => m.Name).Concat(Optimizers.Select(o => o.Name));
}

/// <summary>
/// The resumable state of any training run in one safetensors file: each module's tensors as "NAME.key", each optimizer's
/// as "NAME.key" (its metadata likewise), and in metadata the format, the step, the module and optimizer names, the loss log
/// (<see cref="StepLog.Metadata"/>, so a resumed run restores its curve) and the run's recipe, string entries that must be
/// equal for a run to resume the checkpoint. Written atomically (<see cref="Safetensors.Save"/>: temporary file, then rename).
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>2: one format for every method (named modules and optimizers, recipe entries); files of format 1 had none of these keys.</summary>
    public const int Format = 2;

    public const string FormatKey = "checkpoint_format";
    public const string StepKey = "training_step";
    public const string ModulesKey = "checkpoint_modules";
    public const string OptimizersKey = "checkpoint_optimizers";

    /// <summary>The file name of a checkpoint: the format is part of it, so a cache of an older format is never read as this one.</summary>
    public static string FileName(string stem) => $"{stem}.ckpt{Format}.safetensors";

    public static void Save(string path, CheckpointParts parts, int step, IReadOnlyDictionary<string, string> metadata)
    {
        CheckNames(parts);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = Format.ToString(CultureInfo.InvariantCulture),
            [StepKey] = step.ToString(CultureInfo.InvariantCulture),
            [ModulesKey] = string.Join(",", parts.Modules.Select(m => m.Name)),
            [OptimizersKey] = string.Join(",", parts.Optimizers.Select(o => o.Name)),
        };
        foreach (var (name, module) in parts.Modules)
            foreach (var (k, v) in module.StateDict()) tensors[$"{name}.{k}"] = v;
        foreach (var optimizer in parts.Optimizers)
        {
            var (state, optimizerMeta) = optimizer.StateDict();
            foreach (var (k, v) in state) tensors[$"{optimizer.Name}.{k}"] = v;
            foreach (var (k, v) in optimizerMeta) meta[$"{optimizer.Name}.{k}"] = v;
        }
        foreach (var (k, v) in metadata)
            if (!meta.TryAdd(k, v)) throw new ArgumentException($"TrainingCheckpoint.Save: metadata key '{k}' is the checkpoint's own", nameof(metadata));
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Restores every module and optimizer of <paramref name="parts"/> from the checkpoint at <paramref name="path"/> and
    /// returns its step and metadata. Refused, with an <see cref="InvalidDataException"/> naming the file and what differs,
    /// before anything is loaded: a file that is not a readable checkpoint of this format, a recipe entry of
    /// <paramref name="recipe"/> that the checkpoint lacks or records otherwise, other module or optimizer names, a tensor
    /// missing, unexpected or of another shape.
    /// </summary>
    public static (int Step, IReadOnlyDictionary<string, string> Metadata) Load(string path, CheckpointParts parts, IReadOnlyDictionary<string, string> recipe)
    {
        CheckNames(parts);
        var device = parts.Modules.SelectMany(m => m.Module.Parameters()).Select(p => (Device?)p.Data.Device).FirstOrDefault() ?? Device.CPU;
        Safetensors.Contents contents;
        try { contents = Safetensors.Load(path, device); }
        catch (SafetensorsFormatException e) { throw new InvalidDataException($"{path}: not a readable checkpoint ({e.Problem}); delete it to train afresh", e); }
        using var _ = contents;
        var meta = contents.Metadata;
        InvalidDataException Bad(string why) => new($"{path}: {why}");
        if (!meta.TryGetValue(FormatKey, out var format) || format != Format.ToString(CultureInfo.InvariantCulture))
            throw Bad($"checkpoint of {(format is null ? "an older format (no '" + FormatKey + "')" : "format " + format)}, this build reads format {Format}; delete it to train afresh");
        foreach (var (key, value) in recipe)
            if (!meta.TryGetValue(key, out var saved) || saved != value)
                throw Bad($"checkpoint of another training recipe: its {key} is {(saved is null ? "not recorded" : $"'{saved}'")}, this run's is '{value}'; " +
                          "delete it or choose another checkpoint path");
        CheckList(ModulesKey, "modules", parts.Modules.Select(m => m.Name));
        CheckList(OptimizersKey, "optimizers", parts.Optimizers.Select(o => o.Name));
        var problems = new List<string>();
        foreach (var (name, module) in parts.Modules)
        {
            var own = module.StateDict();
            var part = Part(name);
            problems.AddRange(own.Keys.Where(k => !part.ContainsKey(k)).Select(k => $"'{name}.{k}' is missing"));
            problems.AddRange(part.Keys.Where(k => !own.ContainsKey(k)).Select(k => $"'{name}.{k}' is not in this run's {name}"));
            foreach (var (k, target) in own)
                if (part.TryGetValue(k, out var source) && !source.Shape.SequenceEqual(target.Shape))
                    problems.Add($"'{name}.{k}' has shape [{string.Join(", ", source.Shape)}], this run's [{string.Join(", ", target.Shape)}]");
        }
        if (problems.Count > 0)
            throw Bad($"checkpoint of another model ({problems.Count} tensor(s) differ: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? "; …" : "")}); " +
                      "delete it or choose another checkpoint path");
        foreach (var (name, module) in parts.Modules) module.LoadStateDict(Part(name));
        foreach (var optimizer in parts.Optimizers)
        {
            var prefix = optimizer.Name + ".";
            try
            {
                optimizer.LoadStateDict(Part(optimizer.Name), meta.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                                                                   .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value));
            }
            catch (ArgumentException e)
            {
                throw Bad($"optimizer '{optimizer.Name}' does not match the checkpoint's ({e.Message}); delete it or choose another checkpoint path");
            }
        }
        if (!meta.TryGetValue(StepKey, out var s) || !int.TryParse(s, CultureInfo.InvariantCulture, out var step) || step < 0)
            throw Bad($"checkpoint metadata '{StepKey}' is not a step count");
        return (step, meta);

        Dictionary<string, Tensor> Part(string name) => contents.Tensors
            .Where(kv => kv.Key.StartsWith(name + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(name.Length + 1)..], kv => kv.Value);

        void CheckList(string key, string what, IEnumerable<string> expected)
        {
            var mine = string.Join(",", expected);
            if (!meta.TryGetValue(key, out var saved) || saved != mine)
                throw Bad($"checkpoint holds the {what} [{saved}], this run's are [{mine}]; delete it or choose another checkpoint path");
        }
    }

    private static void CheckNames(CheckpointParts parts)
    {
        var names = parts.Names.ToList();
        foreach (var name in names)
            if (name.Length == 0 || name.Contains('.') || name.Contains(','))
                throw new ArgumentException($"TrainingCheckpoint: part name '{name}' must be non-empty, without '.' or ','", nameof(parts));
        var twice = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"TrainingCheckpoint: part name '{twice.Key}' is given twice", nameof(parts));
    }
}
