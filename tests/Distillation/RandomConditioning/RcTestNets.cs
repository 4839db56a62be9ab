using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.Training;
using RandCond.Diffusion.UNet;
using RandCond.Experiments;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.RandomConditioning;

/// <summary>A tiny text-conditioned teacher shaped like the real ones (three stages, two blocks each, so every block-removed student differs from it) and its preset.</summary>
internal static class RcTestNets
{
    public const int CaptionLength = 8;
    public static readonly WordTokenizer Tokenizer = WordTokenizer.ForDatasets();

    public static readonly TextEncoderConfig Text = new()
    {
        VocabSize = Tokenizer.VocabularySize, MaxLength = CaptionLength, Width = 16, Layers = 1, Heads = 2,
    };

    public static readonly UNetConfig Net = new()
    {
        BaseChannels = 8, ChannelMultipliers = [1, 2, 2], BlocksPerStage = [2, 2, 2], SelfAttentionStages = [2], CrossAttentionStages = [1, 2],
        AttentionHeads = 2, GroupNormGroups = 4, Conditioning = Conditioning.Text, ContextDim = 16, ZeroInitOutput = false,
    };

    public static readonly TeacherPreset Preset = new("mnist-test-teacher", DatasetKind.Mnist, Text, Net, new DiffusionTrainingOptions(), 3.0, CaptionLength);

    /// <summary>The test teacher as a pipeline that was never saved (its fingerprint given, not hashed from a file).</summary>
    public static TeacherPipeline Pipeline(TextDiffusionModel teacher) =>
        new("test-teacher (not saved)", teacher, Tokenizer, Preset, new Dictionary<string, string>(), fingerprint: "0123456789abcdef");

    public static TextDiffusionModel Teacher(ulong seed = 1)
    {
        Torch.ManualSeed(seed);
        var model = new TextDiffusionModel(Text, Net);
        model.RequiresGrad(false);
        model.Eval();
        return model;
    }
}
