using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Experiments;
using RandCond.Nn;
using RandCond.Tensors;
using RandCond.Tests.Notebooks;
using Xunit;

namespace RandCond.Tests.Labs;

/// <summary>A teacher file carries its whole configuration, and loads with the architecture it names.</summary>
public class TeacherConfigJsonTests
{
    private static readonly WordTokenizer Tokenizer = WordTokenizer.ForDatasets();

    [Theory]
    [InlineData("teacher")]
    [InlineData("quick-teacher")]
    [InlineData("label-teacher")]
    [InlineData("label-quick-teacher")]
    public void EveryPresetRoundTrips(string size)
    {
        var preset = TeacherPreset.For(DatasetKind.Mnist, Tokenizer, size);
        var json = TeacherConfigJson.Write(preset);
        var read = TeacherConfigJson.Read(json, DatasetKind.Mnist);
        Assert.Equal(json, TeacherConfigJson.Write(read));
        Assert.Equal(preset.Name, read.Name);
        Assert.Equal(preset.Text.Kind, read.Text.Kind);
        Assert.Equal(preset.UNet.ChannelMultipliers, read.UNet.ChannelMultipliers);
        Assert.Equal(preset.Training, read.Training);
    }

    [Fact]
    public void AFileLoadsWithTheArchitectureItStoresNotTheOneItsNameHadInCode()
    {
        var named = TeacherPreset.For(DatasetKind.Mnist, Tokenizer, "quick-teacher");
        var custom = named with { UNet = named.UNet with { BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1] } };
        using var model = new TextDiffusionModel(custom.Text, custom.UNet);
        using var folder = new TempFolder();
        var path = folder.Combine("custom.safetensors");
        TeacherFile.Save(path, custom, model, Tokenizer, new Dictionary<string, string>());

        var (loaded, _, preset, meta) = TeacherFile.Load(path);
        using var _l = loaded;
        Assert.True(meta.ContainsKey(TeacherConfigJson.MetadataKey));
        Assert.Equal(8, preset.UNet.BaseChannels);
        Assert.Equal(model.ParameterCount, loaded.ParameterCount);
        Assert.NotEqual(named.UNet.BaseChannels, preset.UNet.BaseChannels);
    }

    [Fact]
    public void ABadConfigNamesTheFileAndTheField()
    {
        var preset = TeacherPreset.For(DatasetKind.Mnist, Tokenizer, "quick-teacher");
        using var model = new TextDiffusionModel(preset.Text, preset.UNet);
        using var folder = new TempFolder();
        var path = folder.Combine("teacher.safetensors");
        TeacherFile.Save(path, preset, model, Tokenizer, new Dictionary<string, string>());
        string good;
        using (var contents = Safetensors.Load(path)) good = contents.Metadata[TeacherConfigJson.MetadataKey];

        foreach (var (from, to, field) in new[]
                 {
                     ("\"encoder_kind\":\"text\"", "\"encoder_kind\":\"pixels\"", "config.encoder_kind"),
                     ("\"base_channels\":", "\"base_channel_count\":1,\"base_channels\":", "config.unet"),
                     ("\"format\":1", "\"format\":7", "config.format"),
                     ("\"heads\":4", "\"heads\":5", "config.encoder"),
                 })
        {
            Assert.Contains(from, good);
            var bad = folder.Combine($"bad-{field}.safetensors");
            RewriteConfig(path, bad, good.Replace(from, to));
            var e = Assert.Throws<InvalidDataException>(() => TeacherFile.Load(bad));
            Assert.Contains(bad, e.Message);
            Assert.Contains(field, e.Message);
        }
    }

    private static void RewriteConfig(string source, string target, string config)
    {
        using var contents = Safetensors.Load(source);
        var meta = new Dictionary<string, string>(contents.Metadata) { [TeacherConfigJson.MetadataKey] = config };
        Safetensors.Save(target, contents.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value), meta);
    }
}
