using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>
/// How the fused GroupNorm's channels-last vector kernel splits a map (<see cref="F.ChannelsLastNormPlan"/>): arithmetic
/// the CPU build shares with the CUDA one, so its rules are checked here; `randcond-bench device-check` checks the
/// kernel's values on CUDA for the same shapes.
/// </summary>
public class ChannelsLastNormPlanTests
{
    [Theory]
    // The paper-scale U-Net's norms in bf16 (8 groups): the narrowest slab of whole groups whose 8-channel runs fill a
    // 32-byte sector per pixel and that gives a block 256 threads, one thread per run of up to 4 pixels (rounded to warps).
    [InlineData(32, 784, 8, DType.BFloat16, 16, 448)]
    [InlineData(64, 196, 8, DType.BFloat16, 32, 256)]
    [InlineData(128, 49, 8, DType.BFloat16, 64, 256)]
    // 12 channels per group: slabs of 24 (two groups, three runs) within the 1024-thread limit.
    [InlineData(96, 784, 8, DType.BFloat16, 24, 672)]
    // float32: a run already fills a sector, and a thread keeps 2 pixels' runs.
    [InlineData(32, 784, 8, DType.Float32, 8, 416)]
    // One channel per group: a slab spans 16 groups.
    [InlineData(32, 784, 32, DType.BFloat16, 16, 448)]
    // A group wider than the sector: the whole group.
    [InlineData(64, 49, 1, DType.BFloat16, 64, 256)]
    public void A_shape_that_fits_gets_the_slab_and_threads_the_rules_give(long channels, long pixels, long groups, DType dtype, int slab, int threads)
    {
        Assert.Equal((slab, threads), F.ChannelsLastNormPlan(channels, pixels, groups, dtype));
    }

    [Theory]
    [InlineData(12, 49, 4, DType.BFloat16)]   // channels not a multiple of a run of 8
    [InlineData(64, 8192, 8, DType.BFloat16)] // 2048 threads for one run of channels exceed a block
    [InlineData(96, 784, 8, DType.Float32)]   // three runs of 392 pixel threads exceed 1024
    [InlineData(30, 49, 7, DType.BFloat16)]   // groups that do not divide the channels
    public void A_shape_that_does_not_fit_takes_the_general_kernel(long channels, long pixels, long groups, DType dtype)
    {
        Assert.Null(F.ChannelsLastNormPlan(channels, pixels, groups, dtype));
    }

    [Fact]
    public void A_dtype_the_kernels_do_not_take_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => F.ChannelsLastNormPlan(32, 784, 8, DType.Float64));
        Assert.Contains("not Float64", e.Message);
    }

    [Fact]
    public void Choosing_the_kernel_on_a_build_without_the_kernels_fails_with_the_reason()
    {
        Assert.False(F.FusedNormKernels, "this test runs on the CPU build");
        var e = Assert.Throws<TorchException>(() => F.ChannelsLastNormKernel = false);
        Assert.Contains("built without the fused CUDA kernels", e.Message);
        Assert.False(F.ChannelsLastNormKernel);
    }
}
