using System.Globalization;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Nn;
using RandCond.Tensors;

namespace RandCond.Experiments;

/// <summary>
/// A trained teacher as committed in data/teachers: the EMA weights in float16, and in the safetensors metadata its whole
/// configuration (<see cref="TeacherConfigJson"/>), the tokenizer's vocabulary (so the file is self-contained) and how
/// it was made.
/// </summary>
public static class TeacherFile
{
    public static void Save(string path, TeacherPreset preset, TextDiffusionModel ema, WordTokenizer tokenizer, IReadOnlyDictionary<string, string> provenance)
    {
        using var scope = Torch.NewDisposeScope();
        var tensors = ema.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Cpu().To(DType.Float16));
        var meta = new Dictionary<string, string>(provenance)
        {
            ["preset"] = preset.Name,
            ["dataset"] = preset.Dataset.Slug(),
            ["conditioning"] = preset.Text.Kind,
            ["vocabulary"] = string.Join("\n", tokenizer.Vocabulary),
            [TeacherConfigJson.MetadataKey] = TeacherConfigJson.Write(preset),
        };
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>Loads a teacher in float32 on device, frozen and in eval mode, with its tokenizer and configuration.</summary>
    public static TeacherPipeline Load(string path, Device? device = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"teacher checkpoint not found: {path} (train one with 'randcond-lab train-teacher', or restore data/teachers from git)", path);
        using var contents = Safetensors.Load(path, device);
        var meta = contents.Metadata;
        try
        {
            string Need(string key) => meta.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"teacher metadata lacks '{key}'");
            var dataset = Need("dataset") switch
            {
                "mnist" => DatasetKind.Mnist,
                "fashion-mnist" => DatasetKind.FashionMnist,
                var other => throw new InvalidDataException($"unknown dataset '{other}' in metadata"),
            };
            var tokenizer = WordTokenizer.FromVocabulary(Need("vocabulary").Split('\n'));
            // The file's own configuration; files written before it was stored are read through their preset's name.
            var preset = meta.TryGetValue(TeacherConfigJson.MetadataKey, out var config)
                ? TeacherConfigJson.Read(config, dataset)
                : TeacherPreset.Named(Need("preset"), dataset, tokenizer);
            // Files written before label conditioning carry no "conditioning" entry: they are text-conditioned.
            var conditioning = meta.TryGetValue("conditioning", out var c) ? c : "text";
            if (conditioning != preset.Text.Kind)
                throw new InvalidDataException($"metadata says conditioning '{conditioning}' but preset '{preset.Name}' is {preset.Text.Kind}-conditioned");
            var model = new TextDiffusionModel(preset.Text, preset.UNet, device);
            try
            {
                using (var scope = Torch.NewDisposeScope())
                    model.LoadStateDict(contents.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.To(DType.Float32)));
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.RequiresGrad(false);
            model.Eval();
            return new TeacherPipeline(path, model, tokenizer, preset, meta);
        }
        // The metadata's vocabulary, preset or tensors do not make a teacher: name the file, not only the field.
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException or TorchException)
        {
            throw new InvalidDataException($"{path}: not a usable teacher: {e.Message}", e);
        }
    }

    public static Dictionary<string, string> Provenance(Device device, int steps, double finalLoss, double seconds) => new()
    {
        ["git_commit"] = RunRecord.Commit(),
        ["device"] = RunRecord.DeviceName(device),
        ["training_steps"] = steps.ToString(CultureInfo.InvariantCulture),
        ["final_loss"] = finalLoss.ToString("G6", CultureInfo.InvariantCulture),
        ["training_seconds"] = seconds.ToString("F1", CultureInfo.InvariantCulture),
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };
}
