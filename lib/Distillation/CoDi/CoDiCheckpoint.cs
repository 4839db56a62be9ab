using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Training;

namespace RandCond.Distillation.CoDi;

/// <summary>
/// The resumable state of a CoDi run in one safetensors file: the model ("model.*"), its EMA target ("ema.*", distillation
/// only), the optimizer groups' moments ("opt.GROUP.*"), and in metadata the step, the variant and the format (a checkpoint
/// of another variant or format is refused) and the progress reports so far (<see cref="StepLog.MetadataKey"/>). Written
/// atomically by <see cref="Safetensors.Save"/>.
/// </summary>
public static class CoDiCheckpoint
{
    /// <summary>3: the training recipe is recorded (2: one optimizer per parameter group; 1: a single optimizer and no format key).</summary>
    private const string Format = "3";

    /// <summary>What, besides the variant, makes a run another run: resuming across it would mix two recipes in one model.</summary>
    private static string Recipe(CoDiOptions o) =>
        FormattableString.Invariant($"lr {o.LearningRate:R}, ema {o.EmaDecay:R}, batch {o.BatchSize}, weight decay {o.WeightDecay:R}, seed {o.Seed}");

    public static void Save(string path, CoDiModel model, CoDiModel? ema, CoDiOptimizer optimizer, int step, CoDiOptions options, StepLog log)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in model.StateDict()) tensors["model." + k] = v;
        if (ema is not null)
            foreach (var (k, v) in ema.StateDict()) tensors["ema." + k] = v;
        var (opt, optMeta) = optimizer.StateDict();
        foreach (var (k, v) in opt) tensors["opt." + k] = v;
        var meta = optMeta.ToDictionary(kv => "opt." + kv.Key, kv => kv.Value);
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["training_step"] = step.ToString(CultureInfo.InvariantCulture),
            ["codi_variant"] = options.Variant,
            ["codi_recipe"] = Recipe(options),
            ["codi_checkpoint_format"] = Format,
        }.Concat(log.Metadata())) meta[k] = v;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Restores the model, the EMA target, the optimizer and the log's reports; returns the step the checkpoint was taken at.</summary>
    public static int Load(string path, CoDiModel model, CoDiModel? ema, CoDiOptimizer optimizer, CoDiOptions options, StepLog log)
    {
        using var contents = Safetensors.Load(path, model.Mu.Data.Device);
        var meta = contents.Metadata;
        string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: CoDi checkpoint metadata has no '{key}'");
        if (!meta.TryGetValue("codi_checkpoint_format", out var format) || format != Format)
            throw new InvalidDataException($"{path}: CoDi checkpoint of an older format (format {format ?? "1"}, this build reads {Format}); delete it to start this run afresh");
        if (Need("codi_variant") != options.Variant)
            throw new InvalidDataException($"{path}: checkpoint of the CoDi variant '{meta["codi_variant"]}', but this run trains '{options.Variant}'; delete it or choose another checkpoint path");
        if (Need("codi_recipe") != Recipe(options))
            throw new InvalidDataException($"{path}: checkpoint trained with {meta["codi_recipe"]}, but this run uses {Recipe(options)}; delete it or choose another checkpoint path");
        Dictionary<string, Tensor> Part(string prefix) => contents.Tensors
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        model.LoadStateDict(Part("model."));
        ema?.LoadStateDict(Part("ema."));
        optimizer.LoadStateDict(Part("opt."), meta.Where(kv => kv.Key.StartsWith("opt.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[4..], kv => kv.Value));
        if (!int.TryParse(Need("training_step"), CultureInfo.InvariantCulture, out var step))
            throw new InvalidDataException($"{path}: checkpoint metadata 'training_step' is not an integer");
        log.Restore(meta, path, terms: 3);   // loss, consistency, guidance
        return step;
    }
}
