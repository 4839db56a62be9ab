using RandCond.Diffusion.UNet;
using Xunit;

namespace RandCond.Tests.Diffusion.UNet;

public class UNetCostTests
{
    // Weights plus biases, by hand.
    private static long Conv(long i, long o, long k) => o * i * k * k + o;
    private static long Lin(long i, long o, bool bias = true) => i * o + (bias ? o : 0);
    private static long Norm(long c) => 2 * c;

    private static long Res(long i, long o, long temb) =>
        Norm(i) + Conv(i, o, 3) + Lin(temb, o) + Norm(o) + Conv(o, o, 3) + (i != o ? Conv(i, o, 1) : 0);

    private static long Attn(long c, long ctx, long ff) =>
        Norm(c) + Lin(c, c)
        + Norm(c) + 3 * Lin(c, c, false) + Lin(c, c)                     // self
        + Norm(c) + Lin(c, c, false) + 2 * Lin(ctx, c, false) + Lin(c, c) // cross
        + Norm(c) + Lin(c, ff * c) + Lin(ff * c, c)                       // feed-forward
        + Lin(c, c);                                                      // proj_out

    [Fact]
    public void ParameterCountMatchesTheArchitectureCountedByHand()
    {
        var config = new UNetConfig
        {
            BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1],
            SelfAttentionStages = [1], CrossAttentionStages = [1], AttentionHeads = 2, GroupNormGroups = 4,
            FeedForwardMultiplier = 4, Conditioning = Conditioning.Text, ContextDim = 6,
        };
        using var net = new UNetModel(config);
        const long temb = 32;
        long expected =
            Lin(8, temb) + Lin(temb, temb)                                  // time
            + Conv(1, 8, 3)                                                 // in
            + Res(8, 8, temb) + Conv(8, 8, 3)                               // down.0: res.0, downsample
            + Res(8, 16, temb) + Attn(16, 6, 4)                             // down.1
            + 2 * Res(16, 16, temb) + Attn(16, 6, 4)                        // mid
            + Res(16 + 16, 16, temb) + Res(16 + 8, 16, temb) + 2 * Attn(16, 6, 4) + Conv(16, 16, 3) // up.1 (+ upsample)
            + Res(16 + 8, 8, temb) + Res(8 + 8, 8, temb)                    // up.0
            + Norm(8) + Conv(8, 1, 3);                                      // out
        Assert.Equal(expected, net.ParameterCount);
        Assert.Equal(net.Parameters().Sum(p => p.Data.NumEl), net.ParameterCount);
    }

    [Fact]
    public void MacsMatchAHandCount()
    {
        // One stage, 2x2 image (N = 4 tokens), context of M = 3 tokens of width 2, C = 4, time width 4.
        var config = new UNetConfig
        {
            BaseChannels = 4, ChannelMultipliers = [1], BlocksPerStage = [1], SelfAttentionStages = [0],
            CrossAttentionStages = [0], AttentionHeads = 1, GroupNormGroups = 1, FeedForwardMultiplier = 1,
            MiddleBlock = false, Conditioning = Conditioning.Text, ContextDim = 2, TimeEmbeddingDim = 4,
        };
        long time = 4 * 4 + 4 * 4;
        long input = 4 * 1 * 9 * 4;
        long downRes = 4 * 4 * 9 * 4 + 4 * 4 + 4 * 4 * 9 * 4;
        long attention = 2 * (4 * 4 * 4)                          // proj_in, proj_out
                         + 4 * (4 * 4 * 4) + 2 * (4 * 4 * 4)      // self: q, k, v, out; q kᵀ and a v (N * N * C each)
                         + 2 * (4 * 4 * 4) + 2 * (2 * 4 * 3) + 2 * (4 * 3 * 4) // cross: q, out; k, v on context; two N * M * C
                         + 2 * (4 * 4 * 4);                       // feed-forward with multiplier 1
        long upRes = 4 * 8 * 9 * 4 + 4 * 4 + 4 * 4 * 9 * 4 + 4 * 8 * 4; // input 4 + skip 4, 1x1 skip conv; twice (blocks + 1)
        long output = 1 * 4 * 9 * 4;
        var macs = UNetCost.Macs(config, 2, 2, contextLength: 3);
        Assert.Equal(912, attention);
        Assert.Equal(time + input + downRes + attention + 2 * (upRes + attention) + output, macs.Total);
        Assert.Equal(7968, macs.Total);
        Assert.Equal(upRes, macs.ByBlock["up.0.res.1"]);
        Assert.Equal(attention, macs.ByBlock["up.0.attn.0"]);
        Assert.Equal(upRes, macs.ByBlock["up.0.res.0"]);
        using var net = new UNetModel(config);
        Assert.Equal(macs.Total, net.Macs(2, 2, 3).Total);
    }

    [Fact]
    public void MacsGrowWithResolutionAndShrinkForStudents()
    {
        var teacher = TinyNets.Config(Conditioning.Text) with { BlocksPerStage = [2, 2, 2] };
        var student = teacher with { BlocksPerStage = [1, 1, 1], MiddleBlock = false };
        long t28 = UNetCost.Macs(teacher, 28, 28, 6).Total;
        Assert.True(UNetCost.Macs(teacher, 32, 32, 6).Total > t28);
        Assert.True(UNetCost.Macs(student, 28, 28, 6).Total < t28);
    }
}
