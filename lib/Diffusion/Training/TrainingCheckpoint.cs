using System.Globalization;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Diffusion.Training;

/// <summary>
/// A resumable training state in one safetensors file: the model ("model.*"), its EMA ("ema.*"), the AdamW
/// moments ("opt.*") and the step in metadata. Written atomically, so a killed run leaves the last complete one.
/// </summary>
public static class TrainingCheckpoint
{
    public static void Save(string path, Module model, Module ema, AdamW optimizer, int step, IReadOnlyDictionary<string, string>? extra = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in model.StateDict()) tensors["model." + k] = v;
        foreach (var (k, v) in ema.StateDict()) tensors["ema." + k] = v;
        var (opt, optMeta) = optimizer.StateDict();
        foreach (var (k, v) in opt) tensors["opt." + k] = v;
        var meta = new Dictionary<string, string>(optMeta) { ["training_step"] = step.ToString(CultureInfo.InvariantCulture) };
        if (extra is not null) foreach (var (k, v) in extra) meta[k] = v;
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Restores model, EMA and optimizer; returns the step the checkpoint was taken at.</summary>
    public static int Load(string path, Module model, Module ema, AdamW optimizer) => Load(path, model, ema, optimizer, out _);

    /// <summary>As <see cref="Load(string, Module, Module, AdamW)"/>, also handing back the checkpoint's metadata (the caller's extra keys).</summary>
    public static int Load(string path, Module model, Module ema, AdamW optimizer, out IReadOnlyDictionary<string, string> metadata)
    {
        using var contents = Safetensors.Load(path, model.Parameters().First().Data.Device);
        Dictionary<string, Tensor> Part(string prefix) => contents.Tensors
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        try
        {
            model.LoadStateDict(Part("model."));
            ema.LoadStateDict(Part("ema."));
            optimizer.LoadStateDict(Part("opt."), contents.Metadata);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: this checkpoint was written for a different model; delete it to start afresh ({e.Message})", e);
        }
        if (!contents.Metadata.TryGetValue("training_step", out var s) || !int.TryParse(s, CultureInfo.InvariantCulture, out var step))
            throw new InvalidDataException($"{path}: checkpoint metadata has no integer 'training_step'");
        metadata = contents.Metadata;
        return step;
    }
}
