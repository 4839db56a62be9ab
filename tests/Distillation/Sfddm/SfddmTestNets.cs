using RandCond.Data;
using RandCond.Diffusion;
using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Tests.Distillation.Sfddm;

/// <summary>Tiny text-conditioned U-Nets for the SFDDM tests (nonzero output head, so outputs differ between nets).</summary>
internal static class SfddmTestNets
{
    public const int CaptionLength = 8;

    public static readonly WordTokenizer Tokenizer = WordTokenizer.ForDatasets();

    public static readonly TextEncoderConfig Text = new()
    {
        VocabSize = Tokenizer.VocabularySize, MaxLength = CaptionLength, Width = 16, Layers = 1, Heads = 2,
    };

    public static readonly UNetConfig Net = new()
    {
        BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [1], CrossAttentionStages = [1],
        AttentionHeads = 2, GroupNormGroups = 4, Conditioning = Conditioning.Text, ContextDim = 16, ZeroInitOutput = false,
    };

    public static TextDiffusionModel Fresh(ulong seed)
    {
        Torch.ManualSeed(seed);
        return new TextDiffusionModel(Text, Net);
    }

    public static TextDiffusionModel CopyOf(TextDiffusionModel model)
    {
        var copy = new TextDiffusionModel(Text, Net);
        copy.LoadStateDict(model.StateDict());
        return copy;
    }

    /// <summary>Captions of the given MNIST classes, tokenized: Int64 (B, CaptionLength).</summary>
    public static Tensor Tokens(params long[] classes)
    {
        var corpus = CaptionCorpus.Full(DatasetKind.Mnist);
        return Tokenizer.EncodeBatch(classes.Select(c => corpus.CaptionsOf((int)c)[0]).ToArray(), CaptionLength);
    }
}
