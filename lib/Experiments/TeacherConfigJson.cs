using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Label;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;

namespace RandCond.Experiments;

/// <summary>
/// A teacher's whole configuration as JSON, stored in its safetensors metadata under <see cref="MetadataKey"/>: the
/// condition encoder (with its kind), the U-Net, the schedule, guidance, caption length and the training recipe. A file
/// carrying it loads with the architecture it names, whatever presets this code knows (configs as data); files written
/// before it existed are read through their preset name.
/// </summary>
public static class TeacherConfigJson
{
    public const string MetadataKey = "config";
    private const int Format = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        IgnoreReadOnlyProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Write(TeacherPreset preset) => new JsonObject
    {
        ["format"] = Format,
        ["name"] = preset.Name,
        ["dataset"] = preset.Dataset.Slug(),
        ["encoder_kind"] = preset.Text.Kind,
        ["encoder"] = JsonSerializer.SerializeToNode(preset.Text, preset.Text.GetType(), Options),
        ["unet"] = JsonSerializer.SerializeToNode(preset.UNet, Options),
        ["schedule"] = "linear",
        ["time_steps"] = TeacherPreset.TimeSteps,
        ["guidance_scale"] = preset.GuidanceScale,
        ["max_caption_length"] = preset.MaxCaptionLength,
        ["training"] = JsonSerializer.SerializeToNode(preset.Training, Options),
    }.ToJsonString();

    /// <summary>The preset a <see cref="MetadataKey"/> entry describes; errors name the field that is wrong.</summary>
    public static TeacherPreset Read(string json, DatasetKind dataset)
    {
        JsonObject root;
        try { root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"metadata '{MetadataKey}' is not a JSON object"); }
        catch (JsonException e) { throw new InvalidDataException($"metadata '{MetadataKey}' is not valid JSON: {e.Message}", e); }

        JsonNode Need(string key) => root[key] ?? throw new InvalidDataException($"metadata '{MetadataKey}' lacks '{key}'");
        T As<T>(string key, Type? type = null)
        {
            try { return (T)(JsonSerializer.Deserialize(Need(key), type ?? typeof(T), Options) ?? throw new InvalidDataException($"metadata '{MetadataKey}.{key}' is null")); }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or InvalidCastException)
            {
                throw new InvalidDataException($"metadata '{MetadataKey}.{key}': {e.Message}", e);
            }
        }

        if (As<int>("format") != Format) throw new InvalidDataException($"metadata '{MetadataKey}.format' is {Need("format")}; this code reads format {Format}");
        var named = As<string>("dataset");
        if (named != dataset.Slug()) throw new InvalidDataException($"metadata '{MetadataKey}.dataset' is '{named}' but the file's dataset is '{dataset.Slug()}'");
        if (As<string>("schedule") != "linear" || As<int>("time_steps") != TeacherPreset.TimeSteps)
            throw new InvalidDataException($"metadata '{MetadataKey}': this code samples the linear schedule with T = {TeacherPreset.TimeSteps} only");
        ConditionEncoderConfig encoder = As<string>("encoder_kind") switch
        {
            "text" => As<TextEncoderConfig>("encoder"),
            "label" => As<LabelEncoderConfig>("encoder"),
            var other => throw new InvalidDataException($"metadata '{MetadataKey}.encoder_kind' is '{other}' (known: text, label)"),
        };
        try
        {
            (encoder as TextEncoderConfig)?.Validate();
            (encoder as LabelEncoderConfig)?.Validate();
        }
        catch (ArgumentException e) { throw new InvalidDataException($"metadata '{MetadataKey}.encoder': {e.Message}", e); }
        return new TeacherPreset(As<string>("name"), dataset, encoder, As<UNetConfig>("unet"), As<DiffusionTrainingOptions>("training"),
            As<double>("guidance_scale"), As<int>("max_caption_length"));
    }
}
