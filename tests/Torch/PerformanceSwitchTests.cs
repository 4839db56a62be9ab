using RandCond.Diffusion.UNet;
using RandCond.Nn;
using RandCond.Tensors;
namespace RandCond.Tests.Tensors;

/// <summary>TF32 and cuDNN autotuning switches, autocast scopes and channels-last layout: each changes what it says and restores what it found.</summary>
public class PerformanceSwitchTests
{
    [Fact]
    public void Tf32SwitchesAreSetAndReadBack()
    {
        var (matmul, conv) = (Tf32.Matmul, Tf32.Convolution);
        try
        {
            Tf32.Set(true, false);
            Assert.True(Tf32.Matmul);
            Assert.False(Tf32.Convolution);
            Tf32.Convolution = true;
            Tf32.Matmul = false;
            Assert.False(Tf32.Matmul);
            Assert.True(Tf32.Convolution);
        }
        finally
        {
            Tf32.Set(matmul, conv);
        }
    }

    [Fact]
    public void CudnnAutotuningIsSetAndReadBack()
    {
        bool before = Cudnn.Benchmark;
        try
        {
            Cudnn.Benchmark = !before;
            Assert.Equal(!before, Cudnn.Benchmark);
            Cudnn.Benchmark = before;
            Assert.Equal(before, Cudnn.Benchmark);
        }
        finally
        {
            Cudnn.Benchmark = before;
        }
    }

