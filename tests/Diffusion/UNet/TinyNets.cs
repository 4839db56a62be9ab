using RandCond.Diffusion.Text;
using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Tests.Diffusion.UNet;

/// <summary>Configs small enough that a forward at 28x28 takes milliseconds on two cores.</summary>
internal static class TinyNets
{
    /// <summary>Three stages (28, 14, 7), attention at stages 1 and 2, every block kind present.</summary>
    public static UNetConfig Config(Conditioning conditioning) => new()
    {
        BaseChannels = 8,
        ChannelMultipliers = [1, 2, 2],
        BlocksPerStage = [1, 1, 1],
        SelfAttentionStages = [1, 2],
        CrossAttentionStages = [1, 2],
        AttentionHeads = 2,
        FeedForwardMultiplier = 2,
        GroupNormGroups = 4,
        Conditioning = conditioning,
        NumClasses = conditioning == Conditioning.Class ? 10 : 0,
        ContextDim = conditioning == Conditioning.Text ? 16 : 0,
    };

    public static TextEncoderConfig TextConfig => new() { VocabSize = 20, MaxLength = 6, Width = 16, Layers = 1, Heads = 2, MlpMultiplier = 2 };

    /// <summary>Token ids (B = 2, L = 6) with padding (id 0) after 4 and 2 tokens.</summary>
    public static Tensor Tokens() => Torch.FromArray(new long[] { 3, 7, 5, 9, 0, 0, 4, 11, 0, 0, 0, 0 }, [2, 6]);
}
