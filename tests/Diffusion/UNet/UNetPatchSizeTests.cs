using RandCond.Diffusion.UNet;
using RandCond.Tensors;

namespace RandCond.Tests.Diffusion.UNet;

public class UNetPatchSizeTests
{
    private static UNetConfig Config(int patch) => TinyNets.Config(Conditioning.None) with
    {
        PatchSize = patch, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [1], CrossAttentionStages = [],
        ZeroInitOutput = false,
    };

    [Fact]
    public void A_patched_net_maps_images_to_images_on_a_coarser_grid_at_about_a_quarter_of_the_cost()
    {
        Torch.ManualSeed(0);
        using var patched = new UNetModel(Config(2));
        using var plain = new UNetModel(Config(1));
        using var scope = Torch.NewDisposeScope();
        using var capture = FeatureCapture.All();
        var y = patched.Forward(Torch.Randn([2, 1, 28, 28]), Torch.FromArray(new long[] { 5, 500 }), capture: capture);

        Assert.Equal(new long[] { 2, 1, 28, 28 }, y.Shape);
        Assert.Equal(new long[] { 2, 8, 14, 14 }, capture["in"].Shape);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, capture["out"].Shape);
        Assert.Equal(4, patched.Input.Weight.Data.Size(1));
        double ratio = (double)patched.Macs(28, 28).Total / plain.Macs(28, 28).Total;
        Assert.InRange(ratio, 0.2, 0.3);
    }

    [Fact]
    public void Sizes_must_be_multiples_of_the_patch_times_the_downsampling()
    {
        using var patched = new UNetModel(Config(2));
        var error = Assert.Throws<ArgumentException>(() => patched.Forward(Torch.Randn([1, 1, 30, 30]), Torch.FromArray(new long[] { 1 })));
        Assert.Contains("multiples of 4", error.Message);
        Assert.Contains("PatchSize", Assert.Throws<ArgumentException>(() => Config(0).Validate()).Message);
    }
}