    [Fact]
    public void AutocastRunsLinearInBFloat16AndKeepsLossesInFloat32() => TestThread.Run(() =>
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([4, 8], new Generator(1));
        var w = Torch.Randn([3, 8], new Generator(2));
        Tensor inside, mse, outside;
        using (Torch.Autocast(Device.CPU, DType.BFloat16))
        {
            Assert.Equal((true, DType.BFloat16), AutocastScope.State(DeviceType.CPU));
            inside = F.Linear(x, w);
            mse = F.MseLoss(inside, Torch.ZerosLike(inside));
        }
        outside = F.Linear(x, w);
        Assert.Equal(DType.BFloat16, inside.DType);
        Assert.Equal(DType.Float32, mse.DType);
        Assert.Equal(DType.Float32, outside.DType);
        Assert.False(AutocastScope.State(DeviceType.CPU).Enabled);
        // bf16 keeps 8 bits of mantissa: close to the float32 product, not equal to it.
        double err = (inside.Float() - outside).Abs().Max().Item();
        Assert.InRange(err, 1e-6, 0.1 * outside.Abs().Max().Item());
    });

    [Fact]
    public void NestedAutocastScopesRestoreTheOuterState() => TestThread.Run(() =>
    {
        using (Torch.Autocast(Device.CPU, DType.BFloat16))
        {
            using (Torch.Autocast(Device.CPU, DType.BFloat16, enabled: false))
                Assert.False(AutocastScope.State(DeviceType.CPU).Enabled);
            Assert.True(AutocastScope.State(DeviceType.CPU).Enabled);
        }
        Assert.False(AutocastScope.State(DeviceType.CPU).Enabled);
    });

    [Fact]
    public void AutocastRefusesFloat32AndEnablesNothing() => TestThread.Run(() =>
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Autocast(Device.CPU, DType.Float32));
        Assert.Contains("BFloat16 or Float16", e.Message);
        Assert.False(AutocastScope.State(DeviceType.CPU).Enabled);
    });

    [Fact]
    public void ChannelsLastKeepsValuesAndChangesLayout()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 3, 4, 5], new Generator(3));
        var cl = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.True(x.IsContiguous());
        Assert.False(x.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.True(cl.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.False(cl.IsContiguous());
        Assert.Equal(x.Shape, cl.Shape);
        Assert.Equal(0.0, (cl - x).Abs().Max().Item());
        Assert.Throws<ArgumentException>(() => Torch.Zeros([2, 3]).ToMemoryFormat(MemoryFormat.ChannelsLast));
        var e = Assert.Throws<TorchException>(() => x.IsContiguous(MemoryFormat.Preserve));
        Assert.Contains("memory format", e.NativeMessage);
    }

    [Fact]
    public void A_one_channel_batch_gets_channels_last_strides_that_libtorch_reads_as_such()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Randn([2, 1, 4, 5], new Generator(3));
        // Dense in both layouts, and NCHW by its strides: what at::contiguous alone would have left it.
        Assert.True(x.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.Equal(MemoryFormat.Contiguous, x.SuggestedMemoryFormat);
        var cl = x.ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.Equal(MemoryFormat.ChannelsLast, cl.SuggestedMemoryFormat);
        Assert.Equal(0.0, (cl - x).Abs().Max().Item());
        Assert.Equal(MemoryFormat.Contiguous, cl.ToMemoryFormat(MemoryFormat.Contiguous).SuggestedMemoryFormat);
        var multi = Torch.Randn([2, 3, 4, 5], new Generator(4)).ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.Equal(MemoryFormat.ChannelsLast, multi.SuggestedMemoryFormat);
    }

    [Fact]
    public void A_channels_last_unet_keeps_a_one_channel_input_channels_last_from_its_first_map_on()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(6);
        var config = new UNetConfig
        {
            BaseChannels = 8, ChannelMultipliers = [1, 2], BlocksPerStage = [1, 1], SelfAttentionStages = [], CrossAttentionStages = [],
            GroupNormGroups = 4, MiddleBlock = false,
        };
        using var unet = new UNetModel(config);
        var x = Torch.Randn([2, 1, 8, 8], new Generator(7));
        var t = Torch.FromArray(new long[] { 10, 500 });
        var before = unet.Forward(x, t).Detach();
        unet.To(MemoryFormat.ChannelsLast);
        Assert.Equal(MemoryFormat.ChannelsLast, unet.Input.Weight.Data.SuggestedMemoryFormat);
        using var capture = FeatureCapture.All();
        var after = unet.Forward(x, t, capture: capture);
        Assert.Equal(MemoryFormat.ChannelsLast, capture["in"].SuggestedMemoryFormat);
        Assert.True((after - before).Abs().Max().Item() < 1e-5);
    }

    [Fact]
    public void ModuleToChannelsLastConvertsConvWeightsAndKeepsOutputs()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        using var model = new Sequential(new Conv2d(3, 8, 3, padding: 1), new SiLU(), new Conv2d(8, 4, 3, padding: 1));
        var x = Torch.Randn([2, 3, 6, 6], new Generator(4));
        var before = model.Forward(x).Detach();
        model.To(MemoryFormat.ChannelsLast);
        var weights = model.NamedParameters().Where(p => p.Parameter.Data.Dim == 4).ToArray();
        Assert.Equal(2, weights.Length);
        Assert.All(weights, p => Assert.True(p.Parameter.Data.IsContiguous(MemoryFormat.ChannelsLast), p.Name));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
        var after = model.Forward(x.ToMemoryFormat(MemoryFormat.ChannelsLast));
        Assert.True((after - before).Abs().Max().Item() < 1e-5);
        after.Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void CudaGraphsCaptureAndReplayOrSayTheyNeedACudaBuild()
    {
        if (!(Cuda.IsBuiltWithCuda && Cuda.IsAvailable))
        {
            var e = Assert.ThrowsAny<Exception>(() => new CudaGraph());
            Assert.Contains("CUDA build", e.Message);
            return;
        }
        var device = Device.CUDA(0);
        using var x = Torch.Zeros([4], device: device);
        using var graph = new CudaGraph();
        using var y = graph.Capture(device, () => x * 2 + 1);
        using var input = Torch.FromArray(new float[] { 1, 2, 3, 4 }).To(device);
        x.CopyFrom(input);
        graph.Replay();
        Assert.Equal(new float[] { 3, 5, 7, 9 }, y.Cpu().ToArray<float>());
    }

    [Fact]
    public void AGraphedFunctionRunsEagerlyThenReplaysOrSaysItNeedsACudaBuild()
    {
        Tensor[] Body(Tensor[] x) => [x[0] * 2 + x[1]];
        if (!(Cuda.IsBuiltWithCuda && Cuda.IsAvailable))
        {
            var e = Assert.ThrowsAny<Exception>(() => new GraphedFunction(Body));
            Assert.Contains("CUDA build", e.Message);
            return;
        }
        using var scope = Torch.NewDisposeScope();
        var device = Device.CUDA(0);
        using var graphed = new GraphedFunction(Body, warmupCalls: 2);
        for (int call = 0; call < 4; call++)
        {
            var a = Torch.Full([3], call, DType.Float32, device);
            var b = Torch.Full([3], 10.0, DType.Float32, device);
            Assert.Equal(call > 2, graphed.IsCaptured);
            Assert.Equal(new float[] { 2 * call + 10, 2 * call + 10, 2 * call + 10 }, graphed.Run(a, b)[0].Cpu().ToArray<float>());
        }
        var ex = Assert.Throws<ArgumentException>(() => graphed.Run(Torch.Zeros([4], device: device), Torch.Zeros([4], device: device)));
        Assert.Contains("recorded", ex.Message);
    }
}
